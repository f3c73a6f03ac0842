"""Reminder emails end to end: real commits, DBOS running the tasks in this process, and a real
SMTP server on 127.0.0.1. Times are real, a minute or two ahead: the batch is asked to send
what is due a few minutes from now, or the interview starts an hour and a few seconds from now."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from jobtracker.config import Settings
from jobtracker.interviews import tasks
from jobtracker.kit.clock import utcnow
from jobtracker.main import create_app
from jobtracker.notifications.models import Delivery, Notification
from jobtracker.tasks import runtime
from tests.helpers import Account, Accounts
from tests.interviews.conftest import in_minutes, iso, schedule, use_settings
from tests.notifications.conftest import SmtpTestServer
from tests.tasks.test_engine import wait_for

pytestmark = pytest.mark.usefixtures("worker")


@pytest.fixture
def via_smtp(smtp: SmtpTestServer, monkeypatch: pytest.MonkeyPatch) -> SmtpTestServer:
    """The running worker sends email to the test SMTP server instead of the outbox."""
    current = runtime.current()
    monkeypatch.setattr(
        current, "settings", current.settings.model_copy(update={"smtp_url": smtp.server})
    )
    return smtp


@pytest.fixture
def api(
    settings: Settings, engine: Engine, committed: sessionmaker[Session]
) -> Iterator[TestClient]:
    """The API on sessions that really commit, so that the worker sees what it writes."""
    with TestClient(create_app(settings, engine=engine, session_factory=committed)) as client:
        yield client


@pytest.fixture
def me(api: TestClient) -> Account:
    account = Accounts(api).create("Ines Candidate")
    use_settings(api, account, reminder_offsets_minutes=[60])
    return account


def delivered(committed: sessionmaker[Session], user_id: uuid.UUID) -> list[str]:
    """The statuses of the user's email deliveries."""
    with committed() as session:
        query = (
            select(Delivery.status)
            .join(Notification, Notification.id == Delivery.notification_id)
            .where(Notification.user_id == user_id)
        )
        return [str(status) for status in session.scalars(query)]


def all_sent(committed: sessionmaker[Session], user_id: uuid.UUID, count: int) -> None:
    wait_for(lambda: delivered(committed, user_id) == ["sent"] * count, seconds=8)


def subjects(smtp: SmtpTestServer, account: Account) -> list[str]:
    return sorted(str(message["Subject"]) for message in smtp.mailbox.to(account.email))


class TestReminderEmails:
    def test_due_reminders_arrive_once_and_none_for_a_deleted_interview(
        self, api: TestClient, me: Account, via_smtp: SmtpTestServer,
        committed: sessionmaker[Session],
    ) -> None:  # fmt: skip
        schedule(api, me, company="Acme", starts_at=iso(in_minutes(61)))
        cancelled = schedule(api, me, company="Globex", starts_at=iso(in_minutes(62)))
        schedule(api, me, company="Later", starts_at=iso(in_minutes(120)))
        assert api.delete(f"/api/interviews/{cancelled['id']}", headers=me.headers).status_code == (
            204
        )
        soon = in_minutes(3)
        assert tasks.send_reminder_batch(now=soon) == 1
        assert tasks.send_reminder_batch(now=soon) == 0
        all_sent(committed, me.id, 1)
        assert subjects(via_smtp, me) == [
            "Interview in 1 hour: Backend Engineer at Acme · Jobtracker"
        ]
        [message] = via_smtp.mailbox.to(me.email)
        text = message.get_body(("plain",)).get_content()
        assert "(UTC)" in text
        assert "/interviews/" in text

    def test_the_scheduled_task_sends_what_is_due_now(
        self, api: TestClient, me: Account, via_smtp: SmtpTestServer,
        committed: sessionmaker[Session],
    ) -> None:  # fmt: skip
        # Due in two and a half seconds, in real time; the other one an hour later.
        starts = utcnow() + timedelta(minutes=60, seconds=2.5)
        schedule(api, me, company="Acme", starts_at=iso(starts))
        schedule(api, me, company="Initech", starts_at=iso(in_minutes(120)))
        time.sleep(max(0.0, (starts - timedelta(minutes=60) - utcnow()).total_seconds()) + 0.1)
        tasks.send_reminders.workflow(utcnow(), None)
        all_sent(committed, me.id, 1)
        assert subjects(via_smtp, me) == [
            "Interview in 1 hour: Backend Engineer at Acme · Jobtracker"
        ]

    def test_two_batches_racing_send_each_reminder_once(
        self, api: TestClient, me: Account, via_smtp: SmtpTestServer,
        committed: sessionmaker[Session],
    ) -> None:  # fmt: skip
        for minutes in (61, 62, 63, 64):
            schedule(api, me, company=f"Company {minutes}", starts_at=iso(in_minutes(minutes)))
        soon, claimed = in_minutes(5), []
        runs = [
            threading.Thread(target=lambda: claimed.append(tasks.send_reminder_batch(now=soon)))
            for _ in range(2)
        ]
        for run in runs:
            run.start()
        for run in runs:
            run.join()
        assert sum(claimed) == 4
        all_sent(committed, me.id, 4)
        assert len(subjects(via_smtp, me)) == 4
        assert len(set(subjects(via_smtp, me))) == 4

    def test_an_interview_moved_away_is_not_reminded_yet(
        self, api: TestClient, me: Account, via_smtp: SmtpTestServer,
        committed: sessionmaker[Session],
    ) -> None:  # fmt: skip
        moved = schedule(api, me, company="Acme", starts_at=iso(in_minutes(61)))
        response = api.patch(
            f"/api/interviews/{moved['id']}", json={"starts_at": iso(in_minutes(24 * 60))},
            headers=me.headers,
        )  # fmt: skip
        assert response.status_code == 200
        assert tasks.send_reminder_batch(now=in_minutes(3)) == 0
        assert delivered(committed, me.id) == []
