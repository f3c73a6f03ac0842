"""SQL for applications and their history. Every query starts from `readable_by(owner)`, so no
caller can read or change another user's application by guessing its id."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select, update

from jobtracker.applications.models import Application, Status, StatusChange
from jobtracker.kit.repository import Repository
from jobtracker.kit.text import like_escape, words
from jobtracker.users.service import User

SORT_COLUMNS: dict[str, Any] = {
    "created": Application.created_at,
    "updated": Application.updated_at,
    "applied_on": Application.applied_on,
    "company": Application.search_text,
}


class ApplicationRepository(Repository[Application]):
    model = Application

    def readable_by(self, owner_id: uuid.UUID, *, deleted: bool = False) -> Select[Application]:
        """The owner's applications; the deleted ones (the bin) only when asked."""
        statement = self.select().where(Application.owner_id == owner_id)
        if deleted:
            return statement.where(Application.deleted_at.is_not(None))
        return statement.where(Application.deleted_at.is_(None))

    def everything_of(self, owner_id: uuid.UUID) -> Select[Application]:
        """Live and binned: for the owner's export."""
        statement = self.select().where(Application.owner_id == owner_id)
        return statement.order_by(Application.created_at, Application.id)

    def get_owned(
        self, owner_id: uuid.UUID, application_id: uuid.UUID, *, deleted: bool = False
    ) -> Application | None:
        statement = self.readable_by(owner_id, deleted=deleted)
        return self.one_or_none(statement.where(Application.id == application_id))

    def owned_ids(self, owner_id: uuid.UUID, ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
        statement = self.readable_by(owner_id).where(Application.id.in_(ids))
        return set(self.session.scalars(statement.with_only_columns(Application.id)))

    def choices(self, owner_id: uuid.UUID) -> list[Application]:
        statement = self.readable_by(owner_id).order_by(Application.search_text, Application.id)
        return list(self.session.scalars(statement))

    def by_import_key(self, owner_id: uuid.UUID, key: str) -> Application | None:
        """Deleted ones too: a re-imported row that the user had binned stays binned."""
        statement = self.select().where(
            Application.owner_id == owner_id, Application.import_key == key
        )
        return self.one_or_none(statement)

    def by_listing(self, owner_id: uuid.UUID, listing_id: uuid.UUID) -> Application | None:
        return self.one_or_none(
            self.readable_by(owner_id).where(Application.listing_id == listing_id)
        )

    def set_posting_closed(
        self, listing_ids: Sequence[uuid.UUID], closed_at: datetime | None
    ) -> int:
        """Every owner's applications saved from these listings, the bin's too: a catalogue
        event, not a user's request, so no owner scope. Returns how many changed."""
        mark = Application.posting_closed_at
        not_yet = mark.is_(None) if closed_at else mark.is_not(None)
        result = self.session.execute(
            update(Application)
            .where(Application.listing_id.in_(listing_ids), not_yet)
            .values(posting_closed_at=closed_at)
        )
        return int(getattr(result, "rowcount", 0))

    def search(
        self,
        owner_id: uuid.UUID,
        *,
        statuses: Sequence[Status] = (),
        query: str = "",
        stale: bool | None = None,
        deleted: bool = False,
        sort: str = "updated",
        descending: bool = True,
    ) -> Select[Application]:
        statement = self.readable_by(owner_id, deleted=deleted)
        if statuses:
            statement = statement.where(Application.status.in_(statuses))
        if words(query):
            pattern = f"%{like_escape(' '.join(words(query)))}%"
            statement = statement.where(Application.search_text.like(pattern, escape="\\"))
        if stale is not None:
            marked = Application.stale_since
            statement = statement.where(marked.is_not(None) if stale else marked.is_(None))
        column = SORT_COLUMNS[sort]
        order = column.desc().nulls_last() if descending else column.asc().nulls_last()
        return statement.order_by(order, Application.id)

    def stale_day_settings(self) -> list[int]:
        """The distinct stale-days settings of users: the check runs one query per value."""
        return list(self.session.scalars(select(User.stale_after_days).distinct()))

    def going_stale(self, days: int, cutoff: datetime, *, limit: int) -> list[Application]:
        """Applied applications of owners whose setting is `days`, unchanged since `cutoff`
        and not yet marked stale, oldest first."""
        statement = (
            self.select()
            .join(User, User.id == Application.owner_id)
            .where(
                User.stale_after_days == days,
                Application.status == Status.APPLIED,
                Application.updated_at <= cutoff,
                Application.stale_since.is_(None),
                Application.deleted_at.is_(None),
            )
            .order_by(Application.updated_at)
            .limit(limit)
        )
        return list(self.session.scalars(statement))

    def mark_stale(self, application_id: uuid.UUID, updated_at: datetime, now: datetime) -> bool:
        """Conditional: only if nothing changed since it was read, so a task run twice (or racing
        an edit) marks it, and notifies, at most once."""
        result = self.session.execute(
            update(Application)
            .where(
                Application.id == application_id,
                Application.stale_since.is_(None),
                Application.updated_at == updated_at,
            )
            .values(stale_since=now)
        )
        return bool(getattr(result, "rowcount", 0))


class StatusChangeRepository(Repository[StatusChange]):
    model = StatusChange

    def history(self, application_id: uuid.UUID) -> Select[StatusChange]:
        """Scoped by the application, which the service has already found among the owner's."""
        return (
            self.select()
            .where(StatusChange.application_id == application_id)
            .order_by(StatusChange.changed_at, StatusChange.id)
        )

    def for_applications(self, application_ids: Sequence[uuid.UUID]) -> list[StatusChange]:
        statement = self.select().where(StatusChange.application_id.in_(application_ids))
        return list(self.session.scalars(statement.order_by(StatusChange.changed_at)))
