"""The public catalogue's API: search (ranked, highlighted, filtered, paginated) and a listing,
without login, on SQLite's FTS5 and on PostgreSQL's full-text search alike."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from jobtracker.listings import service
from tests.listings.catalogue import Catalogue, days_ago

PROBLEM = "application/problem+json"


@pytest.fixture
def catalogue(session: Session) -> Catalogue:
    return Catalogue(session)


def search(client: TestClient, query: str = "", **params: Any) -> dict[str, Any]:
    response = client.get(f"/api/listings?{query}", params=params or None)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def titles(client: TestClient, query: str = "", **params: Any) -> list[str]:
    return [item["title"] for item in search(client, query, **params)["items"]]


class TestSearch:
    def test_anyone_can_search_without_logging_in(
        self, client: TestClient, catalogue: Catalogue
    ) -> None:
        catalogue.add("Python Developer", "Globex", description="Django and PostgreSQL.")
        page = search(client, q="python")
        assert page["total"] == 1
        item = page["items"][0]
        assert item["title"] == "Python Developer" and item["company"] == "Globex"
        assert item["locations"] == ["Berlin, Germany"] and item["removed"] is False
        assert item["url"].startswith("https://") and item["apply_url"].endswith("/apply")

    def test_a_title_match_ranks_above_a_description_match(
        self, client: TestClient, catalogue: Catalogue
    ) -> None:
        catalogue.add("Designer", description="You will work with our Kotlin team on the app.")
        catalogue.add("Kotlin Engineer", description="Build the Android app with our team.")
        assert titles(client, q="kotlin") == ["Kotlin Engineer", "Designer"]

    def test_words_in_company_and_skills_are_found(
        self, client: TestClient, catalogue: Catalogue
    ) -> None:
        catalogue.add("Engineer", "Initech", skills=["terraform", "aws"])
        catalogue.add("Engineer", "Umbrella")
        assert [item["company"] for item in search(client, q="initech")["items"]] == ["Initech"]
        assert [item["company"] for item in search(client, q="terraform")["items"]] == ["Initech"]

    @pytest.mark.parametrize(("typed", "stored"), [("developpeur", "Développeur Python"),
                                                   ("développeur", "Developpeur Python"),
                                                   ("ZURICH", "Ingenieur in Zürich")])  # fmt: skip
    def test_accents_and_case_do_not_matter(
        self, client: TestClient, catalogue: Catalogue, typed: str, stored: str
    ) -> None:
        catalogue.add(stored, description="Une équipe sympa.")
        catalogue.add("Accountant", description="Numbers.")
        assert titles(client, q=typed) == [stored]

    def test_all_words_are_required(self, client: TestClient, catalogue: Catalogue) -> None:
        catalogue.add("Python Developer")
        catalogue.add("Python Data Analyst")
        assert titles(client, q="python developer") == ["Python Developer"]

    def test_quotes_or_and_minus_work_as_on_search_engines(
        self, client: TestClient, catalogue: Catalogue
    ) -> None:
        catalogue.add("Data Engineer", description="Pipelines in Python and Django.")
        catalogue.add("Engineer of Data", description="Pipelines in Rust.")
        catalogue.add("Go Developer", description="Services in Go.")
        assert titles(client, q='"data engineer"') == ["Data Engineer"]
        assert set(titles(client, q="rust or go")) == {"Engineer of Data", "Go Developer"}
        assert titles(client, q="pipelines -django") == ["Engineer of Data"]

    def test_the_snippet_marks_the_matches_and_escapes_everything_else(
        self, client: TestClient, catalogue: Catalogue
    ) -> None:
        text = "Fix <script>alert(1)</script> bugs in R&D tools when 2 < 3, with Elixir daily."
        catalogue.add("Engineer", description=text)
        snippet = search(client, q="elixir")["items"][0]["snippet"]
        assert "<mark>Elixir</mark>" in snippet
        assert "<script" not in snippet and "R&amp;D" in snippet and "2 &lt; 3" in snippet
        assert snippet.replace("<mark>", "").replace("</mark>", "").count("<") == 0

    def test_an_accent_free_query_highlights_the_accented_word(
        self, client: TestClient, catalogue: Catalogue
    ) -> None:
        catalogue.add("Poste", description="Nous cherchons un développeur curieux.")
        snippet = search(client, q="developpeur")["items"][0]["snippet"]
        assert "<mark>développeur</mark>" in snippet

    def test_without_a_query_the_snippet_is_the_escaped_description(
        self, client: TestClient, catalogue: Catalogue
    ) -> None:
        catalogue.add("Engineer", description="Tools for <teams> & friends.")
        snippet = search(client)["items"][0]["snippet"]
        assert snippet == "Tools for &lt;teams&gt; &amp; friends."

    @pytest.mark.parametrize(
        "typed",
        ["c++", '"unterminated', "-", "OR", "AND", "NOT", "*", "NEAR(", "title:x", "'", "\\",
         "()", "-python", 'a"b"c', "^start", "+", "python OR"],
    )  # fmt: skip
    def test_what_anyone_types_never_breaks_the_search(
        self, client: TestClient, catalogue: Catalogue, typed: str
    ) -> None:
        catalogue.add("Python Developer")
        assert search(client, q=typed)["total"] >= 0

    def test_c_plus_plus_finds_listings_about_c_plus_plus(
        self, client: TestClient, catalogue: Catalogue
    ) -> None:
        catalogue.add("Embedded Engineer", description="Firmware in C++ and Rust.")
        catalogue.add("Web Developer", description="TypeScript.")
        assert titles(client, q="c++") == ["Embedded Engineer"]

    def test_a_query_of_only_punctuation_or_exclusions_lists_everything(
        self, client: TestClient, catalogue: Catalogue
    ) -> None:
        catalogue.add("One")
        catalogue.add("Two")
        assert search(client, q="-")["total"] == 2
        assert search(client, q="-python")["total"] == 2

    def test_without_a_query_the_newest_come_first_and_unknown_dates_last(
        self, client: TestClient, catalogue: Catalogue
    ) -> None:
        catalogue.add("Undated", posted_days_ago=None)
        catalogue.add("Old", posted_days_ago=30)
        catalogue.add("New", posted_days_ago=1)
        assert titles(client) == ["New", "Old", "Undated"]
        assert titles(client, sort="relevance") == ["New", "Old", "Undated"]

    def test_sort_newest_orders_matches_by_date(
        self, client: TestClient, catalogue: Catalogue
    ) -> None:
        catalogue.add("Scala Engineer", posted_days_ago=20)
        catalogue.add("Designer", description="Some Scala.", posted_days_ago=2)
        assert titles(client, q="scala") == ["Scala Engineer", "Designer"]
        assert titles(client, q="scala", sort="newest") == ["Designer", "Scala Engineer"]


class TestFilters:
    def test_location_is_a_part_of_any_location_ignoring_case_and_accents(
        self, client: TestClient, catalogue: Catalogue
    ) -> None:
        catalogue.add("In Zurich", locations=("Zürich, Switzerland", "Remote"))
        catalogue.add("In Paris", locations=("Paris, France",))
        assert titles(client, location="zurich") == ["In Zurich"]
        assert titles(client, location="ZÜRICH switzerland") == ["In Zurich"]
        assert titles(client, location="100%_") == []  # LIKE wildcards are literal

    def test_workplace_takes_one_or_several(self, client: TestClient, catalogue: Catalogue) -> None:
        catalogue.add("Remote one", workplace="remote")
        catalogue.add("Hybrid one", workplace="hybrid")
        catalogue.add("Office one", workplace="onsite")
        assert titles(client, workplace="remote") == ["Remote one"]
        both = titles(client, "workplace=remote&workplace=hybrid")
        assert set(both) == {"Remote one", "Hybrid one"}

    def test_an_unknown_workplace_is_422(self, client: TestClient) -> None:
        response = client.get("/api/listings?workplace=moon")
        assert response.status_code == 422 and response.headers["content-type"] == PROBLEM

    def test_company_is_a_part_of_the_name_ignoring_case_and_accents(
        self, client: TestClient, catalogue: Catalogue
    ) -> None:
        catalogue.add("At SG", "Société Générale")
        catalogue.add("At Acme", "Acme")
        assert titles(client, company="societe gen") == ["At SG"]

    def test_employment_type_and_category_take_one_or_several(
        self, client: TestClient, catalogue: Catalogue
    ) -> None:
        catalogue.add("Full", employment_type="full_time", category="backend")
        catalogue.add("Part", employment_type="part_time", category="frontend")
        catalogue.add("Gig", employment_type="contract", category="backend")
        assert titles(client, employment_type="part_time") == ["Part"]
        assert set(titles(client, "employment_type=full_time&employment_type=contract")) == {
            "Full", "Gig",
        }  # fmt: skip
        assert set(titles(client, category="backend")) == {"Full", "Gig"}
        assert titles(client, "category=backend&employment_type=contract") == ["Gig"]

    def test_salary_min_compares_the_top_of_the_range_in_the_same_period(
        self, client: TestClient, catalogue: Catalogue
    ) -> None:
        catalogue.add("Range to 90k", salary=(60_000, 90_000, "EUR", "year"))
        catalogue.add("Only a min of 85k", salary=(85_000, None, "EUR", "year"))
        catalogue.add("Up to 70k", salary=(50_000, 70_000, "EUR", "year"))
        catalogue.add("Monthly 8k", salary=(7_000, 8_000, "EUR", "month"))
        catalogue.add("No salary")
        assert set(titles(client, salary_min=80_000)) == {"Range to 90k", "Only a min of 85k"}
        assert titles(client, salary_min=7_500, salary_period="month") == ["Monthly 8k"]

    def test_posted_since_keeps_listings_posted_that_day_or_later(
        self, client: TestClient, catalogue: Catalogue
    ) -> None:
        catalogue.add("Recent", posted_days_ago=2)
        catalogue.add("Old", posted_days_ago=40)
        catalogue.add("Undated", posted_days_ago=None)
        since = days_ago(10).date().isoformat()
        assert titles(client, posted_since=since) == ["Recent"]

    def test_taken_down_listings_show_only_when_asked(
        self, client: TestClient, catalogue: Catalogue, session: Session
    ) -> None:
        catalogue.add("Live Rust job")
        gone = catalogue.add("Gone Rust job")
        service.take_down(session, [gone.id])
        assert titles(client, q="rust") == ["Live Rust job"]
        everything = search(client, q="rust", include_removed="true")["items"]
        assert {item["title"]: item["removed"] for item in everything} == {
            "Live Rust job": False, "Gone Rust job": True,
        }  # fmt: skip

    def test_blank_fields_of_the_web_form_mean_any(
        self, client: TestClient, catalogue: Catalogue
    ) -> None:
        catalogue.add("Anything")
        blanks = "q=&location=&salary_min=&posted_since=&category=&employment_type=&sort="
        assert titles(client, blanks) == ["Anything"]

    def test_filters_narrow_a_text_search(self, client: TestClient, catalogue: Catalogue) -> None:
        catalogue.add("Remote Java", workplace="remote")
        catalogue.add("Office Java", workplace="onsite")
        assert titles(client, q="java", workplace="remote") == ["Remote Java"]


class TestPages:
    def test_pages_split_the_results_and_the_total_counts_them_all(
        self, client: TestClient, catalogue: Catalogue
    ) -> None:
        for day in range(5):
            catalogue.add(f"Haskell job {day}", posted_days_ago=day + 1)
        first = search(client, q="haskell", limit=2, sort="newest")
        second = search(client, q="haskell", limit=2, offset=2, sort="newest")
        assert first["total"] == second["total"] == 5
        assert [item["title"] for item in first["items"] + second["items"]] == [
            f"Haskell job {day}" for day in range(4)
        ]

    def test_the_limit_is_bounded(self, client: TestClient) -> None:
        assert client.get("/api/listings?limit=1000").status_code == 422


class TestListing:
    def test_a_listing_shows_its_details_and_every_sighting(
        self, client: TestClient, catalogue: Catalogue
    ) -> None:
        listing = catalogue.add(
            "Platform Engineer", "Hooli", description="Kubernetes & friends.",
            sources=("Hooli board", "Remote feed"), department="Infrastructure",
            workplace="remote", remote_scope="EMEA", salary=(70_000, 95_000, "EUR", "year"),
            salary_raw="€70k-95k",
        )  # fmt: skip
        body = client.get(f"/api/listings/{listing.id}").json()
        assert body["title"] == "Platform Engineer" and body["department"] == "Infrastructure"
        assert body["description_html"] == "<p>Kubernetes &amp; friends.</p>"
        assert body["salary"] == {
            "min": 70000.0, "max": 95000.0, "currency": "EUR", "period": "year", "raw": "€70k-95k",
        }  # fmt: skip
        assert body["remote_scope"] == "EMEA" and body["removed_at"] is None
        assert [sighting["source_name"] for sighting in body["sightings"]] == [
            "Hooli board", "Remote feed",
        ]  # fmt: skip
        assert body["sightings"][0]["external_id"].startswith("greenhouse-")

    def test_a_taken_down_listing_still_opens_and_says_so(
        self, client: TestClient, catalogue: Catalogue, session: Session
    ) -> None:
        listing = catalogue.add()
        service.take_down(session, [listing.id])
        body = client.get(f"/api/listings/{listing.id}").json()
        assert body["removed"] is True and body["removed_at"] is not None

    def test_an_unknown_listing_is_404(self, client: TestClient) -> None:
        response = client.get(f"/api/listings/{uuid.uuid4()}")
        assert response.status_code == 404 and response.headers["content-type"] == PROBLEM
