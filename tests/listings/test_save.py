"""Saving a listing to one's workspace, and what taking listings down (or back) does to the
catalogue and to the applications saved from them."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from jobtracker.kit.events import subscribe
from jobtracker.listings import service
from jobtracker.listings.schemas_catalogue import ListingsRestored, ListingsTakenDown
from tests.helpers import Account, Accounts
from tests.listings.catalogue import Catalogue


@pytest.fixture
def catalogue(session: Session) -> Catalogue:
    return Catalogue(session)


@pytest.fixture
def me(accounts: Accounts) -> Account:
    return accounts.create()


def save(client: TestClient, account: Account, listing_id: uuid.UUID, expected: int = 201) -> Any:
    response = client.post(f"/api/listings/{listing_id}/save", headers=account.headers)
    assert response.status_code == expected, response.text
    return response.json()


def application(client: TestClient, account: Account, application_id: str) -> Any:
    response = client.get(f"/api/applications/{application_id}", headers=account.headers)
    assert response.status_code == 200, response.text
    return response.json()


class TestSave:
    def test_saving_creates_a_saved_application_from_the_listing(
        self, client: TestClient, catalogue: Catalogue, me: Account
    ) -> None:
        listing = catalogue.add(
            "Site Reliability Engineer", "Hooli", description="Keep it up.",
            locations=("Dublin, Ireland", "Remote"), salary=(80_000, 100_000, "EUR", "year"),
            salary_raw="€80k-100k per year",
        )  # fmt: skip
        saved = save(client, me, listing.id)
        assert saved["status"] == "saved" and saved["listing_id"] == str(listing.id)
        assert (saved["company"], saved["position"]) == ("Hooli", "Site Reliability Engineer")
        assert saved["location"] == "Dublin, Ireland" and saved["salary"] == "€80k-100k per year"
        assert saved["job_url"] == listing.apply_url
        assert saved["job_description"] == "Keep it up."
        assert saved["posting_closed"] is False
        listed = client.get("/api/applications", headers=me.headers).json()["items"]
        assert [item["id"] for item in listed] == [saved["id"]]

    def test_saving_again_returns_the_same_application(
        self, client: TestClient, catalogue: Catalogue, me: Account
    ) -> None:
        listing = catalogue.add()
        first = save(client, me, listing.id)
        again = save(client, me, listing.id, expected=200)
        assert again["id"] == first["id"]
        assert client.get("/api/applications", headers=me.headers).json()["total"] == 1

    def test_each_user_saves_to_their_own_workspace(
        self, client: TestClient, catalogue: Catalogue, accounts: Accounts
    ) -> None:
        listing = catalogue.add()
        ana, bo = accounts.create(), accounts.create()
        assert save(client, ana, listing.id)["id"] != save(client, bo, listing.id)["id"]

    def test_without_a_raw_salary_the_range_is_written_out_and_the_page_is_the_link(
        self, client: TestClient, catalogue: Catalogue, me: Account
    ) -> None:
        listing = catalogue.add(salary=(50_000, 70_000, "USD", "year"), apply_url=None)
        saved = save(client, me, listing.id)
        assert saved["salary"] == "USD 50,000\u201370,000 a year"
        assert saved["salary_parsed"]["min"] == 50000 and saved["salary_parsed"]["max"] == 70000
        assert saved["job_url"] == listing.url

    def test_long_titles_are_cut_to_what_an_application_holds(
        self, client: TestClient, catalogue: Catalogue, me: Account
    ) -> None:
        listing = catalogue.add("Engineer " * 30, salary_raw="x" * 300)
        saved = save(client, me, listing.id)
        assert len(saved["position"]) <= 200 and saved["salary"] is None

    def test_an_application_in_the_bin_does_not_count_as_saved(
        self, client: TestClient, catalogue: Catalogue, me: Account
    ) -> None:
        listing = catalogue.add()
        first = save(client, me, listing.id)
        client.delete(f"/api/applications/{first['id']}", headers=me.headers)
        assert save(client, me, listing.id)["id"] != first["id"]

    def test_saving_needs_a_login(self, client: TestClient, catalogue: Catalogue) -> None:
        listing = catalogue.add()
        response = client.post(f"/api/listings/{listing.id}/save")
        assert response.status_code == 401
        assert response.headers["content-type"] == "application/problem+json"

    def test_saving_an_unknown_listing_is_404(self, client: TestClient, me: Account) -> None:
        save(client, me, uuid.uuid4(), expected=404)


class TestTakeDown:
    def test_taking_down_hides_the_listing_and_marks_saved_applications_closed(
        self, client: TestClient, catalogue: Catalogue, session: Session, me: Account
    ) -> None:
        listing = catalogue.add("Closing soon")
        saved = save(client, me, listing.id)
        assert service.take_down(session, [listing.id]) == [listing.id]
        assert client.get("/api/listings").json()["total"] == 0
        closed = application(client, me, saved["id"])
        assert closed["posting_closed"] is True and closed["posting_closed_at"] is not None
        listed = client.get("/api/applications", headers=me.headers).json()["items"]
        assert listed[0]["posting_closed"] is True

    def test_restoring_brings_the_listing_back_and_reopens_the_posting(
        self, client: TestClient, catalogue: Catalogue, session: Session, me: Account
    ) -> None:
        listing = catalogue.add("Back again")
        saved = save(client, me, listing.id)
        service.take_down(session, [listing.id])
        assert service.restore(session, [listing.id]) == [listing.id]
        assert [item["title"] for item in client.get("/api/listings").json()["items"]] == [
            "Back again"
        ]
        assert application(client, me, saved["id"])["posting_closed"] is False

    def test_saving_a_taken_down_listing_shows_the_posting_closed_at_once(
        self, client: TestClient, catalogue: Catalogue, session: Session, me: Account
    ) -> None:
        listing = catalogue.add()
        service.take_down(session, [listing.id])
        assert save(client, me, listing.id)["posting_closed"] is True

    def test_other_applications_are_untouched(
        self, client: TestClient, catalogue: Catalogue, session: Session, me: Account
    ) -> None:
        kept, gone = catalogue.add("Kept"), catalogue.add("Gone")
        saved = save(client, me, kept.id)
        service.take_down(session, [gone.id])
        assert application(client, me, saved["id"])["posting_closed"] is False

    def test_events_are_raised_once_for_the_listings_that_changed(
        self, catalogue: Catalogue, session: Session
    ) -> None:
        heard: list[object] = []

        @subscribe(ListingsTakenDown)
        def taken_down(session: Session, event: ListingsTakenDown) -> None:
            heard.append(event)

        @subscribe(ListingsRestored)
        def restored(session: Session, event: ListingsRestored) -> None:
            heard.append(event)

        first, second = catalogue.add(), catalogue.add()
        service.take_down(session, [first.id])
        assert service.take_down(session, [first.id, second.id]) == [second.id]
        assert service.take_down(session, [first.id]) == []  # nothing new: no event
        assert service.restore(session, [first.id, uuid.uuid4()]) == [first.id]
        ours = [event for event in heard if set(event.listing_ids) & {first.id, second.id}]  # type: ignore[attr-defined]
        assert ours == [
            ListingsTakenDown((first.id,)), ListingsTakenDown((second.id,)),
            ListingsRestored((first.id,)),
        ]  # fmt: skip

    def test_thousands_of_listings_go_down_in_one_call(
        self, catalogue: Catalogue, session: Session
    ) -> None:
        listing = catalogue.add()
        many = [uuid.uuid4() for _ in range(1_200)] + [listing.id]
        assert service.take_down(session, many) == [listing.id]
