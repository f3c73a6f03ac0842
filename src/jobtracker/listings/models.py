"""The catalogue: sources, their import runs, listings and every sighting of a listing.

A listing is the canonical job; a sighting is one source's copy of it (external id, url, first
and last seen). De-duplication joins sightings of several sources to one listing; removal is
decided per sighting and a listing is taken down when none of its sightings is live.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from jobtracker.db import Base, IdMixin
from jobtracker.kit.clock import utcnow


class Trigger(StrEnum):
    SCHEDULE = "schedule"
    MANUAL = "manual"


class RunStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    NOT_MODIFIED = "not_modified"
    FAILED = "failed"


class Source(IdMixin, Base):
    __tablename__ = "listing_sources"

    kind: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200), unique=True)
    config: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    every_minutes: Mapped[int | None]
    cron: Mapped[str | None] = mapped_column(String(100))
    enabled: Mapped[bool] = mapped_column(default=True)
    priority: Mapped[int] = mapped_column(default=0)
    # Validators of the last complete fetch: a 304 next time means nothing changed.
    etag: Mapped[str | None] = mapped_column(String(500))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    # sha256 of what the last complete fetch downloaded (and of the adapter's identity): the
    # same bytes again are taken as a 304, for the servers that send no validators.
    document_hash: Mapped[str | None] = mapped_column(String(64))
    last_run_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ImportRun(IdMixin, Base):
    __tablename__ = "import_runs"
    __table_args__ = (Index("ix_import_runs_source_id_started_at", "source_id", "started_at"),)

    source_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("listing_sources.id", ondelete="CASCADE")
    )
    trigger: Mapped[Trigger] = mapped_column(String(16))
    status: Mapped[RunStatus] = mapped_column(String(16), default=RunStatus.QUEUED, index=True)
    task_id: Mapped[str | None] = mapped_column(String(200))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    fetched: Mapped[int] = mapped_column(default=0)
    new: Mapped[int] = mapped_column(default=0)
    updated: Mapped[int] = mapped_column(default=0)
    unchanged: Mapped[int] = mapped_column(default=0)
    removed: Mapped[int] = mapped_column(default=0)
    failed: Mapped[int] = mapped_column(default=0)
    # The first 100 items that failed validation: [{"external_id", "reason"}].
    item_errors: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    error: Mapped[str | None] = mapped_column(Text)  # why the run itself failed
    complete: Mapped[bool] = mapped_column(default=False)  # the whole board was read

    @property
    def duration_seconds(self) -> float | None:
        if self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()

    chunks_done: Mapped[int] = mapped_column(default=0)  # applied chunks: never twice


class Listing(IdMixin, Base):
    __tablename__ = "listings"
    __table_args__ = (Index("ix_listings_posted_at", "posted_at"),)

    title: Mapped[str] = mapped_column(String(300))
    company: Mapped[str] = mapped_column(String(200))
    company_key: Mapped[str] = mapped_column(String(200), index=True)  # folded, for filters
    locations: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    location_text: Mapped[str] = mapped_column(Text, default="")  # folded, every location
    workplace: Mapped[str] = mapped_column(String(16), default="unknown")
    remote_scope: Mapped[str | None] = mapped_column(String(200))
    employment_type: Mapped[str] = mapped_column(String(16), default="unknown")
    department: Mapped[str | None] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(32), default="other", index=True)
    skills: Mapped[list[str]] = mapped_column(JSON, default=list)  # tags the source gives
    description_html: Mapped[str] = mapped_column(Text, default="")
    description_text: Mapped[str] = mapped_column(Text, default="")
    salary_min: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    salary_max: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    salary_currency: Mapped[str | None] = mapped_column(String(3))
    salary_period: Mapped[str | None] = mapped_column(String(16))
    salary_raw: Mapped[str | None] = mapped_column(String(300))
    posted_at: Mapped[datetime | None]
    posted_precision: Mapped[str | None] = mapped_column(String(8))
    source_updated_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]
    url: Mapped[str] = mapped_column(String(2000))
    apply_url: Mapped[str | None] = mapped_column(String(2000))
    # De-duplication across sources: the canonical apply URL, then company + title + location.
    canonical_url: Mapped[str | None] = mapped_column(String(2000), index=True)
    dedupe_key: Mapped[str] = mapped_column(String(64), index=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    # When it was last seen is its sightings' business: a listing row is wide, and an import
    # that finds nothing changed writes only the narrow sighting rows.
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    removed_at: Mapped[datetime | None] = mapped_column(index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Sighting(IdMixin, Base):
    """One source's copy of a listing."""

    __tablename__ = "listing_sightings"
    __table_args__ = (UniqueConstraint("source_id", "external_id"),)

    listing_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("listings.id", ondelete="CASCADE"), index=True
    )
    source_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("listing_sources.id", ondelete="CASCADE")
    )
    external_id: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(2000))
    content_hash: Mapped[str] = mapped_column(String(64))
    # sha1 of the posting's bytes as last read (reading.py): the same bytes are not read again.
    # Indexed alone: an index led by source_id would tempt SQLite's planner (no statistics) to
    # scan a source's sightings where listing_id's index finds the one it wants.
    fingerprint: Mapped[str | None] = mapped_column(String(40), index=True)
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Successful complete fetches in a row that did not carry it (full-snapshot sources).
    missed_runs: Mapped[int] = mapped_column(default=0)
    # Windowed feeds: when the posting's own page was last asked whether it still exists.
    checked_at: Mapped[datetime | None] = mapped_column(index=True)
    removed_at: Mapped[datetime | None]
