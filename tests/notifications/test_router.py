"""Notifications, preferences and the outbox through the HTTP API."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, update
from sqlalchemy.orm import Session, sessionmaker

from jobtracker.config import Settings
from jobtracker.kit.clock import utcnow
from jobtracker.main import create_app
from jobtracker.notifications import service
from jobtracker.notifications.channels.base import Letter, build_message
from jobtracker.notifications.channels.outbox import OutboxChannel
from jobtracker.notifications.schemas import NotificationKind
from jobtracker.users.models import Role, User
from tests.helpers import Account, Accounts

KINDS = [kind.value for kind in NotificationKind]


@pytest.fixture
def me(accounts: Accounts) -> Account:
    return accounts.create("Nora Reader")


def tell(session: Session, account: Account, *titles: str) -> list[uuid.UUID]:
    """Notifications for the account, in the order given (the last is the newest)."""
    ids = []
    for title in titles:
        notification = service.notify(
            session, user_id=account.id, kind=NotificationKind.SYSTEM, title=title, body="..."
        )
        assert notification is not None
        ids.append(notification.id)
    session.flush()
    return ids


def listing(client: TestClient, account: Account, **params: Any) -> Any:
    response = client.get("/api/notifications", params=params, headers=account.headers)
    assert response.status_code == 200, response.text
    return response.json()


class TestListing:
    def test_newest_first_with_the_unread_count(
        self, client: TestClient, session: Session, me: Account
    ) -> None:
        tell(session, me, "First", "Second", "Third")
        page = listing(client, me)
        assert [item["title"] for item in page["items"]] == ["Third", "Second", "First"]
        assert (page["total"], page["unread_count"], page["limit"], page["offset"]) == (3, 3, 20, 0)
        assert page["items"][0]["read_at"] is None
        assert page["items"][0]["kind"] == "system"
        assert page["items"][0]["link"] == "/notifications"

    def test_unread_filter_leaves_out_the_read_ones(
        self, client: TestClient, session: Session, me: Account
    ) -> None:
        first, _ = tell(session, me, "First", "Second")
        client.post(f"/api/notifications/{first}/read", headers=me.headers)
        page = listing(client, me, unread="true")
        assert [item["title"] for item in page["items"]] == ["Second"]
        assert (page["total"], page["unread_count"]) == (1, 1)
        assert listing(client, me)["total"] == 2

    def test_pages_by_limit_and_offset(
        self, client: TestClient, session: Session, me: Account
    ) -> None:
        tell(session, me, "1", "2", "3")
        page = listing(client, me, limit=2, offset=2)
        assert [item["title"] for item in page["items"]] == ["1"]
        assert page["total"] == 3

    def test_another_user_s_notifications_are_not_listed(
        self, client: TestClient, session: Session, me: Account, accounts: Accounts
    ) -> None:
        tell(session, accounts.create(), "Not for Nora")
        page = listing(client, me)
        assert (page["items"], page["total"], page["unread_count"]) == ([], 0, 0)

    def test_needs_a_token(self, client: TestClient) -> None:
        assert client.get("/api/notifications").status_code == 401


class TestMarkRead:
    def test_marks_it_read_and_lowers_the_unread_count(
        self, client: TestClient, session: Session, me: Account
    ) -> None:
        [notification] = tell(session, me, "Interview")
        response = client.post(f"/api/notifications/{notification}/read", headers=me.headers)
        assert response.status_code == 200
        assert response.json()["read_at"] is not None
        assert listing(client, me)["unread_count"] == 0

    def test_marking_again_keeps_the_first_read_time(
        self, client: TestClient, session: Session, me: Account
    ) -> None:
        [notification] = tell(session, me, "Interview")
        path = f"/api/notifications/{notification}/read"
        first = client.post(path, headers=me.headers).json()["read_at"]
        assert client.post(path, headers=me.headers).json()["read_at"] == first

    def test_another_user_s_notification_is_404(
        self, client: TestClient, session: Session, me: Account, accounts: Accounts
    ) -> None:
        owner = accounts.create()
        [notification] = tell(session, owner, "Private")
        response = client.post(f"/api/notifications/{notification}/read", headers=me.headers)
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"
        assert listing(client, owner)["unread_count"] == 1

    def test_unknown_id_is_404(self, client: TestClient, me: Account) -> None:
        response = client.post(f"/api/notifications/{uuid.uuid4()}/read", headers=me.headers)
        assert response.status_code == 404

    def test_id_that_is_not_a_uuid_is_422(self, client: TestClient, me: Account) -> None:
        response = client.post("/api/notifications/42/read", headers=me.headers)
        assert response.status_code == 422


class TestReadAll:
    def test_marks_every_unread_one_and_says_how_many(
        self, client: TestClient, session: Session, me: Account
    ) -> None:
        first, _, _ = tell(session, me, "1", "2", "3")
        client.post(f"/api/notifications/{first}/read", headers=me.headers)
        response = client.post("/api/notifications/read-all", headers=me.headers)
        assert response.status_code == 200
        assert response.json() == {"marked_read": 2}
        assert listing(client, me)["unread_count"] == 0

    def test_leaves_other_users_unread(
        self, client: TestClient, session: Session, me: Account, accounts: Accounts
    ) -> None:
        other = accounts.create()
        tell(session, other, "Theirs")
        tell(session, me, "Mine")
        client.post("/api/notifications/read-all", headers=me.headers)
        assert listing(client, other)["unread_count"] == 1


class TestPreferences:
    def get(self, client: TestClient, account: Account) -> dict[str, Any]:
        response = client.get("/api/user/notification-preferences", headers=account.headers)
        assert response.status_code == 200
        return {item["kind"]: item for item in response.json()}

    def put(self, client: TestClient, account: Account, body: Any) -> Any:
        return client.put("/api/user/notification-preferences", json=body, headers=account.headers)

    def test_every_kind_starts_with_email_and_in_app_on(
        self, client: TestClient, me: Account
    ) -> None:
        preferences = self.get(client, me)
        assert list(preferences) == KINDS
        assert all(item["email"] and item["in_app"] for item in preferences.values())
        assert preferences["interview_reminder"]["label"] == "Interview reminders"

    def test_put_changes_the_kinds_sent_and_returns_them_all(
        self, client: TestClient, me: Account
    ) -> None:
        body = [{"kind": "alert_match", "email": False, "in_app": True}]
        response = self.put(client, me, body)
        assert response.status_code == 200
        assert len(response.json()) == len(KINDS)
        alert = self.get(client, me)["alert_match"]
        assert (alert["email"], alert["in_app"]) == (False, True)

    def test_kind_left_out_goes_back_to_its_defaults(self, client: TestClient, me: Account) -> None:
        self.put(client, me, [{"kind": "system", "email": False, "in_app": False}])
        self.put(client, me, [{"kind": "alert_match", "email": False, "in_app": True}])
        system = self.get(client, me)["system"]
        assert (system["email"], system["in_app"]) == (True, True)

    def test_putting_the_same_choices_twice_keeps_them(
        self, client: TestClient, me: Account
    ) -> None:
        body = [{"kind": "system", "email": False, "in_app": True}]
        assert self.put(client, me, body).status_code == 200
        assert self.put(client, me, body).status_code == 200
        assert self.get(client, me)["system"]["email"] is False

    def test_preferences_are_each_user_s_own(
        self, client: TestClient, me: Account, accounts: Accounts
    ) -> None:
        other = accounts.create()
        self.put(client, other, [{"kind": "system", "email": False, "in_app": False}])
        assert self.get(client, me)["system"]["email"] is True

    def test_unknown_kind_is_422(self, client: TestClient, me: Account) -> None:
        response = self.put(client, me, [{"kind": "birthday", "email": True, "in_app": True}])
        assert response.status_code == 422
        assert response.json()["errors"][0]["loc"] == ["body", 0, "kind"]

    def test_same_kind_twice_is_422(self, client: TestClient, me: Account) -> None:
        choice = {"kind": "system", "email": True, "in_app": True}
        assert self.put(client, me, [choice, choice]).status_code == 422

    def test_missing_channel_is_422(self, client: TestClient, me: Account) -> None:
        assert self.put(client, me, [{"kind": "system", "email": True}]).status_code == 422


@pytest.fixture
def outbox_app(
    settings: Settings, engine: Engine, session_factory: sessionmaker[Session], tmp_path: Path
) -> Iterator[TestClient]:
    """The app on an outbox folder of this test's own."""
    own = settings.model_copy(update={"data_dir": tmp_path})
    with TestClient(create_app(own, engine=engine, session_factory=session_factory)) as client:
        yield client


