"""Credentials state: refresh tokens (by family), browser sessions, failed logins."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from jobtracker.db import Base, IdMixin
from jobtracker.kit.clock import utcnow


class RefreshToken(IdMixin, Base):
    """One refresh token; rotation makes a chain in one family. Only the SHA-256 is stored."""

    __tablename__ = "refresh_tokens"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    family_id: Mapped[uuid.UUID] = mapped_column(index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    rotated_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class WebSession(IdMixin, Base):
    """A browser's signed-in session; the cookie holds the token, the table its SHA-256."""

    __tablename__ = "web_sessions"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]


class LoginFailure(IdMixin, Base):
    """A failed login, counted per account and address for throttling (kept in the database
    so that every API process sees the same count)."""

    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_key", "email_key", "address", "failed_at"),)

    email_key: Mapped[str] = mapped_column(String(320))
    address: Mapped[str] = mapped_column(String(64))
    failed_at: Mapped[datetime] = mapped_column(default=utcnow)
