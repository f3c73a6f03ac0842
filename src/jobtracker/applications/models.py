"""Applications: a user's own record of applying to a job, and the history of its status."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from jobtracker.db import Base, IdMixin
from jobtracker.kit.clock import utcnow


class Status(StrEnum):
    """The pipeline, in order."""

    SAVED = "saved"
    APPLIED = "applied"
    INTERVIEW = "interview"
    OFFER = "offer"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class Application(IdMixin, Base):
    __tablename__ = "applications"
    __table_args__ = (
        Index("ix_applications_owner_id_status", "owner_id", "status"),
        Index("ix_applications_owner_id_updated_at", "owner_id", "updated_at"),
        # A spreadsheet row imported twice is one application (see service.import_csv).
        UniqueConstraint("owner_id", "import_key"),
    )

    owner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    company: Mapped[str] = mapped_column(String(200))
    position: Mapped[str] = mapped_column(String(200))
    # Folded " company position " (kit.text): substring search ignoring case and accents.
    search_text: Mapped[str] = mapped_column(String(420))
    location: Mapped[str | None] = mapped_column(String(200))
    salary: Mapped[str | None] = mapped_column(String(100))
    # {min, max, currency, period} when the salary text could be read, else None.
    salary_parsed: Mapped[dict[str, object] | None] = mapped_column(JSON)
    job_url: Mapped[str | None] = mapped_column(String(2000))
    job_description: Mapped[str | None] = mapped_column(Text)
    status: Mapped[Status] = mapped_column(String(16), default=Status.SAVED)
    applied_on: Mapped[date | None]
    notes: Mapped[str | None] = mapped_column(Text)
    resume_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("resumes.id", ondelete="SET NULL")
    )
    listing_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    import_key: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set by the stale check when an applied application had no change for the owner's days.
    stale_since: Mapped[datetime | None]
    # Set when the catalogue listing it was saved from is taken down (listings' events).
    posting_closed_at: Mapped[datetime | None]
    deleted_at: Mapped[datetime | None]

    @property
    def stale(self) -> bool:
        return self.stale_since is not None

    @property
    def posting_closed(self) -> bool:
        return self.posting_closed_at is not None


class StatusChange(IdMixin, Base):
    """One move in the pipeline; the first row of an application has no `from_status`."""

    __tablename__ = "application_status_changes"
    __table_args__ = (Index("ix_application_status_changes_application_id", "application_id"),)

    application_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE")
    )
    from_status: Mapped[Status | None] = mapped_column(String(16))
    to_status: Mapped[Status] = mapped_column(String(16))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
