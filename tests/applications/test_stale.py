"""Stale ("ghosted") detection: applied with no change for the owner's days, told once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from jobtracker.applications import service
from jobtracker.applications.tasks import run_stale_check
from jobtracker.kit.clock import utcnow
from jobtracker.notifications import service as notifications
from tests.applications.test_router import create, listed
from tests.helpers import Account, Accounts


def stale_notices(client: TestClient, account: Account) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = client.get("/api/notifications", headers=account.headers).json()[
        "items"
    ]
    return [item for item in items if item["kind"] == "application_stale"]


def days_later(days: float) -> Any:
    return utcnow() + timedelta(days=days)


class TestStale:
    def test_an_applied_application_goes_stale_after_the_default_14_days(
        self, client: TestClient, accounts: Accounts, session: Session
    ) -> None:
        owner = accounts.create()
        created = create(client, owner, status="applied")
        assert service.mark_stale(session, now=days_later(13.9)) == 0
        assert service.mark_stale(session, now=days_later(14.1)) == 1
        [stale] = listed(client, owner, "stale=true")
        assert stale["id"] == created["id"] and stale["stale"] is True
        [told] = stale_notices(client, owner)
        assert "Acme" in told["title"] and told["link"] == f"/applications/{created['id']}"

    def test_the_owner_is_told_once_however_often_the_check_runs(
        self, client: TestClient, accounts: Accounts, session: Session
    ) -> None:
        owner = accounts.create()
        create(client, owner, status="applied")
        for _ in range(3):
            service.mark_stale(session, now=days_later(20))
        assert len(stale_notices(client, owner)) == 1

    def test_a_change_clears_the_mark(
        self, client: TestClient, accounts: Accounts, session: Session
    ) -> None:
        owner = accounts.create()
        created = create(client, owner, status="applied")
        service.mark_stale(session, now=days_later(15))
        url = f"/api/applications/{created['id']}"
        cleared = client.patch(url, json={"notes": "They wrote back"}, headers=owner.headers)
        assert cleared.json()["stale"] is False
        assert listed(client, owner, "stale=true") == []

    def test_the_days_are_a_user_setting(
        self, client: TestClient, accounts: Accounts, session: Session
    ) -> None:
        patient, eager = accounts.create(), accounts.create()
        settings = {"time_zone": "UTC", "reminder_offsets_minutes": [60], "stale_after_days": 3}
        client.put("/api/user/settings", json=settings, headers=eager.headers)
        create(client, patient, status="applied")
        create(client, eager, status="applied")
        assert service.mark_stale(session, now=days_later(4)) == 1
        assert len(stale_notices(client, eager)) == 1 and stale_notices(client, patient) == []

    def test_only_applied_applications_go_stale(
        self, client: TestClient, accounts: Accounts, session: Session
    ) -> None:
        owner = accounts.create()
        for status in ("saved", "interview", "offer", "rejected"):
            create(client, owner, status=status)
        deleted = create(client, owner, status="applied")
        client.delete(f"/api/applications/{deleted['id']}", headers=owner.headers)
        assert service.mark_stale(session, now=days_later(60)) == 0


class TestStaleTask:
    def test_the_scheduled_batch_commits_marks_and_notifications(self, committed: Any) -> None:
        from jobtracker.applications.models import Application, Status
        from jobtracker.users.service import User

        with committed.begin() as session:
            user = User(email="s@example.com", email_key="s@example.com", password_hash="x",
                        full_name="S", search_name=" s ")  # fmt: skip
            session.add(user)
            session.flush()
            session.add(Application(owner_id=user.id, company="Old Co", position="Dev",
                                    search_text=" old co dev ", status=Status.APPLIED,
                                    updated_at=days_later(-30)))  # fmt: skip
        assert run_stale_check() == 1
        assert run_stale_check() == 0
        with committed() as session:
            [application] = session.query(Application).all()
            assert application.stale
            assert notifications.unread_count(session, user_id=user.id) == 1
