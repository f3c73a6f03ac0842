"""Email delivery end to end: DBOS runs the task in this process, against a real SMTP server."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session, sessionmaker

from jobtracker.config import Settings, TaskPolicy
from jobtracker.main import create_app
from jobtracker.notifications import service
from jobtracker.notifications.models import Delivery
from jobtracker.notifications.schemas import NotificationKind
from jobtracker.tasks import runtime
from jobtracker.users.models import Role, User
from tests.helpers import Accounts
from tests.notifications.conftest import REJECTED, SmtpTestServer, make_user
from tests.tasks.test_engine import status_of, wait_for

pytestmark = pytest.mark.usefixtures("worker")


@pytest.fixture
def via_smtp(smtp: SmtpTestServer, monkeypatch: pytest.MonkeyPatch) -> SmtpTestServer:
    """The running worker sends email to the test SMTP server instead of the outbox."""
    use_settings(monkeypatch, smtp_url=smtp.server)
    return smtp


def use_settings(monkeypatch: pytest.MonkeyPatch, **changes: object) -> None:
    current = runtime.current()
    monkeypatch.setattr(current, "settings", current.settings.model_copy(update=changes))


def notify(
    committed: sessionmaker[Session], email: str | None = None, *, active: bool = True
) -> tuple[str, uuid.UUID]:
    """A new user told of an interview; returns the user's email and the email delivery's id.
    `active=False` deactivates the account in the same transaction, before the task can run."""
    with committed.begin() as session:
        user = make_user(session, email)
        user.is_active = active
        notification = service.notify(
            session, user_id=user.id, kind=NotificationKind.INTERVIEW_REMINDER,
            title="Interview tomorrow at 10:00", body="Second round <b>with</b> Northwind.",
            link="/applications/42",
        )  # fmt: skip
        assert notification is not None
        query = select(Delivery.id).where(Delivery.notification_id == notification.id)
        return user.email, session.scalars(query).one()


def delivery(committed: sessionmaker[Session], delivery_id: uuid.UUID) -> Delivery:
    with committed() as session:
        found = session.get(Delivery, delivery_id)
        assert found is not None
        return found


def finished(task_id: str, status: str = "SUCCESS") -> None:
    wait_for(lambda: status_of(task_id) not in ("ENQUEUED", "PENDING"))
    assert status_of(task_id) == status


def run_again(task_id: str) -> str:
    """The same task with the same inputs under a new id, as a requeue does."""
    handle = runtime.current().client.fork_workflow(task_id, 1, queue_name="notifications")
    finished(handle.workflow_id)
    return str(handle.workflow_id)


class TestEmailThroughSmtp:
    def test_email_is_multipart_with_the_product_name_and_an_absolute_link(
        self, via_smtp: SmtpTestServer, committed: sessionmaker[Session], settings: Settings
    ) -> None:
        email, delivery_id = notify(committed)
        finished(service.delivery_task_id(delivery_id))
        [message] = via_smtp.mailbox.to(email)
        link = f"{settings.base_url}/applications/42"
        assert message["Subject"] == "Interview tomorrow at 10:00 · Jobtracker"
        text = message.get_body(("plain",)).get_content()
        html = message.get_body(("html",)).get_content()
        assert "Jobtracker" in text and link in text
        assert f'href="{link}"' in html
        assert "Second round &lt;b&gt;with&lt;/b&gt; Northwind." in html
        assert "Second round <b>with</b> Northwind." in text

    def test_sent_delivery_records_one_attempt_and_the_time(
        self, via_smtp: SmtpTestServer, committed: sessionmaker[Session]
    ) -> None:
        _, delivery_id = notify(committed)
        finished(service.delivery_task_id(delivery_id))
        sent = delivery(committed, delivery_id)
        assert (sent.status, sent.attempts, sent.last_error) == ("sent", 1, None)
        assert sent.sent_at is not None

    def test_running_the_task_twice_sends_one_email(
        self, via_smtp: SmtpTestServer, committed: sessionmaker[Session]
    ) -> None:
        email, delivery_id = notify(committed)
        finished(service.delivery_task_id(delivery_id))
        second = run_again(service.delivery_task_id(delivery_id))
        assert runtime.current().client.retrieve_workflow(second).get_result() == "nothing to send"
        assert len(via_smtp.mailbox.to(email)) == 1

    def test_rejected_recipient_fails_after_one_attempt_with_the_server_s_reason(
        self, via_smtp: SmtpTestServer, committed: sessionmaker[Session]
    ) -> None:
        _, delivery_id = notify(committed, REJECTED)
        finished(service.delivery_task_id(delivery_id), "ERROR")
        failed = delivery(committed, delivery_id)
        assert (failed.status, failed.attempts) == ("failed", 1)
        assert failed.last_error == "550 5.1.1 user unknown"
        assert via_smtp.mailbox.messages == []

    def test_deactivated_account_gets_no_email_and_its_delivery_fails(
        self, via_smtp: SmtpTestServer, committed: sessionmaker[Session]
    ) -> None:
        email, delivery_id = notify(committed, active=False)
        finished(service.delivery_task_id(delivery_id))
        failed = delivery(committed, delivery_id)
        assert (failed.status, failed.last_error) == (
            "failed",
            "the recipient's account is not active",
        )
        assert via_smtp.mailbox.to(email) == []

    def test_server_back_within_the_retry_window_gets_the_email(
        self,
        via_smtp: SmtpTestServer,
        committed: sessionmaker[Session],
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        patient = TaskPolicy(attempts=6, first_delay_seconds=0.5, max_delay_seconds=1.0)
        use_settings(monkeypatch, task_policies={"email": patient})
        via_smtp.stop()
        email, delivery_id = notify(committed)
        wait_for(lambda: delivery(committed, delivery_id).last_error is not None)
        via_smtp.start()
        finished(service.delivery_task_id(delivery_id))
        assert len(via_smtp.mailbox.to(email)) == 1
        assert delivery(committed, delivery_id).attempts >= 2


@pytest.fixture
def admin_api(
    settings: Settings, engine: Engine, committed: sessionmaker[Session]
) -> Iterator[tuple[TestClient, dict[str, str]]]:
    """The API on committed sessions, and an administrator's headers."""
    with TestClient(create_app(settings, engine=engine, session_factory=committed)) as client:
        account = Accounts(client).create("Ops Admin")
        with committed.begin() as session:
            session.execute(update(User).where(User.id == account.id).values(role=Role.ADMIN))
        yield client, account.headers


