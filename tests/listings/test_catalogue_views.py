"""The catalogue's pages: search with filters (live with htmx), a listing's page and "Save",
signed out and signed in; "Posting closed" on the workspace's pages."""

from __future__ import annotations

import re
import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from jobtracker.listings import service
from tests.helpers import Account, Accounts
from tests.listings.catalogue import Catalogue
from tests.pages import HTML, HTMX, log_in, submit


@pytest.fixture
def catalogue(session: Session) -> Catalogue:
    return Catalogue(session)


@pytest.fixture
def me(client: TestClient, accounts: Accounts) -> Account:
    account = accounts.create("Page User")
    assert log_in(client, account.email).status_code == 303
    return account


class TestCataloguePage:
    def test_anyone_can_browse_the_catalogue_from_the_nav_bar(
        self, client: TestClient, catalogue: Catalogue
    ) -> None:
        catalogue.add("Ruby Developer", "Globex")
        home = client.get("/").text
        assert '<a href="/listings"' in home
        page = client.get("/listings")
        assert page.status_code == 200
        assert "Ruby Developer" in page.text and "Globex" in page.text
        assert "1 listing" in page.text

    def test_a_live_search_answers_with_the_results_only_and_highlights_matches(
        self, client: TestClient, catalogue: Catalogue
    ) -> None:
        catalogue.add("Engineer", description="Ship Elixir & Erlang services.")
        catalogue.add("Accountant", description="Ledgers.")
        fragment = client.get("/listings?q=elixir", headers=HTMX).text
        assert "<html" not in fragment and "Accountant" not in fragment
        assert "<mark>Elixir</mark>" in fragment and "&amp; Erlang" in fragment

    def test_the_form_keeps_the_chosen_filters(
        self, client: TestClient, catalogue: Catalogue
    ) -> None:
        catalogue.add("Remote Go", workplace="remote", category="backend")
        catalogue.add("Office Go", workplace="onsite", category="frontend")
        page = client.get("/listings?q=go&workplace=remote&category=backend&salary_min=").text
        assert "Remote Go" in page and "Office Go" not in page
        assert re.search(r'value="remote"\s+checked', page)
        assert re.search(r'<option value="backend"\s+selected>Backend</option>', page)
        assert '<option value="frontend" >Frontend</option>' in page  # choices from the data

    def test_the_pager_keeps_the_filters(self, client: TestClient, catalogue: Catalogue) -> None:
        for number in range(21):
            catalogue.add(f"Clojure job {number}", workplace="remote")
        first = client.get("/listings?q=clojure&workplace=remote").text
        assert "/listings?q=clojure&amp;workplace=remote&amp;page=2" in first
        second = client.get("/listings?q=clojure&workplace=remote&page=2").text
        assert "← Previous" in second and "Next →" not in second

    def test_taken_down_listings_show_with_a_badge_when_included(
        self, client: TestClient, catalogue: Catalogue, session: Session
    ) -> None:
        gone = catalogue.add("Gone job")
        service.take_down(session, [gone.id])
        assert "Gone job" not in client.get("/listings").text
        page = client.get("/listings?include_removed=true").text
        assert "Gone job" in page and "Taken down</span>" in page

    def test_nothing_found_says_so(self, client: TestClient) -> None:
        assert "No listing matches" in client.get("/listings?q=zzzz").text


class TestListingPage:
    def test_a_listing_shows_its_description_sightings_and_apply_link(
        self, client: TestClient, catalogue: Catalogue
    ) -> None:
        listing = catalogue.add(
            "Data Engineer", "Initech", description="Spark & Airflow.",
            sources=("Initech board", "Remote feed"), salary_raw="€60k",
        )  # fmt: skip
        page = client.get(f"/listings/{listing.id}").text
        assert "<p>Spark &amp; Airflow.</p>" in page  # the sanitised HTML, as HTML
        assert "Initech board" in page and "Remote feed" in page and "€60k" in page
        assert f'href="{listing.apply_url}"' in page
        assert "Save to my applications" in page

    def test_a_link_that_is_not_http_is_not_made_a_link(
        self, client: TestClient, catalogue: Catalogue
    ) -> None:
        listing = catalogue.add(apply_url="javascript:alert(1)")
        assert "javascript:" not in client.get(f"/listings/{listing.id}").text

    def test_saving_while_signed_out_asks_to_log_in_and_comes_back(
        self, client: TestClient, catalogue: Catalogue
    ) -> None:
        listing = catalogue.add()
        url = f"/listings/{listing.id}"
        response = submit(client, url, f"{url}/save", {})
        assert response.status_code == 303
        assert response.headers["location"] == f"/login?next={url}"

    def test_saving_leads_to_the_application(
        self, client: TestClient, catalogue: Catalogue, me: Account
    ) -> None:
        listing = catalogue.add("Staff Engineer", "Hooli")
        url = f"/listings/{listing.id}"
        response = submit(client, url, f"{url}/save", {})
        assert response.headers["location"] == url
        page = client.get(url).text
        found = re.search(r'href="/applications/([0-9a-f-]{36})"', page)
        assert found and "Save to my applications" not in page
        application = client.get(f"/applications/{found.group(1)}").text
        assert "Staff Engineer" in application and "In the catalogue" in application

    def test_an_unknown_listing_is_a_404_page(self, client: TestClient) -> None:
        response = client.get(f"/listings/{uuid.uuid4()}", headers=HTML)
        assert response.status_code == 404 and "<html" in response.text


class TestPostingClosed:
    def test_the_application_pages_show_a_closed_posting(
        self, client: TestClient, catalogue: Catalogue, session: Session, me: Account
    ) -> None:
        listing = catalogue.add("Closing Role")
        url = f"/listings/{listing.id}"
        submit(client, url, f"{url}/save", {})
        assert "Posting closed" not in client.get("/applications").text
        service.take_down(session, [listing.id])
        assert "Posting closed" in client.get("/applications").text
        found = re.search(r'href="/applications/([0-9a-f-]{36})"', client.get(url).text)
        assert found and "Posting closed" in client.get(f"/applications/{found.group(1)}").text
