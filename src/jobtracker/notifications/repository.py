"""SQL for notifications, preferences and deliveries. A user's notifications and preferences are
private: scoped to their owner here."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import Select, delete, func, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from jobtracker.kit.clock import utcnow
from jobtracker.kit.repository import Repository
from jobtracker.notifications.models import (
    Delivery,
    DeliveryStatus,
    Notification,
    NotificationPreference,
)


class NotificationRepository(Repository[Notification]):
    model = Notification

    def readable_by(self, owner_id: uuid.UUID) -> Select[Notification]:
        """The owner's in-app notifications (an email-only one is not in the list)."""
        return self.select().where(Notification.user_id == owner_id, Notification.in_app)

    def everything_of(self, owner_id: uuid.UUID) -> Select[Notification]:
        """In-app and email-only, oldest first: for the owner's export."""
        statement = self.select().where(Notification.user_id == owner_id)
        return statement.order_by(Notification.created_at, Notification.id)

    def listing(self, owner_id: uuid.UUID, *, unread: bool) -> Select[Notification]:
        statement = self.readable_by(owner_id)
        if unread:
            statement = statement.where(Notification.read_at.is_(None))
        return statement.order_by(Notification.created_at.desc(), Notification.id.desc())

    def unread_count(self, owner_id: uuid.UUID) -> int:
        unread = self.readable_by(owner_id).where(Notification.read_at.is_(None))
        count = unread.with_only_columns(func.count()).order_by(None)
        return self.session.scalar(count) or 0

    def get_readable(self, owner_id: uuid.UUID, notification_id: uuid.UUID) -> Notification | None:
        return self.one_or_none(
            self.readable_by(owner_id).where(Notification.id == notification_id)
        )

    def mark_all_read(self, owner_id: uuid.UUID) -> int:
        result = self.session.execute(
            update(Notification)
            .where(
                Notification.user_id == owner_id,
                Notification.in_app,
                Notification.read_at.is_(None),
            )
            .values(read_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        return int(getattr(result, "rowcount", 0))


class PreferenceRepository(Repository[NotificationPreference]):
    model = NotificationPreference

    def readable_by(self, owner_id: uuid.UUID) -> Select[NotificationPreference]:
        # Fresh rows every time: `replace` writes with an upsert, past the session's objects.
        statement = self.select().where(NotificationPreference.user_id == owner_id)
        return statement.execution_options(populate_existing=True)

    def by_kind(self, owner_id: uuid.UUID) -> dict[str, NotificationPreference]:
        return {row.kind: row for row in self.session.scalars(self.readable_by(owner_id))}

    def for_kind(self, owner_id: uuid.UUID, kind: str) -> NotificationPreference | None:
        return self.one_or_none(
            self.readable_by(owner_id).where(NotificationPreference.kind == kind)
        )

    def replace(self, owner_id: uuid.UUID, choices: Iterable[tuple[str, bool, bool]]) -> None:
        """Upsert each (kind, email, in_app) and forget the owner's other kinds. An upsert, not
        delete-then-insert, so two concurrent saves cannot collide on the unique key."""
        rows = [
            {
                "id": uuid.uuid4(),
                "user_id": owner_id,
                "kind": kind,
                "email": email,
                "in_app": in_app,
            }
            for kind, email, in_app in choices
        ]
        self.session.execute(
            delete(NotificationPreference).where(
                NotificationPreference.user_id == owner_id,
                NotificationPreference.kind.not_in([row["kind"] for row in rows]),
            )
        )
        if rows:
            postgres = self.session.get_bind().dialect.name == "postgresql"
            insert = pg_insert if postgres else sqlite_insert
            statement = insert(NotificationPreference).values(rows)
            self.session.execute(
                statement.on_conflict_do_update(
                    index_elements=["user_id", "kind"],
                    set_={"email": statement.excluded.email, "in_app": statement.excluded.in_app},
                )
            )


class DeliveryRepository(Repository[Delivery]):
    """Deliveries are reached by id from their task, never listed to users."""

    model = Delivery

    def count_attempt(self, delivery_id: uuid.UUID) -> None:
        self._set(delivery_id, attempts=Delivery.attempts + 1)

    def record_error(self, delivery_id: uuid.UUID, error: str) -> None:
        self._set(delivery_id, last_error=error[:1000])

    def reopen(self, delivery_id: uuid.UUID) -> None:
        """A failed delivery that runs again (a requeued dead letter) is queued once more."""
        self._set(
            delivery_id, Delivery.status == DeliveryStatus.FAILED, status=DeliveryStatus.QUEUED
        )

    def mark_sent(self, delivery_id: uuid.UUID) -> bool:
        """True for the run that marked it; a second run finds it sent already."""
        return self._set(
            delivery_id,
            Delivery.status != DeliveryStatus.SENT,
            status=DeliveryStatus.SENT,
            sent_at=utcnow(),
        )

    def mark_failed(self, delivery_id: uuid.UUID, error: str) -> None:
        self._set(
            delivery_id,
            Delivery.status != DeliveryStatus.SENT,
            status=DeliveryStatus.FAILED,
            last_error=error[:1000],
        )

    def _set(self, delivery_id: uuid.UUID, *conditions: object, **values: object) -> bool:
        result = self.session.execute(
            update(Delivery)
            .where(Delivery.id == delivery_id, *conditions)  # type: ignore[arg-type]
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        return int(getattr(result, "rowcount", 0)) > 0
