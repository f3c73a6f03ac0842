"""API shapes for contacts."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Hashable
from datetime import datetime
from typing import Annotated, TypeVar

from pydantic import AfterValidator, EmailStr, Field, StringConstraints

from jobtracker.kit.schemas import Schema
from jobtracker.users.schemas import SocialLink

__all__ = ["SocialLink"]

MAX_EMAILS = 10
MAX_PHONES = 10
MAX_LINKS = 20
MAX_APPLICATIONS = 50
ItemT = TypeVar("ItemT")

Name = Annotated[str, StringConstraints(min_length=1, max_length=200)]
ShortText = Annotated[str, StringConstraints(max_length=200)]
Phone = Annotated[str, StringConstraints(min_length=1, max_length=40, pattern=r"^[0-9+()\-. ]+$")]
Notes = Annotated[str, StringConstraints(max_length=10_000)]


def _distinct(key: Callable[[ItemT], Hashable], most: int, what: str) -> AfterValidator:
    """Keep the first of each item (compared by `key`), then allow at most `most` of them."""

    def validate(items: list[ItemT]) -> list[ItemT]:
        seen: set[Hashable] = set()
        unique = []
        for item in items:
            if key(item) not in seen:
                seen.add(key(item))
                unique.append(item)
        if len(unique) > most:
            raise ValueError(f"at most {most} different {what}")
        return unique

    return AfterValidator(validate)


Emails = Annotated[list[EmailStr], _distinct(str.lower, MAX_EMAILS, "emails")]
Phones = Annotated[list[Phone], Field(max_length=MAX_PHONES)]
SocialLinks = Annotated[list[SocialLink], Field(max_length=MAX_LINKS)]
ApplicationIds = Annotated[
    list[uuid.UUID], _distinct(lambda id: id, MAX_APPLICATIONS, "applications")
]


class ContactCreate(Schema):
    name: Name
    position: ShortText | None = None
    company: ShortText | None = None
    emails: Emails = []
    phones: Phones = []
    social_links: SocialLinks = []
    notes: Notes | None = None
    application_ids: ApplicationIds = Field(
        default=[], description="Your applications this contact relates to"
    )


class ContactUpdate(ContactCreate):
    """PUT: the whole contact; what is left out is cleared (the name is required)."""


class ContactPatch(Schema):
    """PATCH: only the fields sent change; a list sent as null is emptied."""

    name: Name | None = None
    position: ShortText | None = None
    company: ShortText | None = None
    emails: Emails | None = None
    phones: Phones | None = None
    social_links: SocialLinks | None = None
    notes: Notes | None = None
    application_ids: ApplicationIds | None = None


class LinkedUser(Schema):
    """The Jobtracker user whose email this contact carries."""

    id: uuid.UUID
    name: str
    profile_url: str


class ContactRead(Schema):
    id: uuid.UUID
    name: str
    position: str | None
    company: str | None
    emails: list[str]
    phones: list[str]
    social_links: list[SocialLink]
    notes: str | None
    application_ids: list[uuid.UUID]
    linked_user: LinkedUser | None
    created_at: datetime
    updated_at: datetime
