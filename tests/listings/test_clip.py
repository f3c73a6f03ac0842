"""Clipping a job from any page, through the API and the page: JSON-LD first, then the page's
own title; a clear 422 when nothing can be read or fetched."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.helpers import Account, Accounts
from tests.kit.http.conftest import LocalServer
from tests.pages import log_in, submit

POSTING = {
    "@context": "https://schema.org", "@type": "JobPosting", "title": "Platform Engineer",
    "hiringOrganization": {"@type": "Organization", "name": "Northwind Robotics"},
    "jobLocation": {"@type": "Place", "address": {"@type": "PostalAddress",
                    "addressLocality": "Lisbon", "addressCountry": "PT"}},
    "baseSalary": {"@type": "MonetaryAmount", "currency": "EUR", "value": {
        "@type": "QuantitativeValue", "minValue": 65000, "maxValue": 82000, "unitText": "YEAR"}},
    "description": "<p>Run our Kubernetes platform.</p>", "datePosted": "2026-11-20",
}  # fmt: skip


def page(head: str = "", body: str = "") -> bytes:
    return f"<!doctype html><html><head>{head}</head><body>{body}</body></html>".encode()


HTML = {"Content-Type": "text/html; charset=utf-8"}


@pytest.fixture
def pages() -> Iterator[LocalServer]:
    local = LocalServer()
    local.start()
    ld = f'<script type="application/ld+json">{json.dumps(POSTING)}</script>'
    local.reply("/jobs/42", body=page("<title>Careers</title>" + ld), headers=HTML)
    og = ('<meta property="og:title" content="Senior Designer">'
          '<meta property="og:site_name" content="Globex">')  # fmt: skip
    local.reply("/og", body=page(og), headers=HTML)
    local.reply("/bare", body=page(), headers=HTML)
    local.reply("/json", body=b"{}", headers={"Content-Type": "application/json"})
    local.reply("/gone", 404, page("<title>Not found</title>"), headers=HTML)
    yield local
    local.stop()


@pytest.fixture
def owner(accounts: Accounts) -> Account:
    return accounts.create()


def clip(client: TestClient, account: Account, url: str) -> Any:
    return client.post("/api/applications/from-url", json={"url": url}, headers=account.headers)


class TestClipApi:
    def test_a_job_posting_becomes_a_saved_application(
        self, client: TestClient, owner: Account, pages: LocalServer
    ) -> None:
        response = clip(client, owner, pages.url("/jobs/42"))
        assert response.status_code == 201, response.text
        created = response.json()
        assert (created["company"], created["position"]) == (
            "Northwind Robotics",
            "Platform Engineer",
        )
        assert created["status"] == "saved" and "Lisbon" in created["location"]
        assert created["salary_parsed"]["currency"] == "EUR"
        assert created["salary_parsed"]["min"] == 65000
        assert "Kubernetes" in created["job_description"]
        assert created["job_url"] == pages.url("/jobs/42")

    def test_without_job_data_the_pages_own_title_is_used(
        self, client: TestClient, owner: Account, pages: LocalServer
    ) -> None:
        created = clip(client, owner, pages.url("/og")).json()
        assert (created["company"], created["position"]) == ("Globex", "Senior Designer")

    @pytest.mark.parametrize(
        ("path", "message"),
        [
            ("/bare", "No job posting found"),
            ("/json", "not a web page"),
            ("/gone", "answered 404"),
        ],
    )
    def test_what_cannot_be_read_is_422_saying_why(
        self, client: TestClient, owner: Account, pages: LocalServer, path: str, message: str
    ) -> None:
        response = clip(client, owner, pages.url(path))
        assert response.status_code == 422
        assert message in response.json()["detail"]
        assert response.json()["errors"][0]["loc"] == ["body", "url"]

    def test_a_private_address_is_refused(self, client: TestClient, owner: Account) -> None:
        response = clip(client, owner, "http://10.1.2.3/jobs/1")
        assert response.status_code == 422 and "cannot be fetched" in response.json()["detail"]

    def test_anonymous_is_401(self, client: TestClient, pages: LocalServer) -> None:
        body = {"url": pages.url("/jobs/42")}
        assert client.post("/api/applications/from-url", json=body).status_code == 401


class TestClipPage:
    def test_the_bookmarklet_page_saves_the_job_and_opens_it(
        self, client: TestClient, owner: Account, pages: LocalServer
    ) -> None:
        log_in(client, owner.email)
        url = pages.url("/jobs/42")
        shown = client.get(f"/applications/clip?url={url}")
        assert "javascript:" in shown.text and url in shown.text
        saved = submit(client, "/applications/clip", "/applications/clip", {"url": url})
        assert saved.status_code == 303
        assert "Platform Engineer" in client.get(saved.headers["location"]).text

    def test_a_page_without_a_job_shows_why(
        self, client: TestClient, owner: Account, pages: LocalServer
    ) -> None:
        log_in(client, owner.email)
        response = submit(client, "/applications/clip", "/applications/clip",
                          {"url": pages.url("/bare")})  # fmt: skip
        assert response.status_code == 422 and "No job posting found" in response.text
