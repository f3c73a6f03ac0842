"""Lever postings (feeds.md §2) served by a local server: a bare array, the description in
parts, `workplaceType`, epoch milliseconds, salary ranges, and its 404 shape."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from jobtracker.kit.http import GuardedClient
from jobtracker.listings.schemas import Category, EmploymentType, Location, Salary, Workplace
from jobtracker.listings.sources.base import InvalidFeed
from jobtracker.listings.sources.lever import LeverSource
from tests.kit.http.conftest import LocalServer
from tests.listings.sources.conftest import Item, adapter, by_id, fetch, fixture, serve

PATH = "/v0/postings/bluefinlabs"
PAYMENTS = "3f1c9a2e-7b44-4c1d-9e0a-5d2b8f6a1c33"
SUPPORT = "9a0b7c6d-2e1f-4a3b-8c5d-6e7f8a9b0c1d"
LAB = "5c4b3a29-1807-4f6e-9d5c-4b3a29180706"


@pytest.fixture
def items(server: LocalServer, guarded: GuardedClient, tmp_path: Path) -> list[Item]:
    serve(server, PATH, fixture("lever.json"))
    source = adapter(LeverSource, server, company="Bluefin Labs", board="bluefinlabs")
    return fetch(source, guarded, tmp_path)[1]


class TestLeverSource:
    def test_a_posting_reads_as_on_the_board(self, items: list[Item]) -> None:
        job = by_id(items)[PAYMENTS]
        assert (job.title, job.company) == ("Backend Engineer, Payments", "Bluefin Labs")
        assert job.url == f"https://jobs.lever.co/bluefinlabs/{PAYMENTS}"
        assert job.apply_url == f"https://jobs.lever.co/bluefinlabs/{PAYMENTS}/apply"
        assert (job.employment_type, job.department) == (EmploymentType.FULL_TIME, "Engineering")
        assert job.category is Category.BACKEND
        assert job.posted is not None  # createdAt 1772000000000 ms
        assert job.posted.value.isoformat() == "2026-02-25T06:13:20+00:00"
        assert job.updated is None  # Lever has no update time: the content hash tells

    def test_description_lists_and_additional_make_one_description(self, items: list[Item]) -> None:
        job = by_id(items)[PAYMENTS]
        assert job.description_text.splitlines() == [
            "Bluefin Labs moves money.", "You will own the ledger.", "Requirements",
            "Go or Kotlin", "Postgres", "Benefits", "30 days of holiday",
            "Visa sponsorship available.",
        ]  # fmt: skip
        assert "<h3>Requirements</h3><ul><li>Go or Kotlin</li>" in job.description_html

    def test_without_description_the_opening_and_body_are_joined(self, items: list[Item]) -> None:
        job = by_id(items)[SUPPORT]
        assert job.description_text == "Help our customers.\nAnswer tickets in under an hour."

    @pytest.mark.parametrize(
        ("posting", "workplace", "scope"),
        [
            (PAYMENTS, Workplace.HYBRID, None),
            (SUPPORT, Workplace.REMOTE, "US"),
            (LAB, Workplace.ONSITE, None),  # "on-site", with its hyphen
        ],
    )
    def test_the_workplace_type_is_read(
        self, items: list[Item], posting: str, workplace: Workplace, scope: str | None
    ) -> None:
        job = by_id(items)[posting]
        assert (job.workplace, job.remote_scope) == (workplace, scope)

    def test_every_location_is_kept_and_the_country_completes_a_single_one(
        self, items: list[Item]
    ) -> None:
        assert by_id(items)[PAYMENTS].locations == (
            Location("Berlin", "Berlin", None, "DE"),
            Location("Remote - Germany", None, None, "DE"),
        )
        assert by_id(items)[LAB].locations == (Location("Wroclaw", "Wroclaw", None, "PL"),)

    def test_salary_ranges_keep_their_interval_and_currency(self, items: list[Item]) -> None:
        yearly = Salary(Decimal(70000), Decimal(90000), "EUR", "year", "Plus equity.")
        hourly = Salary(Decimal(45), Decimal(60), "PLN", "hour", None)
        assert (by_id(items)[PAYMENTS].salary, by_id(items)[LAB].salary) == (yearly, hourly)

    def test_a_salary_given_only_as_text_is_read_from_it(self, items: list[Item]) -> None:
        salary = by_id(items)[SUPPORT].salary
        assert salary == Salary(Decimal(60), Decimal(75), "USD", "hour", "$60 - $75 per hour")
        assert by_id(items)[SUPPORT].employment_type is EmploymentType.CONTRACT  # "Contractor"

    def test_an_unknown_site_is_lever_s_404(
        self, server: LocalServer, guarded: GuardedClient, tmp_path: Path
    ) -> None:
        serve(server, "/v0/postings/nobody", fixture("lever-not-found.json"), status=404)
        source = adapter(LeverSource, server, board="nobody")
        with pytest.raises(httpx.HTTPStatusError) as raised:
            source.download(guarded, tmp_path, etag=None, last_modified=None)
        assert raised.value.response.status_code == 404
        assert raised.value.response.json() == {"ok": False, "error": "Document not found"}

    def test_the_not_found_object_served_with_200_is_an_invalid_feed(
        self, server: LocalServer, guarded: GuardedClient, tmp_path: Path
    ) -> None:
        serve(server, PATH, fixture("lever-not-found.json"))
        source = adapter(LeverSource, server, board="bluefinlabs")
        with pytest.raises(InvalidFeed, match="not an array"):
            source.download(guarded, tmp_path, etag=None, last_modified=None)

    def test_the_eu_instance_is_reached_through_base_url(self) -> None:
        source = LeverSource({"board": "bluefinlabs", "base_url": "https://api.eu.lever.co"})
        assert source.source_url() == "https://api.eu.lever.co/v0/postings/bluefinlabs?mode=json"

    def test_odd_types_in_a_posting_do_not_stop_the_board(self, tmp_path: Path) -> None:
        odd = {
            "id": "x-1", "text": "QA Engineer", "hostedUrl": "https://jobs.lever.co/a/x-1",
            "categories": "Remote", "lists": None, "salaryRange": [], "createdAt": "soon",
        }  # fmt: skip
        path = tmp_path / "lever.json"
        path.write_text(json.dumps([odd]))
        (job,) = by_id(list(LeverSource({"board": "a"}).parse([path]))).values()
        assert (job.title, job.locations, job.salary, job.posted) == ("QA Engineer", (), None, None)
