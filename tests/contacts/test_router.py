"""Contacts through the HTTP API: every field's rule, search, pagination, the applications a
contact relates to, and who may see what."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from jobtracker.applications.models import Application
from jobtracker.kit.clock import utcnow
from tests.contacts.conftest import add_application, add_contact, read_contact
from tests.helpers import Account, Accounts

PROBLEM = "application/problem+json"


@pytest.fixture
def me(accounts: Accounts) -> Account:
    return accounts.create("Contact Owner")


@pytest.fixture
def other(accounts: Accounts) -> Account:
    return accounts.create("Someone Else")


def create(client: TestClient, account: Account, **fields: Any) -> Any:
    return client.post("/api/contacts", json=fields, headers=account.headers)


def search(client: TestClient, account: Account, **params: Any) -> Any:
    response = client.get("/api/contacts", params=params, headers=account.headers)
    assert response.status_code == 200, response.text
    return response.json()


def set_deleted_at(session: Session, application_id: uuid.UUID, when: datetime | None) -> None:
    """Move an application to the bin (a time) or restore it (None)."""
    application = session.get(Application, application_id)
    assert application is not None
    application.deleted_at = when
    session.flush()


def names(page: Any) -> list[str]:
    return [item["name"] for item in page["items"]]


def error_locations(response: Any) -> list[list[Any]]:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM
    return [error["loc"] for error in response.json()["errors"]]


FULL = {
    "name": "José Pérez",
    "position": "Technical recruiter",
    "company": "Acme Robotics",
    "emails": ["jose@acme.example"],
    "phones": ["+34 600 000 000"],
    "social_links": [{"label": "LinkedIn", "url": "https://www.linkedin.com/in/jose"}],
    "notes": "Met at the fair.\nCall back in May.",
}


class TestCreate:
    def test_returns_201_with_every_field(self, client: TestClient, me: Account) -> None:
        response = create(client, me, **FULL)
        assert response.status_code == 201
        contact = response.json()
        assert {key: contact[key] for key in FULL} == FULL
        assert contact["application_ids"] == []
        assert contact["linked_user"] is None
        assert contact["created_at"] == contact["updated_at"]
        assert read_contact(client, me, contact["id"]) == contact

    def test_only_the_name_is_required(self, client: TestClient, me: Account) -> None:
        contact = add_contact(client, me, "Only A Name")
        assert (contact["position"], contact["company"], contact["notes"]) == (None, None, None)
        assert (contact["emails"], contact["phones"], contact["social_links"]) == ([], [], [])

    @pytest.mark.parametrize("body", [{}, {"name": ""}, {"name": "   "}, {"name": None}])
    def test_a_missing_or_empty_name_is_422(
        self, client: TestClient, me: Account, body: dict[str, Any]
    ) -> None:
        response = client.post("/api/contacts", json=body, headers=me.headers)
        assert error_locations(response) == [["body", "name"]]

    @pytest.mark.parametrize("field", ["name", "position", "company"])
    def test_more_than_200_characters_is_422(
        self, client: TestClient, me: Account, field: str
    ) -> None:
        response = create(client, me, **{"name": "Ana", field: "x" * 201})
        assert error_locations(response) == [["body", field]]

    def test_emails_are_deduplicated_ignoring_case_keeping_the_first(
        self, client: TestClient, me: Account
    ) -> None:
        emails = ["Ana@Work.example", "ana@home.example", "ANA@work.example"]
        contact = add_contact(client, me, emails=emails)
        assert contact["emails"] == ["Ana@work.example", "ana@home.example"]

    def test_an_invalid_email_is_422_naming_it(self, client: TestClient, me: Account) -> None:
        response = create(client, me, name="Ana", emails=["ana@example.com", "not-an-email"])
        assert error_locations(response) == [["body", "emails", 1]]

    def test_ten_distinct_emails_are_accepted_but_not_eleven(
        self, client: TestClient, me: Account
    ) -> None:
        ten = [f"ana{n}@example.com" for n in range(10)]
        assert len(add_contact(client, me, emails=[*ten, "ANA0@example.com"])["emails"]) == 10
        response = create(client, me, name="Ana", emails=[*ten, "ana10@example.com"])
        assert error_locations(response) == [["body", "emails"]]

    @pytest.mark.parametrize("phone", ["call me", "", "+1 555 0100 ext. 2#"])
    def test_a_phone_with_other_characters_is_422(
        self, client: TestClient, me: Account, phone: str
    ) -> None:
        response = create(client, me, name="Ana", phones=[phone])
        assert error_locations(response) == [["body", "phones", 0]]

    def test_more_than_ten_phones_is_422(self, client: TestClient, me: Account) -> None:
        response = create(client, me, name="Ana", phones=[f"555 010{n}" for n in range(11)])
        assert error_locations(response) == [["body", "phones"]]

    @pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://example.com/cv.pdf"])
    def test_a_link_that_is_not_http_is_422(
        self, client: TestClient, me: Account, url: str
    ) -> None:
        response = create(client, me, name="Ana", social_links=[{"label": "Site", "url": url}])
        assert ["body", "social_links", 0, "url"] in error_locations(response)

    def test_more_than_twenty_links_is_422(self, client: TestClient, me: Account) -> None:
        links = [{"label": f"L{n}", "url": f"https://example.com/{n}"} for n in range(21)]
        response = create(client, me, name="Ana", social_links=links)
        assert error_locations(response) == [["body", "social_links"]]

    def test_unknown_fields_are_422(self, client: TestClient, me: Account) -> None:
        response = create(client, me, name="Ana", owner_id=str(uuid.uuid4()))
        assert error_locations(response) == [["body", "owner_id"]]

    def test_needs_a_token(self, client: TestClient) -> None:
        response = client.post("/api/contacts", json={"name": "Ana"})
        assert response.status_code == 401
        assert response.headers["content-type"] == PROBLEM


class TestApplications:
    def test_relates_to_my_applications_in_the_order_given(
        self, client: TestClient, session: Session, me: Account
    ) -> None:
        first, second = add_application(session, me, "Zeta"), add_application(session, me, "Acme")
        contact = add_contact(client, me, application_ids=[str(first), str(second), str(first)])
        assert contact["application_ids"] == [str(first), str(second)]

    @pytest.mark.parametrize("whose", ["another user's", "binned", "unknown"])
    def test_an_application_that_is_not_my_live_one_is_422(
        self, client: TestClient, session: Session, me: Account, other: Account, whose: str
    ) -> None:
        application_id = {
            "another user's": lambda: add_application(session, other),
            "binned": lambda: add_application(session, me, binned=True),
            "unknown": uuid.uuid4,
        }[whose]()
        response = create(client, me, name="Ana", application_ids=[str(application_id)])
        assert error_locations(response) == [["body", "application_ids"]]
        assert str(application_id) in response.json()["detail"]
        assert search(client, me)["total"] == 0

    def test_a_binned_applications_link_is_hidden_kept_by_edits_and_back_on_restore(
        self, client: TestClient, session: Session, me: Account
    ) -> None:
        kept, binned = add_application(session, me), add_application(session, me, "Binned")
        contact = add_contact(client, me, application_ids=[str(kept), str(binned)])
        set_deleted_at(session, binned, utcnow())
        assert read_contact(client, me, contact["id"])["application_ids"] == [str(kept)]
        body = {"name": "Ana", "application_ids": [str(kept)]}
        response = client.put(f"/api/contacts/{contact['id']}", json=body, headers=me.headers)
        assert response.json()["application_ids"] == [str(kept)]
        set_deleted_at(session, binned, None)
        restored = read_contact(client, me, contact["id"])["application_ids"]
        assert restored == [str(kept), str(binned)]

    def test_list_filters_by_application(
        self, client: TestClient, session: Session, me: Account
    ) -> None:
        application_id = add_application(session, me)
        add_contact(client, me, "Recruiter", application_ids=[str(application_id)])
        add_contact(client, me, "Friend")
        assert names(search(client, me, application_id=str(application_id))) == ["Recruiter"]


class TestList:
    def test_ordered_by_name_and_paginated_with_a_total(
        self, client: TestClient, me: Account
    ) -> None:
        for name in ["Carla", "ána", "Bruno", "David"]:
            add_contact(client, me, name)
        first = search(client, me, limit=2)
        assert (names(first), first["total"], first["limit"], first["offset"]) == (
            ["ána", "Bruno"], 4, 2, 0,
        )  # fmt: skip
        assert names(search(client, me, limit=2, offset=2)) == ["Carla", "David"]

    @pytest.mark.parametrize("query", ["lena", "ROBOT", "recruit", "ena ki"])
    def test_q_matches_a_part_of_name_company_or_position(
        self, client: TestClient, me: Account, query: str
    ) -> None:
        add_contact(client, me, "Lena Kim", company="Robotics Inc", position="Recruiter")
        add_contact(client, me, "Mark Stone", company="Acme", position="Engineer")
        assert names(search(client, me, q=query)) == ["Lena Kim"]

    @pytest.mark.parametrize("query", ["jose", "JOSÉ", "pérez", "Perez", "  jose   perez "])
    def test_q_ignores_case_accents_and_spacing(
        self, client: TestClient, me: Account, query: str
    ) -> None:
        add_contact(client, me, "José  Pérez")
        add_contact(client, me, "Joseph Smith")
        assert "José  Pérez" in names(search(client, me, q=query))
        assert len(names(search(client, me, q="jose perez"))) == 1

    @pytest.mark.parametrize(("query", "found"), [("%", ["100% Remote"]), ("_", []), ("\\", [])])
    def test_like_wildcards_are_taken_literally(
        self, client: TestClient, me: Account, query: str, found: list[str]
    ) -> None:
        add_contact(client, me, "100% Remote")
        add_contact(client, me, "Plain Name")
        assert names(search(client, me, q=query)) == found

    def test_company_filters_on_the_company_alone(self, client: TestClient, me: Account) -> None:
        add_contact(client, me, "Ana", company="Société Générale")
        add_contact(client, me, "Generale Lee", company="Acme")
        add_contact(client, me, "Bruno")
        assert names(search(client, me, company="generale")) == ["Ana"]
        assert names(search(client, me, company="%")) == []

    def test_q_and_company_combine(self, client: TestClient, me: Account) -> None:
        add_contact(client, me, "Ana", company="Acme", position="Recruiter")
        add_contact(client, me, "Bea", company="Globex", position="Recruiter")
        assert names(search(client, me, q="recruiter", company="acme")) == ["Ana"]

    def test_another_users_contacts_are_never_listed(
        self, client: TestClient, me: Account, other: Account
    ) -> None:
        add_contact(client, other, "Hidden Person", company="Acme")
        assert search(client, me) == {"items": [], "total": 0, "limit": 20, "offset": 0}
        assert search(client, me, q="hidden")["total"] == 0

    def test_another_users_application_filter_lists_nothing(
        self, client: TestClient, session: Session, me: Account, other: Account
    ) -> None:
        theirs = add_application(session, other)
        add_contact(client, other, "Their Recruiter", application_ids=[str(theirs)])
        assert search(client, me, application_id=str(theirs))["total"] == 0

    def test_needs_a_token(self, client: TestClient) -> None:
        assert client.get("/api/contacts").status_code == 401


class TestUpdate:
    def test_put_replaces_the_whole_contact(self, client: TestClient, me: Account) -> None:
        contact = add_contact(client, me, **FULL)
        body = {"name": "José Pérez", "company": "Globex"}
        response = client.put(f"/api/contacts/{contact['id']}", json=body, headers=me.headers)
        assert response.status_code == 200
        replaced = response.json()
        assert (replaced["company"], replaced["position"], replaced["notes"]) == (
            "Globex", None, None,
        )  # fmt: skip
        assert (replaced["emails"], replaced["phones"], replaced["social_links"]) == ([], [], [])
        assert replaced["updated_at"] > contact["updated_at"]
        assert replaced["created_at"] == contact["created_at"]

    def test_put_without_a_name_is_422(self, client: TestClient, me: Account) -> None:
        contact = add_contact(client, me)
        response = client.put(f"/api/contacts/{contact['id']}", json={}, headers=me.headers)
        assert error_locations(response) == [["body", "name"]]

    def test_patch_changes_only_the_fields_sent(self, client: TestClient, me: Account) -> None:
        contact = add_contact(client, me, **FULL)
        body = {"position": "Head of talent", "emails": ["jose@globex.example"]}
        response = client.patch(f"/api/contacts/{contact['id']}", json=body, headers=me.headers)
        assert response.status_code == 200
        patched = response.json()
        assert (patched["position"], patched["emails"]) == (
            "Head of talent", ["jose@globex.example"],
        )  # fmt: skip
        assert (patched["company"], patched["phones"]) == (FULL["company"], FULL["phones"])

    def test_patch_name_to_null_is_422_and_changes_nothing(
        self, client: TestClient, me: Account
    ) -> None:
        contact = add_contact(client, me, "Kept Name")
        response = client.patch(
            f"/api/contacts/{contact['id']}", json={"name": None}, headers=me.headers
        )
        assert error_locations(response) == [["body", "name"]]
        assert read_contact(client, me, contact["id"])["name"] == "Kept Name"

    def test_patch_a_list_to_null_empties_it(self, client: TestClient, me: Account) -> None:
        contact = add_contact(client, me, **FULL)
        body = {"emails": None, "phones": None}
        patched = client.patch(f"/api/contacts/{contact['id']}", json=body, headers=me.headers)
        assert (patched.json()["emails"], patched.json()["phones"]) == ([], [])

    def test_search_follows_a_rename(self, client: TestClient, me: Account) -> None:
        contact = add_contact(client, me, "Old Name", company="Acme")
        body = {"name": "New Name", "company": "Globex"}
        client.patch(f"/api/contacts/{contact['id']}", json=body, headers=me.headers)
        assert names(search(client, me, q="new")) == ["New Name"]
        assert search(client, me, q="old")["total"] == 0
        assert names(search(client, me, company="globex")) == ["New Name"]
        assert search(client, me, company="acme")["total"] == 0

    def test_patch_with_another_users_application_is_422(
        self, client: TestClient, session: Session, me: Account, other: Account
    ) -> None:
        contact = add_contact(client, me)
        body = {"application_ids": [str(add_application(session, other))]}
        response = client.patch(f"/api/contacts/{contact['id']}", json=body, headers=me.headers)
        assert error_locations(response) == [["body", "application_ids"]]


class TestDelete:
    def test_deleted_contact_is_gone(self, client: TestClient, me: Account) -> None:
        contact = add_contact(client, me)
        response = client.delete(f"/api/contacts/{contact['id']}", headers=me.headers)
        assert response.status_code == 204
        assert client.get(f"/api/contacts/{contact['id']}", headers=me.headers).status_code == 404
        assert search(client, me)["total"] == 0


ROUTES = [
    ("GET", None),
    ("PUT", {"name": "Changed"}),
    ("PATCH", {"name": "Changed"}),
    ("DELETE", None),
]


class TestAuthorisation:
    @pytest.mark.parametrize(("method", "body"), ROUTES)
    def test_owner_succeeds(
        self, client: TestClient, me: Account, method: str, body: dict[str, str] | None
    ) -> None:
        contact = add_contact(client, me, "Mine")
        url = f"/api/contacts/{contact['id']}"
        response = client.request(method, url, json=body, headers=me.headers)
        assert response.status_code in (200, 204)

    @pytest.mark.parametrize(("method", "body"), ROUTES)
    def test_other_user_gets_404_and_changes_nothing(
        self,
        client: TestClient,
        me: Account,
        other: Account,
        method: str,
        body: dict[str, str] | None,
    ) -> None:
        contact = add_contact(client, me, "Mine")
        url = f"/api/contacts/{contact['id']}"
        response = client.request(method, url, json=body, headers=other.headers)
        assert response.status_code == 404
        assert response.json()["type"] == "/problems/not-found"
        assert read_contact(client, me, contact["id"])["name"] == "Mine"

    @pytest.mark.parametrize(("method", "body"), ROUTES)
    def test_anonymous_gets_401(
        self, client: TestClient, me: Account, method: str, body: dict[str, str] | None
    ) -> None:
        contact = add_contact(client, me, "Mine")
        response = client.request(method, f"/api/contacts/{contact['id']}", json=body)
        assert response.status_code == 401
        assert read_contact(client, me, contact["id"])["name"] == "Mine"

    def test_unknown_id_is_404(self, client: TestClient, me: Account) -> None:
        response = client.get(f"/api/contacts/{uuid.uuid4()}", headers=me.headers)
        assert response.status_code == 404
