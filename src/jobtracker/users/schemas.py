"""API shapes for profiles and people."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Annotated
from zoneinfo import available_timezones

from pydantic import AfterValidator, EmailStr, Field, HttpUrl, StringConstraints

from jobtracker.kit.schemas import Schema

MAX_SKILLS = 100
MAX_LINKS = 20

ShortText = Annotated[str, StringConstraints(max_length=200)]
FullName = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Phone = Annotated[str, StringConstraints(max_length=40, pattern=r"^[0-9+()\-. ]*$")]
Bio = Annotated[str, StringConstraints(max_length=2000)]
Skill = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]


def _unique_skills(skills: list[str]) -> list[str]:
    """Keep the first spelling of each skill, compared case-insensitively."""
    seen: set[str] = set()
    unique = []
    for skill in skills:
        if skill.casefold() not in seen:
            seen.add(skill.casefold())
            unique.append(skill)
    if len(unique) > MAX_SKILLS:
        raise ValueError(f"at most {MAX_SKILLS} different skills")
    return unique


Skills = Annotated[list[Skill], AfterValidator(_unique_skills)]


class SocialLink(Schema):
    label: Annotated[str, StringConstraints(min_length=1, max_length=50)]
    # HttpUrl admits only http and https: no javascript: or data: links on a public profile.
    url: HttpUrl


SocialLinks = Annotated[list[SocialLink], Field(max_length=MAX_LINKS)]


class ProfileRead(Schema):
    id: uuid.UUID
    email: str
    full_name: str
    role: str
    phone: str | None
    location: str | None
    position: str | None
    bio: str | None
    skills: list[str]
    social_links: list[SocialLink]
    show_email: bool
    show_phone: bool
    created_at: datetime


class ProfileUpdate(Schema):
    """PUT: the whole profile; what is left out is cleared (name and email are required)."""

    full_name: FullName
    email: EmailStr
    phone: Phone | None = None
    location: ShortText | None = None
    position: ShortText | None = None
    bio: Bio | None = None
    skills: Skills = []
    social_links: SocialLinks = []
    show_email: bool = False
    show_phone: bool = False


class ProfilePatch(Schema):
    """PATCH: only the fields sent change."""

    full_name: FullName | None = None
    email: EmailStr | None = None
    phone: Phone | None = None
    location: ShortText | None = None
    position: ShortText | None = None
    bio: Bio | None = None
    skills: Skills | None = None
    social_links: SocialLinks | None = None
    show_email: bool | None = None
    show_phone: bool | None = None


class PublicProfile(Schema):
    """What another user sees: email and phone only when the owner chose to show them."""

    id: uuid.UUID
    full_name: str
    position: str | None
    location: str | None
    bio: str | None
    skills: list[str]
    social_links: list[SocialLink]
    email: str | None
    phone: str | None
    followed: bool = False
    profile_url: str


MAX_REMINDER_MINUTES = 30 * 24 * 60


def _known_time_zone(name: str) -> str:
    if name not in _time_zones():
        raise ValueError("not a known time zone (an IANA name such as Europe/Madrid)")
    return name


@cache
def _time_zones() -> set[str]:
    return available_timezones() | {"UTC"}


@cache
def time_zone_names() -> list[str]:
    """UTC and the Area/City zones, sorted, for pickers (every other accepted name, such as
    "EST" or "Etc/GMT+5", still validates but would only clutter the list)."""
    places = (name for name in _time_zones() if "/" in name and not name.startswith("Etc/"))
    return ["UTC", *sorted(places)]


def _distinct_offsets(offsets: list[int]) -> list[int]:
    return sorted(set(offsets), reverse=True)


TimeZone = Annotated[str, AfterValidator(_known_time_zone)]
ReminderOffsets = Annotated[
    list[Annotated[int, Field(ge=1, le=MAX_REMINDER_MINUTES)]],
    Field(max_length=5),
    AfterValidator(_distinct_offsets),
]


class SettingsUpdate(Schema):
    """The workspace settings; PUT replaces all three."""

    time_zone: TimeZone = "UTC"
    reminder_offsets_minutes: ReminderOffsets = Field(
        default=[24 * 60, 60], description="Minutes before an interview; at most 5"
    )
    stale_after_days: Annotated[int, Field(ge=1, le=365)] = 14


class SettingsRead(SettingsUpdate):
    calendar_url: str = Field(description="The secret address of your interviews' calendar feed")


# Events other domains subscribe to (kit.events), raised in the transaction of the change.


@dataclass(frozen=True)
class UserRegistered:
    user_id: uuid.UUID
    email_key: str


@dataclass(frozen=True)
class UserEmailChanged:
    user_id: uuid.UUID
    email_key: str


@dataclass(frozen=True)
class SettingsChanged:
    """Time zone, reminder offsets or stale days changed: reminders may need moving."""

    user_id: uuid.UUID
