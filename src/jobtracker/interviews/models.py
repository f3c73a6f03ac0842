"""Interviews: a user's own interviews, and the reminders each one is due to send."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jobtracker.db import Base, IdMixin
from jobtracker.kit.clock import utcnow


class InterviewType(StrEnum):
    PHONE = "phone"
    ON_SITE = "on_site"
    ONLINE = "online"

    @property
    def label(self) -> str:
        return TYPE_LABELS[self]


TYPE_LABELS = {
    InterviewType.PHONE: "Phone",
    InterviewType.ON_SITE: "On site",
    InterviewType.ONLINE: "Online",
}


class Interview(IdMixin, Base):
    __tablename__ = "interviews"
    __table_args__ = (Index("ix_interviews_owner_id_starts_at", "owner_id", "starts_at"),)

    owner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    application_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("applications.id", ondelete="SET NULL"), index=True
    )
    company: Mapped[str] = mapped_column(String(200))
    position: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime]
    # Stored, not computed, so that "upcoming" (ends in the future) is one portable comparison.
    ends_at: Mapped[datetime]
    duration_minutes: Mapped[int] = mapped_column(default=60)
    type: Mapped[InterviewType] = mapped_column(String(16))
    location: Mapped[str | None] = mapped_column(String(500))
    details: Mapped[str | None] = mapped_column(Text)
    outcome_notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    # The database cascades the delete; the ORM only keeps the loaded list in step.
    reminders: Mapped[list[InterviewReminder]] = relationship(
        back_populates="interview",
        cascade="all, delete-orphan",
        passive_deletes=True,
        lazy="selectin",
        order_by="InterviewReminder.due_at",
    )


class InterviewReminder(IdMixin, Base):
    """One reminder of one interview, `offset_minutes` before it starts; sent once (sent_at)."""

    __tablename__ = "interview_reminders"
    __table_args__ = (UniqueConstraint("interview_id", "offset_minutes"),)

    interview_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("interviews.id", ondelete="CASCADE"))
    offset_minutes: Mapped[int]
    due_at: Mapped[datetime] = mapped_column(index=True)
    sent_at: Mapped[datetime | None]

    interview: Mapped[Interview] = relationship(back_populates="reminders")
