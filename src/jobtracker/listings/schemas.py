"""The normalised shape of a listing, as every source adapter produces it.

Plain frozen dataclasses and string enums, no ORM and no pydantic: an import run builds one per
item and hundreds of thousands per run, and `dataclasses.asdict` (or `ListingRecord.to_json`)
turns them into JSON for a dead letter or an item error.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import Enum, StrEnum
from typing import Any


class Workplace(StrEnum):
    REMOTE = "remote"
    HYBRID = "hybrid"
    ONSITE = "onsite"
    UNKNOWN = "unknown"


class EmploymentType(StrEnum):
    """One vocabulary for the dozen each source speaks (see `normalize.employment_type`)."""

    FULL_TIME = "full_time"
    PART_TIME = "part_time"
    CONTRACT = "contract"
    TEMPORARY = "temporary"
    INTERNSHIP = "internship"
    FREELANCE = "freelance"
    VOLUNTEER = "volunteer"
    OTHER = "other"
    UNKNOWN = "unknown"


class Category(StrEnum):
    """The position category, read from the title by `categories.classify`."""

    FRONTEND = "frontend"
    BACKEND = "backend"
    FULL_STACK = "full_stack"
    MOBILE = "mobile"
    DEVOPS = "devops"
    DATA_ENGINEERING = "data_engineering"
    DATA_SCIENCE = "data_science"
    QA = "qa"
    SECURITY = "security"
    EMBEDDED = "embedded"
    PRODUCT = "product"
    DESIGN = "design"
    ENGINEERING_MANAGEMENT = "engineering_management"
    OTHER = "other"

    @property
    def label(self) -> str:
        """What a person reads in a filter or on a listing."""
        return CATEGORY_LABELS[self]


CATEGORY_LABELS = {
    Category.FRONTEND: "Frontend",
    Category.BACKEND: "Backend",
    Category.FULL_STACK: "Full-stack",
    Category.MOBILE: "Mobile",
    Category.DEVOPS: "DevOps / SRE / Platform",
    Category.DATA_ENGINEERING: "Data engineering",
    Category.DATA_SCIENCE: "Data science / ML / AI",
    Category.QA: "QA / Test",
    Category.SECURITY: "Security",
    Category.EMBEDDED: "Embedded / Hardware",
    Category.PRODUCT: "Product",
    Category.DESIGN: "Design",
    Category.ENGINEERING_MANAGEMENT: "Engineering management",
    Category.OTHER: "Other",
}


class Precision(StrEnum):
    """Whether a source gave a calendar date only or a moment in time."""

    DATE = "date"
    DATETIME = "datetime"


@dataclass(frozen=True, slots=True)
class Location:
    """One place as the source wrote it (`raw`) and as far as it could be read.

    `country` is an ISO 3166-1 alpha-2 code; `region` is the state or province code for the US
    and Canada ("CA", "ON") and the source's text elsewhere.
    """

    raw: str
    city: str | None = None
    region: str | None = None
    country: str | None = None


@dataclass(frozen=True, slots=True)
class Salary:
    """Amounts in the currency's unit (never cents); `period` is hour, day, week, month, year
    or one_time; `raw` keeps the source's text, the only value when it could not be read."""

    min: Decimal | None
    max: Decimal | None
    currency: str | None
    period: str | None
    raw: str | None = None


@dataclass(frozen=True, slots=True)
class Timestamp:
    """An aware UTC datetime; a date-only value is midnight UTC of that very date."""

    value: datetime
    precision: Precision


@dataclass(frozen=True, slots=True)
class ListingRecord:
    """One listing, normalised: what an adapter hands to the import run (`build_record`)."""

    source_kind: str
    external_id: str
    url: str
    apply_url: str | None
    title: str
    company: str | None
    locations: tuple[Location, ...]
    workplace: Workplace
    remote_scope: str | None
    employment_type: EmploymentType
    department: str | None
    description_html: str
    description_text: str
    salary: Salary | None
    posted: Timestamp | None
    updated: Timestamp | None
    expires: Timestamp | None
    category: Category
    content_hash: str
    skills: tuple[str, ...] = ()  # tags the source gives ("kubernetes", "Rails")

    def to_json(self) -> dict[str, Any]:
        """The record as JSON values: amounts as strings, times in ISO 8601."""
        return jsonable(dataclasses.asdict(self))  # type: ignore[no-any-return]


@dataclass(frozen=True, slots=True)
class ItemError:
    """An item that failed validation: skipped, and recorded on the import run."""

    external_id: str | None
    reason: str


def jsonable(value: Any) -> Any:
    """`value` with enums as their values, Decimals as plain strings ("55000", not "5.5E+4")
    and datetimes in ISO 8601."""
    if isinstance(value, dict):
        return {key: jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, datetime):
        return value.isoformat()
    return value
