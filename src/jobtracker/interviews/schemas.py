"""API shapes for interviews and their reminders."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated

from pydantic import Field, StringConstraints

from jobtracker.interviews.models import InterviewType
from jobtracker.kit.schemas import Schema

__all__ = ["InterviewType"]

MIN_DURATION, MAX_DURATION = 5, 24 * 60

Name = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Location = Annotated[str, StringConstraints(max_length=500)]
LongText = Annotated[str, StringConstraints(max_length=20_000)]
Duration = Annotated[int, Field(ge=MIN_DURATION, le=MAX_DURATION, description="Minutes")]
StartsAt = Annotated[
    datetime,
    Field(
        description="ISO 8601 date and time: with an offset it is taken as is, without one it is "
        "read in your time zone (settings)"
    ),
]
ApplicationId = Annotated[
    uuid.UUID | None,
    Field(description="One of your applications; company and position default to its own"),
]


class InterviewCreate(Schema):
    application_id: ApplicationId = None
    company: Name | None = None
    position: Name | None = None
    starts_at: StartsAt
    duration_minutes: Duration = 60
    type: InterviewType
    location: Location | None = Field(default=None, description="An address or a meeting link")
    details: LongText | None = None
    outcome_notes: LongText | None = None


class InterviewUpdate(InterviewCreate):
    """PUT: the whole interview; what is left out is cleared (or defaulted, as on create)."""


class InterviewPatch(Schema):
    """PATCH: only the fields sent change."""

    application_id: ApplicationId = None
    company: Name | None = None
    position: Name | None = None
    starts_at: StartsAt | None = None
    duration_minutes: Duration | None = None
    type: InterviewType | None = None
    location: Location | None = None
    details: LongText | None = None
    outcome_notes: LongText | None = None


class ReminderRead(Schema):
    offset_minutes: int
    due_at: datetime
    sent_at: datetime | None


class InterviewExport(Schema):
    """The stored interview, times in UTC: the account export, and the base of InterviewRead."""

    id: uuid.UUID
    application_id: uuid.UUID | None
    company: str
    position: str
    starts_at: datetime = Field(description="In UTC")
    ends_at: datetime
    duration_minutes: int
    type: InterviewType
    location: str | None
    details: str | None
    outcome_notes: str | None
    reminders: list[ReminderRead]
    created_at: datetime
    updated_at: datetime


class InterviewRead(InterviewExport):
    starts_at_local: datetime = Field(description="The start in `time_zone`, with its offset")
    time_zone: str = Field(description="The owner's time zone (settings)")


@dataclass(frozen=True)
class InterviewFilters:
    """The list's filters; dates are days in the owner's time zone, both ends included."""

    from_date: date | None = None
    to_date: date | None = None
    types: tuple[InterviewType, ...] = ()
    application_id: uuid.UUID | None = None
    upcoming: bool = False
