"""Contacts: the people a user meets in a job search, their emails and the applications they
relate to. A contact whose email is a registered user's links to that user's profile."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jobtracker.db import Base, IdMixin
from jobtracker.kit.clock import utcnow
from jobtracker.users.service import User


class ContactEmail(IdMixin, Base):
    """One email of a contact. A table of its own, not a JSON list, so that "which contacts
    carry this email" (linking a user who registers) is one indexed query on every database."""

    __tablename__ = "contact_emails"
    __table_args__ = (UniqueConstraint("contact_id", "email_key"),)

    contact_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(320))
    # Lower-cased, as users.email_key: the same address in any case is the same person.
    email_key: Mapped[str] = mapped_column(String(320), index=True)
    position: Mapped[int] = mapped_column(default=0)


class ContactApplication(IdMixin, Base):
    """A contact relates to an application (the recruiter, the hiring manager, a referrer)."""

    __tablename__ = "contact_applications"
    __table_args__ = (UniqueConstraint("contact_id", "application_id"),)

    contact_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    application_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)


class Contact(IdMixin, Base):
    __tablename__ = "contacts"

    owner_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[str | None] = mapped_column(String(200))
    company: Mapped[str | None] = mapped_column(String(200))
    # Folded " name company position " (kit.text.fold): substring search ignoring case and
    # accents; it starts with the name, so it is also the list's order. Text: folding can
    # lengthen a string ("ß" -> "ss"), which a VARCHAR(n) on PostgreSQL would refuse.
    search_text: Mapped[str] = mapped_column(Text)
    # Folded company alone, for the company filter.
    company_key: Mapped[str] = mapped_column(Text, default="")
    phones: Mapped[list[str]] = mapped_column(JSON, default=list)
    social_links: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    notes: Mapped[str | None] = mapped_column(Text)
    # Set when one of the emails is an active user's (service._refresh_link and the events).
    linked_user_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    # selectin: a page of contacts loads its emails, applications and linked users in three
    # queries, whatever its size.
    emails: Mapped[list[ContactEmail]] = relationship(
        cascade="all, delete-orphan", order_by=ContactEmail.position, lazy="selectin"
    )
    application_links: Mapped[list[ContactApplication]] = relationship(
        cascade="all, delete-orphan", order_by=ContactApplication.position, lazy="selectin"
    )
    # Read-only: the link is written through linked_user_id alone.
    linked_user: Mapped[User | None] = relationship(
        foreign_keys=[linked_user_id], viewonly=True, lazy="selectin"
    )
