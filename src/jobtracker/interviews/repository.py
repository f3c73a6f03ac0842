"""SQL for interviews and their reminders. Every query of interviews starts from
`readable_by(owner)`, so no caller can reach another user's interview by guessing its id."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Select, select, update
from sqlalchemy.orm import joinedload

from jobtracker.interviews.models import Interview, InterviewReminder, InterviewType
from jobtracker.kit.repository import Repository


class InterviewRepository(Repository[Interview]):
    model = Interview

    def readable_by(self, owner_id: uuid.UUID) -> Select[Interview]:
        return self.select().where(Interview.owner_id == owner_id)

    def get_owned(self, owner_id: uuid.UUID, interview_id: uuid.UUID) -> Interview | None:
        return self.one_or_none(self.readable_by(owner_id).where(Interview.id == interview_id))

    def search(
        self,
        owner_id: uuid.UUID,
        *,
        starts_from: datetime | None = None,
        starts_before: datetime | None = None,
        types: Sequence[InterviewType] = (),
        application_id: uuid.UUID | None = None,
        ends_after: datetime | None = None,
    ) -> Select[Interview]:
        """The owner's interviews by start; each bound is optional."""
        statement = self.readable_by(owner_id)
        if starts_from is not None:
            statement = statement.where(Interview.starts_at >= starts_from)
        if starts_before is not None:
            statement = statement.where(Interview.starts_at < starts_before)
        if types:
            statement = statement.where(Interview.type.in_(types))
        if application_id is not None:
            statement = statement.where(Interview.application_id == application_id)
        if ends_after is not None:
            statement = statement.where(Interview.ends_at > ends_after)
        return statement.order_by(Interview.starts_at, Interview.id)

    def listed(self, statement: Select[Interview]) -> list[Interview]:
        return list(self.session.scalars(statement))


class ReminderRepository(Repository[InterviewReminder]):
    """Reminders are reached through their interview, or claimed by the sending task."""

    model = InterviewReminder

    def claim_due(self, now: datetime, limit: int) -> list[InterviewReminder]:
        """Mark up to `limit` due, unsent reminders sent and return them with their interviews.

        The UPDATE is conditional (sent_at IS NULL): of two runs that race for a reminder, the
        second finds it taken and gets nothing. SKIP LOCKED (PostgreSQL) lets it claim others.
        """
        due = (
            select(InterviewReminder.id)
            .where(InterviewReminder.due_at <= now, InterviewReminder.sent_at.is_(None))
            .order_by(InterviewReminder.due_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        claimed = self.session.scalars(
            update(InterviewReminder)
            .where(InterviewReminder.id.in_(due.scalar_subquery()))
            .where(InterviewReminder.sent_at.is_(None))
            .values(sent_at=now)
            .returning(InterviewReminder.id)
            .execution_options(synchronize_session=False)
        ).all()
        if not claimed:
            return []
        statement = (
            self.select()
            .where(InterviewReminder.id.in_(claimed))
            .options(joinedload(InterviewReminder.interview))
            .order_by(InterviewReminder.due_at)
            .execution_options(populate_existing=True)
        )
        return list(self.session.scalars(statement))
