"""API shapes of the public catalogue (search, a listing's page) and the events of take-downs.

To be folded into `listings/schemas.py` at merge; kept apart while that file is being written.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StringConstraints, field_validator

from jobtracker.kit.schemas import Schema

Workplace = Literal["remote", "hybrid", "onsite", "unknown"]
SalaryPeriod = Literal["hour", "day", "week", "month", "year"]
SortOrder = Literal["relevance", "newest"]
Word = Annotated[str, StringConstraints(max_length=32)]


class ListingQuery(BaseModel):
    """The catalogue's search and filters (query parameters; blanks from a form mean "any")."""

    q: str = Field("", max_length=500, description='Words, "a phrase", `or`, -excluded')
    location: str = Field("", max_length=200, description="Part of a location, any case/accents")
    workplace: list[Workplace] = Field([], description="One or several")
    company: str = Field("", max_length=200, description="Part of the company's name")
    employment_type: list[Word] = Field([], description="One or several, e.g. full_time")
    category: list[Word] = Field([], description="One or several, e.g. backend")
    salary_min: int | None = Field(
        None, ge=0, description="Listings paying up to at least this (their max, else their min)"
    )
    salary_period: SalaryPeriod = Field("year", description="The period salary_min is counted in")
    posted_since: date | None = Field(None, description="Posted on or after this day (UTC)")
    include_removed: bool = Field(False, description="Also listings that were taken down")
    sort: SortOrder | None = Field(
        None, description="relevance (with q; the default then) or newest (the default without q)"
    )

    @field_validator("salary_min", "posted_since", "sort", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        return None if value == "" else value

    @field_validator("salary_period", mode="before")
    @classmethod
    def _year_by_default(cls, value: Any) -> Any:
        return value or "year"

    @field_validator("workplace", "employment_type", "category", mode="before")
    @classmethod
    def _drop_blanks(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [item for item in value if item != ""]
        return value


class ListingSalary(Schema):
    min: float | None
    max: float | None
    currency: str | None = Field(description="ISO 4217")
    period: str | None = Field(description="hour, day, week, month or year")
    raw: str | None = Field(description="As the source wrote it")


class ListingSummary(Schema):
    id: uuid.UUID
    title: str
    company: str
    locations: list[str] = Field(description="As the source wrote them")
    workplace: str = Field(description="remote, hybrid, onsite or unknown")
    remote_scope: str | None = Field(description='Where remote work is allowed, e.g. "EMEA"')
    employment_type: str
    category: str
    skills: list[str] = Field(description="Tags the source gives, e.g. kubernetes")
    salary: ListingSalary | None
    posted_at: datetime | None
    removed: bool = Field(description="Taken down by its sources")
    url: str
    apply_url: str | None
    snippet: str = Field(
        description="HTML: a passage of the description, matches in <mark>, the rest escaped"
    )


class SightingRead(Schema):
    source_name: str
    source_kind: str
    external_id: str
    url: str
    first_seen_at: datetime
    last_seen_at: datetime
    removed_at: datetime | None


class ListingDetail(ListingSummary):
    description_html: str = Field(description="Sanitised at import")
    department: str | None
    expires_at: datetime | None
    first_seen_at: datetime
    last_seen_at: datetime
    removed_at: datetime | None
    sightings: list[SightingRead]


# Events (kit.events), raised in the transaction that takes listings down or brings them back:
# applications saved from them show (or stop showing) "posting closed".


@dataclass(frozen=True)
class ListingsTakenDown:
    listing_ids: tuple[uuid.UUID, ...]


@dataclass(frozen=True)
class ListingsRestored:
    listing_ids: tuple[uuid.UUID, ...]
