"""Clipping a job from any page: its schema.org JobPosting (JSON-LD), or else what the page says
of itself (OpenGraph, then its <title>), saved as an application in status `saved`.

The page is fetched through the guarded HTTP client like any source, so a user cannot make the
server reach a private address. Kept apart from service.py (the catalogue's rules): it serves
the workspace, with the catalogue's page reader.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx
from sqlalchemy.orm import Session

from jobtracker.applications import service as applications
from jobtracker.applications.schemas import MAX_DESCRIPTION_BYTES, ApplicationCreate
from jobtracker.config import Settings
from jobtracker.kit.http import FetchError, GuardedClient
from jobtracker.kit.problems import InvalidInput
from jobtracker.listings.schemas import ListingRecord
from jobtracker.listings.sources.jsonld_page import job_postings_in, page_summary
from jobtracker.users.service import User

HTML_TYPES = ("text/html", "application/xhtml+xml")
FIELD = ("body", "url")


@dataclass(frozen=True)
class Clipped:
    application: applications.Application
    found_by: str  # "json-ld" or "page title"


def clip_page(session: Session, settings: Settings, *, owner: User, url: str) -> Clipped:
    """Save the job at `url` to the owner's applications; 422 saying what could not be found
    (or fetched) otherwise."""
    page, final_url = _fetch(settings, url)
    fields, found_by = _from_json_ld(page, final_url) or _from_page(page, final_url)
    data = ApplicationCreate.model_validate({**fields, "job_url": url})
    return Clipped(applications.create_application(session, owner=owner, data=data), found_by)


def _fetch(settings: Settings, url: str) -> tuple[bytes, str]:
    try:
        with GuardedClient.from_settings(settings) as client:
            result = client.fetch(url, accept="text/html,application/xhtml+xml")
    except httpx.HTTPStatusError as error:
        raise _problem(f"The page answered {error.response.status_code}.") from error
    except FetchError as error:
        raise _problem(f"The page cannot be fetched: {error}") from error
    except httpx.HTTPError as error:
        raise _problem("The page could not be reached.") from error
    if result.content_type not in HTML_TYPES or not result.body:
        raise _problem("This address is not a web page (HTML).")
    return result.body, result.url


def _from_json_ld(page: bytes, url: str) -> tuple[dict[str, Any], str] | None:
    records = [item for item in job_postings_in(page, page_url=url)
               if isinstance(item, ListingRecord)]  # fmt: skip
    if not records:
        return None
    record = records[0]
    salary = record.salary.raw if record.salary and record.salary.raw else _salary(record)
    fields = {
        "company": record.company or _host(url), "position": record.title,
        "location": record.locations[0].raw if record.locations else None,
        "salary": salary, "job_description": _clipped(record.description_text),
    }  # fmt: skip
    return fields, "json-ld"


def _from_page(page: bytes, url: str) -> tuple[dict[str, Any], str]:
    summary = page_summary(page, url)
    if not summary["title"]:
        raise _problem("No job posting found on this page: it has no JobPosting data, "
                       "no og:title and no <title>.")  # fmt: skip
    fields = {
        "company": summary["site_name"] or _host(url), "position": summary["title"][:200],
        "job_description": _clipped(summary["description"] or ""),
    }  # fmt: skip
    return fields, "page title"


def _salary(record: ListingRecord) -> str | None:
    salary = record.salary
    if salary is None or salary.min is None:
        return None
    high = f"-{salary.max:,.0f}" if salary.max and salary.max != salary.min else ""
    period = f" / {salary.period}" if salary.period else ""
    return f"{salary.currency or ''} {salary.min:,.0f}{high}{period}".strip()[:100]


def _clipped(text: str) -> str | None:
    data = text.encode()[:MAX_DESCRIPTION_BYTES]
    return data.decode(errors="ignore") or None


def _host(url: str) -> str:
    return (urlsplit(url).hostname or url).removeprefix("www.")[:200]


def _problem(message: str) -> InvalidInput:
    return InvalidInput(message, field=FIELD, rule="clip")
