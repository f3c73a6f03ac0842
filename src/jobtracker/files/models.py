"""Resumes: a user's uploaded file (its bytes live in storage, under a random key) and its text."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from jobtracker.db import Base, IdMixin
from jobtracker.kit.clock import utcnow


class ResumeKind(StrEnum):
    """What the content is, as found by reading it (never by the file's name)."""

    PDF = "pdf"
    DOCX = "docx"
    TXT = "txt"


class TextStatus(StrEnum):
    PENDING = "pending"
    READY = "ready"
    FAILED = "failed"


class Resume(IdMixin, Base):
    __tablename__ = "resumes"
    __table_args__ = (
        Index("ix_resumes_owner_id_created_at", "owner_id", "created_at"),
        # One default per user, kept by the database too: a partial unique index.
        Index(
            "uq_resumes_owner_id_default",
            "owner_id",
            unique=True,
            sqlite_where=text("is_default"),
            postgresql_where=text("is_default"),
        ),
    )

    owner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    kind: Mapped[ResumeKind] = mapped_column(String(8))
    size_bytes: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    # Random ("resumes/<uuid4 hex>"), never derived from the name the user gave.
    storage_key: Mapped[str] = mapped_column(String(200), unique=True)
    is_default: Mapped[bool] = mapped_column(default=False)
    visible_on_profile: Mapped[bool] = mapped_column(default=False)
    text: Mapped[str | None] = mapped_column(Text)
    text_status: Mapped[TextStatus] = mapped_column(String(8), default=TextStatus.PENDING)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
