"""API shapes for applications, their history and the pipeline; the events other domains hear."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, HttpUrl, StringConstraints, TypeAdapter

from jobtracker.applications.models import Status
from jobtracker.kit.schemas import Schema

MAX_DESCRIPTION_BYTES = 100 * 1024
MAX_CSV_BYTES = 5 * 1024 * 1024

STATUS_LABELS = {
    Status.SAVED: "Saved",
    Status.APPLIED: "Applied",
    Status.INTERVIEW: "Interviewing",
    Status.OFFER: "Offer",
    Status.REJECTED: "Rejected",
    Status.WITHDRAWN: "Withdrawn",
}


def _within_100_kb(text: str) -> str:
    if len(text.encode()) > MAX_DESCRIPTION_BYTES:
        raise ValueError("at most 100 KB of text")
    return text


def _http_url(text: str) -> str:
    """http or https only: no javascript: or data: links on a page."""
    return str(_HTTP_URL.validate_python(text))


_HTTP_URL = TypeAdapter(HttpUrl)


Name = Annotated[str, StringConstraints(min_length=1, max_length=200)]
ShortText = Annotated[str, StringConstraints(max_length=200)]
Salary = Annotated[str, StringConstraints(max_length=100)]
JobUrl = Annotated[str, StringConstraints(max_length=2000), AfterValidator(_http_url)]
Description = Annotated[str, AfterValidator(_within_100_kb)]
Notes = Annotated[str, StringConstraints(max_length=20_000)]
SortKey = Literal["created", "updated", "applied_on", "company"]


class StatusRead(Schema):
    key: Status
    label: str


class SalaryRead(Schema):
    min: float
    max: float
    currency: str | None
    period: Literal["hour", "day", "week", "month", "year"] | None


class ApplicationCreate(Schema):
    company: Name
    position: Name
    location: ShortText | None = None
    salary: Salary | None = Field(None, description='As typed: "$120k-150k", "55.000 € brutto"')
    job_url: JobUrl | None = None
    job_description: Description | None = None
    status: Status = Status.SAVED
    applied_on: date | None = Field(None, description="Set on the first move to applied")
    notes: Notes | None = None
    resume_id: uuid.UUID | None = Field(None, description="The resume sent")
    listing_id: uuid.UUID | None = None


class ApplicationUpdate(ApplicationCreate):
    """PUT: the whole application; what is left out is cleared (status is required)."""

    status: Status


class ApplicationPatch(Schema):
    """PATCH: only the fields sent change."""

    company: Name | None = None
    position: Name | None = None
    location: ShortText | None = None
    salary: Salary | None = None
    job_url: JobUrl | None = None
    job_description: Description | None = None
    status: Status | None = None
    applied_on: date | None = None
    notes: Notes | None = None
    resume_id: uuid.UUID | None = None
    listing_id: uuid.UUID | None = None


class ApplicationRead(Schema):
    id: uuid.UUID
    company: str
    position: str
    location: str | None
    salary: str | None
    salary_parsed: SalaryRead | None
    job_url: str | None
    job_description: str | None
    status: Status
    applied_on: date | None
    notes: str | None
    resume_id: uuid.UUID | None
    listing_id: uuid.UUID | None
    stale: bool = Field(description="Applied, and no change for the owner's stale-days setting")
    stale_since: datetime | None
    posting_closed: bool = Field(
        description="Saved from a catalogue listing that has since been taken down"
    )
    posting_closed_at: datetime | None
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None


class ClipRequest(Schema):
    url: JobUrl = Field(description="A job's page: its JobPosting data, or its title, is read")


class StatusChangeRead(Schema):
    from_status: Status | None = Field(description="None on the application's first row")
    to_status: Status
    changed_at: datetime


class ImportedRow(Schema):
    line: int = Field(description="The line in the file (the header is line 1)")
    outcome: Literal["created", "skipped"]
    application_id: uuid.UUID | None = None
    reason: str | None = Field(None, description="Why the row was skipped")
    warnings: list[str] = Field(default=[], description="What was left out of a created row")


class ImportReport(Schema):
    created: int
    skipped: int
    columns: dict[str, str] = Field(description="Each recognised header and the field it fills")
    ignored_columns: list[str]
    rows: list[ImportedRow]


@dataclass(frozen=True)
class ApplicationFilters:
    statuses: tuple[Status, ...] = ()
    query: str = ""
    stale: bool | None = None
    deleted: bool = False
    sort: SortKey = "updated"
    descending: bool = True


# Events (kit.events), raised in the transaction of the write: analytics, search and the
# dashboard subscribe to them.


@dataclass(frozen=True)
class ApplicationCreated:
    application_id: uuid.UUID
    owner_id: uuid.UUID
    status: Status


@dataclass(frozen=True)
class StatusUpdated:
    application_id: uuid.UUID
    owner_id: uuid.UUID
    from_status: Status
    to_status: Status