def write_outbox(folder: Path, *subjects: str) -> None:
    for minutes, subject in enumerate(subjects):
        letter = Letter(
            to="nora@example.com", subject=subject, text="Hello", html="<p>Hello</p>",
            date=utcnow().replace(minute=minutes), idempotency_key=f"{uuid.uuid4()}:email",
        )  # fmt: skip
        OutboxChannel(folder).send(build_message(letter, sender="jobtracker@example.com"))


class TestOutbox:
    def admin(self, client: TestClient, session: Session) -> Account:
        account = Accounts(client).create("Ops Admin")
        session.execute(update(User).where(User.id == account.id).values(role=Role.ADMIN))
        session.flush()
        return account

    def test_admin_sees_the_messages_newest_first(
        self, outbox_app: TestClient, session: Session, tmp_path: Path
    ) -> None:
        write_outbox(tmp_path / "outbox", "Oldest", "Middle", "Newest")
        headers = self.admin(outbox_app, session).headers
        response = outbox_app.get("/api/ops/outbox", params={"limit": 2}, headers=headers)
        assert response.status_code == 200
        page = response.json()
        assert (page["total"], page["limit"], page["offset"]) == (3, 2, 0)
        assert [item["subject"] for item in page["items"]] == ["Newest", "Middle"]
        item = page["items"][0]
        assert item["to"] == "nora@example.com"
        assert item["file_name"].endswith(".eml")
        assert item["date"] is not None

    def test_a_user_who_is_not_an_admin_gets_403(self, outbox_app: TestClient) -> None:
        response = outbox_app.get("/api/ops/outbox", headers=Accounts(outbox_app).create().headers)
        assert response.status_code == 403

    def test_without_a_token_it_is_401(self, outbox_app: TestClient) -> None:
        assert outbox_app.get("/api/ops/outbox").status_code == 401