class TestSmtpOutage:
    def test_outage_ends_in_a_dead_letter_with_a_failed_delivery(
        self, via_smtp: SmtpTestServer, committed: sessionmaker[Session]
    ) -> None:
        via_smtp.stop()
        _, delivery_id = notify(committed)
        finished(service.delivery_task_id(delivery_id), "ERROR")
        failed = delivery(committed, delivery_id)
        assert (failed.status, failed.attempts) == ("failed", 3)  # the test policy's attempts
        assert "Connection refused" in (failed.last_error or "")

    def test_requeue_after_the_server_is_back_delivers_exactly_once(
        self,
        via_smtp: SmtpTestServer,
        committed: sessionmaker[Session],
        admin_api: tuple[TestClient, dict[str, str]],
    ) -> None:
        api, headers = admin_api
        via_smtp.stop()
        email, delivery_id = notify(committed)
        dead = service.delivery_task_id(delivery_id)
        finished(dead, "ERROR")
        via_smtp.start()
        for _ in range(2):  # an operator who presses "requeue" twice
            response = api.post(f"/api/dlq/{dead}/requeue", headers=headers)
            assert response.status_code == 200, response.text
            finished(response.json()["requeued"][0]["task_id"])
        assert len(via_smtp.mailbox.to(email)) == 1
        sent = delivery(committed, delivery_id)
        assert (sent.status, sent.attempts) == ("sent", 4)


class TestEmailToTheOutbox:
    def test_email_is_written_once_to_the_outbox_even_when_run_twice(
        self, committed: sessionmaker[Session], settings: Settings
    ) -> None:
        _, delivery_id = notify(committed)
        task_id = service.delivery_task_id(delivery_id)
        finished(task_id)
        run_again(task_id)
        key = delivery(committed, delivery_id).idempotency_key.replace(":", "-")
        [written] = settings.outbox_dir.glob(f"*-{key}.eml")
        assert b"Interview tomorrow at 10:00" in written.read_bytes()
