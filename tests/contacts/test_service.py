"""The link from a contact to the Jobtracker user whose email it carries, on every path (create,
update, a person registering, a person changing email), and the service surface other domains
use (create for the demo, the contacts of an application, the account export)."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from jobtracker.contacts import service
from jobtracker.contacts.schemas import ContactCreate
from jobtracker.users import service as users
from jobtracker.users.service import User
from tests.contacts.conftest import (
    add_application,
    add_contact,
    new_email,
    read_contact,
    register,
)
from tests.helpers import Account, Accounts


@pytest.fixture
def me(accounts: Accounts) -> Account:
    return accounts.create("Contact Owner")


def linked(client: TestClient, account: Account, contact: Any) -> Any:
    """The contact's linked user as the owner now sees it."""
    return read_contact(client, account, contact["id"])["linked_user"]


def patch_contact(client: TestClient, account: Account, contact: Any, **fields: Any) -> Any:
    url = f"/api/contacts/{contact['id']}"
    response = client.patch(url, json=fields, headers=account.headers)
    assert response.status_code == 200, response.text
    return response.json()


def change_own_email(client: TestClient, account: Account, email: str) -> None:
    response = client.patch("/api/user/profile", json={"email": email}, headers=account.headers)
    assert response.status_code == 200, response.text


def owner(session: Session, account: Account) -> User:
    user = users.get_active_user(session, user_id=account.id)
    assert user is not None
    return user


class TestLinkOnCreateAndUpdate:
    def test_a_users_email_links_the_contact_to_their_profile(
        self, client: TestClient, accounts: Accounts, me: Account
    ) -> None:
        grace = accounts.create("Grace Hopper")
        contact = add_contact(client, me, "Grace", emails=["old@example.com", grace.email])
        assert contact["linked_user"] == {
            "id": str(grace.id), "name": "Grace Hopper", "profile_url": f"/people/{grace.id}",
        }  # fmt: skip

    def test_the_email_matches_in_any_case(
        self, client: TestClient, accounts: Accounts, me: Account
    ) -> None:
        grace = accounts.create("Grace Hopper", email="grace.h@example.com")
        contact = add_contact(client, me, emails=["GRACE.H@Example.com"])
        assert contact["linked_user"]["id"] == str(grace.id)

    def test_an_unknown_email_links_nobody(self, client: TestClient, me: Account) -> None:
        assert add_contact(client, me, emails=[new_email()])["linked_user"] is None

    def test_changing_the_email_removes_the_link(
        self, client: TestClient, accounts: Accounts, me: Account
    ) -> None:
        grace = accounts.create("Grace Hopper")
        contact = add_contact(client, me, emails=[grace.email])
        patched = patch_contact(client, me, contact, emails=["someone.else@example.com"])
        assert patched["linked_user"] is None
        assert linked(client, me, contact) is None

    def test_adding_a_users_email_later_links_the_contact(
        self, client: TestClient, accounts: Accounts, me: Account
    ) -> None:
        grace = accounts.create("Grace Hopper")
        contact = add_contact(client, me)
        patched = patch_contact(client, me, contact, emails=[grace.email])
        assert patched["linked_user"]["id"] == str(grace.id)

    def test_other_changes_keep_the_link(
        self, client: TestClient, accounts: Accounts, me: Account
    ) -> None:
        grace = accounts.create("Grace Hopper")
        contact = add_contact(client, me, emails=[grace.email])
        assert patch_contact(client, me, contact, notes="Lunch")["linked_user"] is not None

    def test_a_link_that_still_matches_is_kept_when_emails_are_reordered(
        self, client: TestClient, accounts: Accounts, me: Account
    ) -> None:
        grace, alan = accounts.create("Grace Hopper"), accounts.create("Alan Turing")
        contact = add_contact(client, me, emails=[grace.email])
        patched = patch_contact(client, me, contact, emails=[alan.email, grace.email])
        assert patched["linked_user"]["id"] == str(grace.id)

    def test_a_deactivated_user_is_not_shown(
        self, client: TestClient, session: Session, accounts: Accounts, me: Account
    ) -> None:
        grace = accounts.create("Grace Hopper")
        contact = add_contact(client, me, emails=[grace.email])
        owner(session, grace).is_active = False
        session.flush()
        assert linked(client, me, contact) is None
        assert add_contact(client, me, emails=[grace.email])["linked_user"] is None


