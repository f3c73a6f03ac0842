"""Users: an account (owned by auth's rules) and the profile other users see."""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from jobtracker.db import Base, IdMixin
from jobtracker.kit.clock import utcnow

DEFAULT_REMINDER_OFFSETS = (24 * 60, 60)  # minutes before an interview


def new_calendar_salt() -> str:
    return secrets.token_urlsafe(24)


class Role(StrEnum):
    USER = "user"
    ADMIN = "admin"


class User(IdMixin, Base):
    __tablename__ = "users"

    email: Mapped[str] = mapped_column(String(320))
    # Lower-cased email: uniqueness and login are case-insensitive on every database.
    email_key: Mapped[str] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(String(16), default=Role.USER)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    full_name: Mapped[str] = mapped_column(String(200))
    # Folded name with word boundaries (kit.text.search_key) for accent-insensitive prefix search.
    search_name: Mapped[str] = mapped_column(String(220), index=True)
    phone: Mapped[str | None] = mapped_column(String(40))
    location: Mapped[str | None] = mapped_column(String(200))
    position: Mapped[str | None] = mapped_column(String(200))
    bio: Mapped[str | None] = mapped_column(Text)
    skills: Mapped[list[str]] = mapped_column(JSON, default=list)
    social_links: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    show_email: Mapped[bool] = mapped_column(default=False)
    show_phone: Mapped[bool] = mapped_column(default=False)

    # Workspace settings: how dates are shown and entered, when reminders and "stale" fire.
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC")
    reminder_offsets_minutes: Mapped[list[int]] = mapped_column(
        JSON, default=lambda: list(DEFAULT_REMINDER_OFFSETS)
    )
    stale_after_days: Mapped[int] = mapped_column(default=14)
    # Rotating it changes the calendar feed's secret address (see service.calendar_token).
    calendar_salt: Mapped[str] = mapped_column(String(64), default=new_calendar_salt)


class Favorite(IdMixin, Base):
    """A profile a user follows ("profiles I am interested in")."""

    __tablename__ = "favorites"
    __table_args__ = (UniqueConstraint("user_id", "favorite_id"),)

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    favorite_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
