"""The account as a whole through the HTTP API: everything of mine in one export, and deleting
the account with all its data."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jobtracker.kit.clock import utcnow
from jobtracker.kit.problems import Conflict
from jobtracker.models import metadata
from jobtracker.notifications import service as notifications
from jobtracker.notifications.schemas import NotificationKind
from jobtracker.privacy import service
from jobtracker.privacy.schemas import AccountExport
from tests.helpers import PASSWORD, Account, Accounts
from tests.pages import log_in

PROBLEM = "application/problem+json"
SECTIONS = {
    "format", "version", "exported_at", "profile", "settings", "following", "notifications",
    "notification_preferences", "applications", "interviews", "contacts", "resumes",
}  # fmt: skip
# Rows that point at a user through another table, and the column that leads there.
INDIRECT = {
    "application_status_changes": ("application_id", "applications", "owner_id"),
    "notification_deliveries": ("notification_id", "user_notifications", "user_id"),
    "contact_emails": ("contact_id", "contacts", "owner_id"),
    "interview_reminders": ("interview_id", "interviews", "owner_id"),
    "contact_applications": ("contact_id", "contacts", "owner_id"),
}


def export(client: TestClient, account: Account) -> dict[str, Any]:
    response = client.get("/api/user/export", headers=account.headers)
    assert response.status_code == 200, response.text
    document: dict[str, Any] = response.json()
    return document


def delete(client: TestClient, account: Account, password: str | None = PASSWORD) -> Any:
    body = {} if password is None else {"password": password}
    return client.request("DELETE", "/api/user", json=body, headers=account.headers)


def application(client: TestClient, account: Account, company: str, **fields: Any) -> str:
    body = {"company": company, "position": "Engineer", **fields}
    response = client.post("/api/applications", json=body, headers=account.headers)
    assert response.status_code == 201, response.text
    application_id: str = response.json()["id"]
    return application_id


def follow(client: TestClient, account: Account, other: Account) -> None:
    response = client.put(f"/api/user/favorites/{other.id}", headers=account.headers)
    assert response.status_code == 200, response.text


def tell(session: Session, account: Account, title: str) -> uuid.UUID:
    """A notification by email and in the app (so a delivery row exists too)."""
    notification = notifications.notify(
        session, user_id=account.id, kind=NotificationKind.SYSTEM, title=title, body="..."
    )
    assert notification is not None
    session.flush()
    return notification.id


def fill_workspace(client: TestClient, session: Session, account: Account, name: str) -> None:
    """Data of `account` in every table that holds user data."""
    moved = application(client, account, f"{name} Corp")
    client.patch(f"/api/applications/{moved}", json={"status": "applied"}, headers=account.headers)
    binned = application(client, account, f"{name} Binned")
    client.delete(f"/api/applications/{binned}", headers=account.headers)
    client.put(
        "/api/user/notification-preferences",
        json=[{"kind": "alert_match", "email": False, "in_app": True}],
        headers=account.headers,
    )
    client.put("/api/user/settings", json={"time_zone": "Asia/Tokyo"}, headers=account.headers)
    tell(session, account, f"Hello {name}")
    contact = {"name": f"{name} Recruiter", "emails": [f"{name.lower()}@corp.example"],
               "application_ids": [moved]}  # fmt: skip
    assert client.post("/api/contacts", json=contact, headers=account.headers).status_code == 201
    resume = {"file": ("cv.txt", f"{name}'s resume".encode(), "text/plain")}
    uploaded = client.post("/api/resumes", files=resume, headers=account.headers)
    assert uploaded.status_code == 201, uploaded.text
    soon = (utcnow() + timedelta(days=3)).isoformat()
    interview = {"application_id": moved, "starts_at": soon, "type": "online"}
    assert (
        client.post("/api/interviews", json=interview, headers=account.headers).status_code == 201
    )


def rows_of(session: Session, user_id: uuid.UUID, email: str) -> dict[str, int]:
    """How many rows of each table still belong to the user (directly or through a parent)."""
    counts: dict[str, int] = {}
    for table in metadata.sorted_tables:
        columns = [
            c for c in table.columns if any(k.column.table.name == "users" for k in c.foreign_keys)
        ]
        if table.name == "users":
            columns = [table.c.id]
        for column in columns:
            query = select(func.count()).select_from(table).where(column == user_id)
            counts[f"{table.name}.{column.name}"] = session.scalar(query) or 0
    for name, (column, parent, owner) in INDIRECT.items():
        table, parent_table = metadata.tables[name], metadata.tables[parent]
        parents = select(parent_table.c.id).where(parent_table.c[owner] == user_id)
        query = select(func.count()).select_from(table).where(table.c[column].in_(parents))
        counts[name] = session.scalar(query) or 0
    failures = metadata.tables["login_failures"]
    query = select(func.count()).select_from(failures).where(failures.c.email_key == email)
    counts["login_failures"] = session.scalar(query) or 0
    return counts


@pytest.fixture
def me(accounts: Accounts) -> Account:
    return accounts.create("Morgan Mine")


@pytest.fixture
def other(accounts: Accounts) -> Account:
    return accounts.create("Olive Other")


class TestExport:
    def test_is_a_dated_json_attachment(self, client: TestClient, me: Account) -> None:
        response = client.get("/api/user/export", headers=me.headers)
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/json"
        exported_at = datetime.fromisoformat(response.json()["exported_at"])
        day = exported_at.date().isoformat()  # a new account's time zone is UTC
        assert response.headers["content-disposition"] == (
            f'attachment; filename="jobtracker-export-{day}.json"'
        )

    def test_the_file_is_dated_in_my_time_zone(self, client: TestClient, me: Account) -> None:
        client.put(
            "/api/user/settings", json={"time_zone": "Pacific/Kiritimati"}, headers=me.headers
        )
        response = client.get("/api/user/export", headers=me.headers)
        exported_at = datetime.fromisoformat(response.json()["exported_at"])
        kiritimati = exported_at.astimezone(ZoneInfo("Pacific/Kiritimati"))  # UTC+14
        assert (
            f"jobtracker-export-{kiritimati.date().isoformat()}.json"
            in (response.headers["content-disposition"])
        )

    def test_has_every_section_and_says_what_it_is(self, client: TestClient, me: Account) -> None:
        document = export(client, me)
        assert set(document) == SECTIONS
        assert (document["format"], document["version"]) == ("jobtracker-export", 1)
        assert (document["interviews"], document["contacts"], document["resumes"]) == ([], [], [])

    def test_holds_my_interviews(self, client: TestClient, me: Account) -> None:
        related = application(client, me, "Acme")
        soon = (utcnow() + timedelta(days=2)).isoformat()
        body = {"application_id": related, "starts_at": soon, "type": "phone"}
        client.post("/api/interviews", json=body, headers=me.headers)
        [interview] = export(client, me)["interviews"]
        assert interview["company"] == "Acme" and interview["type"] == "phone"

    def test_holds_my_profile_settings_and_follow_list(
        self, client: TestClient, me: Account, other: Account
    ) -> None:
        client.patch("/api/user/profile", json={"bio": "Hello there"}, headers=me.headers)
        client.put("/api/user/settings", json={"stale_after_days": 9}, headers=me.headers)
        follow(client, me, other)
        document = export(client, me)
        assert document["profile"]["email"] == me.email
        assert document["profile"]["bio"] == "Hello there"
        settings = client.get("/api/user/settings", headers=me.headers).json()
        assert document["settings"] == settings  # the calendar's secret address included
        [followed] = document["following"]
        assert (followed["id"], followed["full_name"]) == (str(other.id), "Olive Other")
        assert datetime.fromisoformat(followed["followed_at"]).tzinfo is not None

    def test_holds_my_notifications_and_preferences(
        self, client: TestClient, session: Session, me: Account
    ) -> None:
        tell(session, me, "Your interview is tomorrow")
        client.put(
            "/api/user/notification-preferences",
            json=[{"kind": "alert_match", "email": False, "in_app": True}],
            headers=me.headers,
        )
        document = export(client, me)
        [notification] = document["notifications"]
        assert notification["title"] == "Your interview is tomorrow"
        assert notification["in_app"] is True and notification["read_at"] is None
        choices = {
            p["kind"]: (p["email"], p["in_app"]) for p in document["notification_preferences"]
        }
        assert choices["alert_match"] == (False, True)
        assert choices["interview_reminder"] == (True, True)

    def test_holds_my_applications_with_history_and_the_bin(
        self, client: TestClient, me: Account
    ) -> None:
        moved = application(client, me, "Acme", salary="$100k")
        client.patch(f"/api/applications/{moved}", json={"status": "applied"}, headers=me.headers)
        binned = application(client, me, "Binned Inc")
        client.delete(f"/api/applications/{binned}", headers=me.headers)
        rows = {row["company"]: row for row in export(client, me)["applications"]}
        assert set(rows) == {"Acme", "Binned Inc"}
        assert [(c["from_status"], c["to_status"]) for c in rows["Acme"]["history"]] == [
            (None, "saved"), ("saved", "applied"),
        ]  # fmt: skip
        assert rows["Acme"]["salary"] == "$100k"

    def test_holds_my_contacts_with_their_applications(
        self, client: TestClient, me: Account
    ) -> None:
        related = application(client, me, "Acme")
        body = {"name": "Tom Becker", "emails": ["tom@acme.example"], "application_ids": [related]}
        client.post("/api/contacts", json=body, headers=me.headers)
        [contact] = export(client, me)["contacts"]
        assert contact["name"] == "Tom Becker" and contact["emails"] == ["tom@acme.example"]
        assert contact["application_ids"] == [related]

    def test_holds_nothing_of_another_user(
        self, client: TestClient, session: Session, me: Account, other: Account
    ) -> None:
        fill_workspace(client, session, other, "Olive")
        follow(client, other, me)  # being followed by someone is their data, not mine
        document = export(client, me)
        text = json.dumps(document)
        assert "Olive" not in text and other.email not in text and str(other.id) not in text
        assert document["applications"] == [] and document["notifications"] == []
        assert document["following"] == []

    def test_anonymous_gets_401(self, client: TestClient) -> None:
        response = client.get("/api/user/export")
        assert response.status_code == 401
        assert response.headers["content-type"] == PROBLEM

    def test_every_registered_exporter_fills_a_section_of_the_document(self) -> None:
        """Guards the merge: an exporter registered under a key the document lacks would fail
        every export."""
        assert set(AccountExport.model_fields) == SECTIONS
        for section, _exporter in service.WORKSPACE_EXPORTERS:
            assert section in {"applications", "interviews", "contacts", "resumes"}


class TestDelete:
    def test_removes_the_account_and_every_row_of_its_data(
        self, client: TestClient, session: Session, me: Account, other: Account
    ) -> None:
        fill_workspace(client, session, me, "Morgan")
        follow(client, me, other)
        follow(client, other, me)
        linked = {"name": "Me, in their contacts", "emails": [me.email]}
        assert client.post("/api/contacts", json=linked, headers=other.headers).status_code == 201
        log_in(client, me.email)  # a browser session
        client.post("/api/auth/login", json={"email": me.email, "password": "not it"})
        before = rows_of(session, me.id, me.email)
        assert all(before.values()), f"the test fills every table: {before}"
        assert delete(client, me).status_code == 204
        session.expire_all()
        assert set(rows_of(session, me.id, me.email).values()) == {0}

    def test_leaves_other_users_data_alone(
        self, client: TestClient, session: Session, accounts: Accounts, me: Account, other: Account
    ) -> None:
        fill_workspace(client, session, other, "Olive")
        third = accounts.create()
        follow(client, other, third)
        follow(client, other, me)
        before = rows_of(session, other.id, other.email)
        assert delete(client, me).status_code == 204
        session.expire_all()
        after = rows_of(session, other.id, other.email)
        assert after == before | {"favorites.user_id": before["favorites.user_id"] - 1}
        following = client.get("/api/user/favorites", headers=other.headers).json()
        assert [person["id"] for person in following["items"]] == [str(third.id)]

    def test_tokens_stop_working_at_once(self, client: TestClient, me: Account) -> None:
        assert delete(client, me).status_code == 204
        assert client.get("/api/user/profile", headers=me.headers).status_code == 401
        refresh = client.post("/api/auth/refresh", json={"refresh_token": me.refresh_token})
        assert refresh.status_code == 401
        login = client.post("/api/auth/login", json={"email": me.email, "password": PASSWORD})
        assert login.status_code == 401

    def test_the_email_can_sign_up_again(self, client: TestClient, me: Account) -> None:
        delete(client, me)
        body = {"email": me.email, "password": PASSWORD, "full_name": "Morgan Again"}
        assert client.post("/api/auth/register", json=body).status_code == 201

    def test_wrong_password_is_403_and_deletes_nothing(
        self, client: TestClient, me: Account
    ) -> None:
        response = delete(client, me, "wrong password")
        assert response.status_code == 403
        assert response.headers["content-type"] == PROBLEM
        assert response.json()["type"] == "/problems/wrong-password"
        assert client.get("/api/user/profile", headers=me.headers).status_code == 200

    @pytest.mark.parametrize("password", [None, ""], ids=["missing", "empty"])
    def test_missing_password_is_422(
        self, client: TestClient, me: Account, password: str | None
    ) -> None:
        response = delete(client, me, password)
        assert response.status_code == 422
        assert [error["loc"] for error in response.json()["errors"]] == [["body", "password"]]
        assert client.get("/api/user/profile", headers=me.headers).status_code == 200

    def test_wrong_passwords_are_throttled_like_logins(
        self, client: TestClient, me: Account
    ) -> None:
        for _ in range(5):
            assert delete(client, me, "guess").status_code == 403
        response = delete(client, me)
        assert response.status_code == 429
        assert int(response.headers["retry-after"]) > 0
        assert client.get("/api/user/profile", headers=me.headers).status_code == 200

    def test_anonymous_gets_401(self, client: TestClient) -> None:
        response = client.request("DELETE", "/api/user", json={"password": PASSWORD})
        assert response.status_code == 401
        assert response.headers["content-type"] == PROBLEM

    def test_before_delete_hooks_run_with_my_id(
        self, client: TestClient, me: Account, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        seen: list[uuid.UUID] = []

        def remember(session: Session, *, owner_id: uuid.UUID) -> None:
            seen.append(owner_id)

        monkeypatch.setattr(service, "BEFORE_DELETE", (remember,))
        assert delete(client, me).status_code == 204
        assert seen == [me.id]

    def test_a_failing_hook_keeps_the_account(
        self, client: TestClient, me: Account, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        def refuse(session: Session, *, owner_id: uuid.UUID) -> None:
            raise Conflict("The file store is unreachable; try again later.")

        monkeypatch.setattr(service, "BEFORE_DELETE", (refuse,))
        assert delete(client, me).status_code == 409
        assert client.get("/api/user/profile", headers=me.headers).status_code == 200
