"""Rules for notifications: who is told what, and how. Never commits.

`notify` is the one function other domains call to tell a user something.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from jobtracker.config import Settings
from jobtracker.kit.broadcast import publish_on_commit
from jobtracker.kit.clock import utcnow
from jobtracker.kit.pagination import Pagination
from jobtracker.kit.problems import NotFound
from jobtracker.kit.web import safe_next
from jobtracker.live.service import user_channel
from jobtracker.notifications.channels.outbox import OutboxChannel
from jobtracker.notifications.models import (
    Channel,
    Delivery,
    Notification,
    NotificationPreference,
)
from jobtracker.notifications.repository import (
    DeliveryRepository,
    NotificationRepository,
    PreferenceRepository,
)
from jobtracker.notifications.schemas import (
    KINDS,
    NotificationKind,
    NotificationRead,
    OutboxMessage,
    PreferenceRead,
    PreferenceUpdate,
)
from jobtracker.notifications.tasks import deliver
from jobtracker.tasks.enqueue import enqueue
from jobtracker.tasks.queues import Priority


def notify(
    session: Session,
    *,
    user_id: uuid.UUID,
    kind: NotificationKind,
    title: str,
    body: str,
    link: str = "/notifications",
) -> Notification | None:
    """Tell a user something, by the channels they chose for this kind: in-app at once, email
    by a task enqueued in the caller's transaction. None when every channel is off.

    `link` is a path in the app ("/applications/..."), made absolute in emails.
    """
    choice = _preference(session, user_id, kind)
    if not (choice.email or choice.in_app):
        return None
    notification = NotificationRepository(session).add(
        Notification(user_id=user_id, kind=kind, title=title[:200], body=body,
                     link=safe_next(link, "/notifications"), in_app=choice.in_app)
    )  # fmt: skip
    if choice.email:
        _send_email(session, notification)
    if choice.in_app:  # open pages update their unread count at once
        event = {"type": "notification", "id": str(notification.id), "title": notification.title}
        publish_on_commit(session, user_channel(user_id), event)
    return notification


def _send_email(session: Session, notification: Notification) -> None:
    key = f"{notification.id}:{Channel.EMAIL}"
    delivery = DeliveryRepository(session).add(
        Delivery(notification_id=notification.id, channel=Channel.EMAIL, idempotency_key=key)
    )
    # A stable task id: the delivery's task is easy to find, and cannot be enqueued twice.
    task_id = delivery_task_id(delivery.id)
    enqueue(session, deliver, str(delivery.id), priority=Priority.USER, task_id=task_id)


def delivery_task_id(delivery_id: uuid.UUID) -> str:
    """The id of the task that sends a delivery (stable: found from the delivery alone)."""
    return f"{deliver.name}:{delivery_id}"


def list_notifications(
    session: Session, *, user_id: uuid.UUID, unread: bool, page: Pagination
) -> tuple[list[NotificationRead], int]:
    """The user's in-app notifications, newest first."""
    repository = NotificationRepository(session)
    rows, total = repository.page(repository.listing(user_id, unread=unread), page)
    return [NotificationRead.model_validate(row) for row in rows], total


def unread_count(session: Session, *, user_id: uuid.UUID) -> int:
    return NotificationRepository(session).unread_count(user_id)


def mark_read(
    session: Session, *, user_id: uuid.UUID, notification_id: uuid.UUID
) -> NotificationRead:
    """Mark one of the user's notifications read (again: no change); another's is NotFound."""
    repository = NotificationRepository(session)
    notification = repository.get_readable(user_id, notification_id)
    if notification is None:
        raise NotFound("No such notification.")
    if notification.read_at is None:
        repository.update(notification, {"read_at": utcnow()})
    return NotificationRead.model_validate(notification)


def mark_all_read(session: Session, *, user_id: uuid.UUID) -> int:
    """Mark every unread notification of the user read; returns how many."""
    return NotificationRepository(session).mark_all_read(user_id)


def get_preferences(session: Session, *, user_id: uuid.UUID) -> list[PreferenceRead]:
    """Email and in-app on or off for every kind: the user's choice, else the kind's default."""
    rows = PreferenceRepository(session).by_kind(user_id)
    return [_choice(kind, rows.get(kind)) for kind in NotificationKind]


def put_preferences(
    session: Session, *, user_id: uuid.UUID, preferences: list[PreferenceUpdate]
) -> list[PreferenceRead]:
    """Replace the user's choices; a kind left out goes back to its defaults."""
    PreferenceRepository(session).replace(
        user_id, [(choice.kind, choice.email, choice.in_app) for choice in preferences]
    )
    return get_preferences(session, user_id=user_id)


def _preference(session: Session, user_id: uuid.UUID, kind: NotificationKind) -> PreferenceRead:
    return _choice(kind, PreferenceRepository(session).for_kind(user_id, kind))


def _choice(kind: NotificationKind, row: NotificationPreference | None) -> PreferenceRead:
    defaults = KINDS[kind]
    return PreferenceRead(
        kind=kind,
        label=defaults.label,
        email=row.email if row else defaults.email,
        in_app=row.in_app if row else defaults.in_app,
    )


def export_rows(session: Session, *, owner_id: uuid.UUID) -> list[dict[str, Any]]:
    """Every notification the owner was sent, in-app and email-only, oldest first (JSON-able)."""
    rows = session.scalars(NotificationRepository(session).everything_of(owner_id))
    return [
        NotificationRead.model_validate(row).model_dump(mode="json") | {"in_app": row.in_app}
        for row in rows
    ]


def export_preferences(session: Session, *, owner_id: uuid.UUID) -> list[dict[str, Any]]:
    """The owner's choices for every kind (JSON-able), for the export."""
    return [choice.model_dump(mode="json") for choice in get_preferences(session, user_id=owner_id)]


def list_outbox(settings: Settings, *, page: Pagination) -> tuple[list[OutboxMessage], int]:
    """Messages written to the outbox folder, newest first (for administrators)."""
    outbox = OutboxChannel(settings.outbox_dir)
    entries, total = outbox.entries(offset=page.offset, limit=page.limit)
    return [OutboxMessage.model_validate(entry) for entry in entries], total
