"""notify(): the one entry other domains use, and how it respects the user's preferences."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from jobtracker.config import Settings
from jobtracker.kit.pagination import Pagination
from jobtracker.notifications import service
from jobtracker.notifications.models import Delivery, Notification
from jobtracker.notifications.schemas import NotificationKind, PreferenceUpdate
from jobtracker.tasks.repository import workflow_status_table
from tests.notifications.conftest import make_user

KIND = NotificationKind.INTERVIEW_REMINDER


def notify(
    session: Session, user_id: uuid.UUID, link: str = "/notifications"
) -> Notification | None:
    return service.notify(
        session, user_id=user_id, kind=KIND, title="Interview tomorrow", body="At 10.", link=link
    )


def choose(session: Session, user_id: uuid.UUID, *, email: bool, in_app: bool) -> None:
    choice = PreferenceUpdate(kind=KIND, email=email, in_app=in_app)
    service.put_preferences(session, user_id=user_id, preferences=[choice])


def deliveries(session: Session, user_id: uuid.UUID) -> list[Delivery]:
    mine = select(Notification.id).where(Notification.user_id == user_id)
    return list(session.scalars(select(Delivery).where(Delivery.notification_id.in_(mine))))


def listed(session: Session, user_id: uuid.UUID) -> list[str]:
    page = Pagination(limit=20, offset=0)
    items, _ = service.list_notifications(session, user_id=user_id, unread=False, page=page)
    return [item.title for item in items]


class TestNotify:
    def test_defaults_show_it_in_app_and_queue_one_email(self, session: Session) -> None:
        user = make_user(session)
        notification = notify(session, user.id)
        assert notification is not None
        assert listed(session, user.id) == ["Interview tomorrow"]
        [delivery] = deliveries(session, user.id)
        assert (delivery.channel, delivery.status, delivery.attempts) == ("email", "queued", 0)
        assert delivery.idempotency_key == f"{notification.id}:email"

    def test_email_task_is_enqueued_in_the_caller_s_transaction(
        self, session: Session, settings: Settings
    ) -> None:
        user = make_user(session)
        notify(session, user.id)
        [delivery] = deliveries(session, user.id)
        tasks = workflow_status_table(None if settings.is_sqlite else settings.tasks_schema)
        found = session.execute(
            select(tasks.c.name, tasks.c.queue_name, tasks.c.status).where(
                tasks.c.workflow_uuid == service.delivery_task_id(delivery.id)
            )
        ).one()
        assert tuple(found) == ("notifications.deliver", "notifications", "ENQUEUED")

    def test_email_off_makes_no_delivery_record(self, session: Session) -> None:
        user = make_user(session)
        choose(session, user.id, email=False, in_app=True)
        notify(session, user.id)
        assert listed(session, user.id) == ["Interview tomorrow"]
        assert deliveries(session, user.id) == []

    def test_in_app_off_keeps_it_out_of_the_list_but_sends_the_email(
        self, session: Session
    ) -> None:
        user = make_user(session)
        choose(session, user.id, email=True, in_app=False)
        notify(session, user.id)
        assert listed(session, user.id) == []
        assert service.unread_count(session, user_id=user.id) == 0
        assert [delivery.status for delivery in deliveries(session, user.id)] == ["queued"]

    def test_both_off_creates_nothing(self, session: Session) -> None:
        user = make_user(session)
        choose(session, user.id, email=False, in_app=False)
        assert notify(session, user.id) is None
        count = session.scalars(select(Notification).where(Notification.user_id == user.id))
        assert list(count) == []

    def test_preference_of_another_kind_does_not_apply(self, session: Session) -> None:
        user = make_user(session)
        other = PreferenceUpdate(kind=NotificationKind.SYSTEM, email=False, in_app=False)
        service.put_preferences(session, user_id=user.id, preferences=[other])
        notify(session, user.id)
        assert len(deliveries(session, user.id)) == 1

    @pytest.mark.parametrize("link", ["https://evil.example.com/", "//evil.example.com", "x"])
    def test_link_that_is_not_a_path_of_the_app_becomes_the_notifications_page(
        self, session: Session, link: str
    ) -> None:
        notification = notify(session, make_user(session).id, link=link)
        assert notification is not None
        assert notification.link == "/notifications"