class TestLinkWhenSomeoneRegisters:
    def test_registering_links_the_contacts_that_carry_the_email(
        self, client: TestClient, accounts: Accounts, me: Account
    ) -> None:
        email = new_email()
        contact = add_contact(client, me, emails=["first@example.com", email.upper()])
        user_id = register(client, email, "Late Joiner")
        assert linked(client, me, contact) == {
            "id": str(user_id), "name": "Late Joiner", "profile_url": f"/people/{user_id}",
        }  # fmt: skip

    def test_contacts_of_every_owner_are_linked(
        self, client: TestClient, accounts: Accounts, me: Account
    ) -> None:
        other = accounts.create()
        email = new_email()
        mine, theirs = (
            add_contact(client, me, emails=[email]),
            add_contact(client, other, emails=[email]),
        )
        user_id = str(register(client, email))
        assert linked(client, me, mine)["id"] == user_id
        assert linked(client, other, theirs)["id"] == user_id

    def test_a_contact_already_linked_keeps_its_link(
        self, client: TestClient, accounts: Accounts, me: Account
    ) -> None:
        grace = accounts.create("Grace Hopper")
        email = new_email()
        contact = add_contact(client, me, emails=[email, grace.email])
        register(client, email)
        assert linked(client, me, contact)["id"] == str(grace.id)

    def test_a_contact_without_the_email_is_not_linked(
        self, client: TestClient, me: Account
    ) -> None:
        contact = add_contact(client, me, emails=[new_email()])
        register(client, new_email())
        assert linked(client, me, contact) is None


class TestLinkWhenSomeoneChangesEmail:
    def test_the_link_moves_to_the_contacts_with_the_new_email(
        self, client: TestClient, accounts: Accounts, me: Account
    ) -> None:
        grace = accounts.create("Grace Hopper")
        new = new_email()
        old_contact = add_contact(client, me, "Old", emails=[grace.email])
        new_contact = add_contact(client, me, "New", emails=[new])
        change_own_email(client, grace, new.upper())
        assert linked(client, me, old_contact) is None
        assert linked(client, me, new_contact)["id"] == str(grace.id)

    def test_a_contact_with_another_users_email_links_to_that_user(
        self, client: TestClient, accounts: Accounts, me: Account
    ) -> None:
        grace, alan = accounts.create("Grace Hopper"), accounts.create("Alan Turing")
        contact = add_contact(client, me, emails=[grace.email, alan.email])
        change_own_email(client, grace, new_email())
        assert linked(client, me, contact)["id"] == str(alan.id)

    def test_a_contact_with_both_emails_keeps_the_link(
        self, client: TestClient, accounts: Accounts, me: Account
    ) -> None:
        grace = accounts.create("Grace Hopper")
        new = new_email()
        contact = add_contact(client, me, emails=[grace.email, new])
        change_own_email(client, grace, new)
        assert linked(client, me, contact)["id"] == str(grace.id)

    def test_changing_only_the_case_keeps_the_link(
        self, client: TestClient, accounts: Accounts, me: Account
    ) -> None:
        grace = accounts.create("Grace Hopper", email="grace.case@example.com")
        contact = add_contact(client, me, emails=["grace.case@example.com"])
        change_own_email(client, grace, "Grace.Case@example.com")
        assert linked(client, me, contact)["id"] == str(grace.id)


class TestServiceSurface:
    def test_create_contact_returns_the_read_shape(
        self, session: Session, accounts: Accounts, me: Account
    ) -> None:
        grace = accounts.create("Grace Hopper")
        data = ContactCreate(name="Grace", emails=[grace.email])
        contact = service.create_contact(session, owner=owner(session, me), data=data)
        assert (contact.name, contact.linked_user and contact.linked_user.id) == ("Grace", grace.id)

    def test_list_for_application_gives_its_contacts_by_name(
        self, client: TestClient, session: Session, accounts: Accounts, me: Account
    ) -> None:
        application_id = add_application(session, me)
        for name in ["Zoe", "Ana"]:
            add_contact(client, me, name, application_ids=[str(application_id)])
        add_contact(client, me, "Unrelated")
        contacts = service.list_for_application(
            session, owner=owner(session, me), application_id=application_id
        )
        assert [contact.name for contact in contacts] == ["Ana", "Zoe"]
        other = owner(session, accounts.create())
        assert (
            service.list_for_application(session, owner=other, application_id=application_id) == []
        )

    def test_export_rows_are_json_with_every_field(
        self, client: TestClient, session: Session, accounts: Accounts, me: Account
    ) -> None:
        application_id = add_application(session, me)
        add_contact(
            client, me, "Ana", emails=["ana@example.com"], application_ids=[str(application_id)]
        )
        add_contact(client, accounts.create(), "Not Mine")
        rows = service.export_rows(session, owner_id=me.id)
        assert json.loads(json.dumps(rows)) == rows
        assert [row["name"] for row in rows] == ["Ana"]
        assert rows[0]["emails"] == ["ana@example.com"]
        assert rows[0]["application_ids"] == [str(application_id)]
        assert uuid.UUID(rows[0]["id"])
