"""Rules of the public catalogue: searching it, a listing's page, saving a listing to one's
workspace, and taking listings down (or back) with the events that tell the workspace.
Never commits: the request or the import run owns the transaction.
"""

from __future__ import annotations

import html
import textwrap
import uuid
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from jobtracker.applications import service as applications
from jobtracker.applications.schemas import MAX_DESCRIPTION_BYTES, ApplicationCreate
from jobtracker.kit.clock import utcnow
from jobtracker.kit.events import raise_event
from jobtracker.kit.pagination import Pagination
from jobtracker.kit.problems import NotFound
from jobtracker.listings.clip import Clipped, clip_page
from jobtracker.listings.models import Listing, Sighting, Source
from jobtracker.listings.repository import MARK_END, MARK_START, ListingRepository
from jobtracker.listings.schemas_catalogue import (
    ListingDetail,
    ListingQuery,
    ListingSalary,
    ListingsRestored,
    ListingsTakenDown,
    ListingSummary,
    SightingRead,
)
from jobtracker.users.service import User

__all__ = ["Clipped", "Listing", "clip_page"]

PLAIN_SNIPPET_CHARS = 240
NAME_CHARS, SALARY_CHARS = 200, 100  # what an application's fields hold


def search_listings(
    session: Session, *, query: ListingQuery, page: Pagination
) -> tuple[list[ListingSummary], int]:
    """One page of the catalogue for these filters, each with a safe HTML snippet, and the
    total. Taken-down listings only when `include_removed`."""
    repository = ListingRepository(session)
    listings, total = repository.search(query, page)
    marked = repository.snippets([listing.id for listing in listings], query.q)
    summaries = [summary(listing, marked.get(listing.id)) for listing in listings]
    return summaries, total


def get_listing(session: Session, *, listing_id: uuid.UUID) -> ListingDetail:
    """A listing with every sighting, taken down or not; an unknown id is NotFound."""
    repository = ListingRepository(session)
    listing = repository.get(listing_id)
    if listing is None:
        raise NotFound("No such listing.")
    sightings = [_sighting(*row) for row in repository.sightings(listing_id)]
    return ListingDetail(
        **summary(listing).model_dump(),
        description_html=listing.description_html, department=listing.department,
        expires_at=listing.expires_at, first_seen_at=listing.first_seen_at,
        last_seen_at=max((s.last_seen_at for s in sightings), default=listing.first_seen_at),
        removed_at=listing.removed_at, sightings=sightings,
    )  # fmt: skip


def saved_application(
    session: Session, *, owner: User, listing_id: uuid.UUID
) -> applications.Application | None:
    """The owner's application saved from this listing, for its page."""
    return applications.for_listing(session, owner=owner, listing_id=listing_id)


def choices(session: Session) -> dict[str, list[str]]:
    """The categories and employment types present, for the search form."""
    repository = ListingRepository(session)
    return {name: repository.values_of(name) for name in ("category", "employment_type")}


def save_listing(
    session: Session, *, owner: User, listing_id: uuid.UUID
) -> tuple[applications.Application, bool]:
    """The owner's application for this listing, created in status `saved` the first time
    (True) and the same one after (False). Saving a taken-down listing shows it closed."""
    listing = ListingRepository(session).get(listing_id)
    if listing is None:
        raise NotFound("No such listing.")
    saved = saved_application(session, owner=owner, listing_id=listing.id)
    if saved is not None:
        return saved, False
    data = ApplicationCreate.model_validate(_application_fields(listing))
    application = applications.create_application(session, owner=owner, data=data)
    if listing.removed_at is not None:
        applications.close_postings(
            session, listing_ids=(listing.id,), closed_at=listing.removed_at
        )
        session.refresh(application)  # a bulk UPDATE leaves the loaded row as it was
    return application, True


def take_down(
    session: Session, listing_ids: Sequence[uuid.UUID], *, now: datetime | None = None
) -> list[uuid.UUID]:
    """Mark listings removed (their sources no longer carry them) and raise ListingsTakenDown
    for those that were live. Returns those; safe to call twice. Sightings are the importer's."""
    changed = ListingRepository(session).take_down(listing_ids, now or utcnow())
    if changed:
        raise_event(session, ListingsTakenDown(tuple(changed)))
    return changed


def restore(session: Session, listing_ids: Sequence[uuid.UUID]) -> list[uuid.UUID]:
    """Bring back listings that came back to a source, and raise ListingsRestored for those
    that were removed. Returns those; safe to call twice."""
    changed = ListingRepository(session).restore(listing_ids)
    if changed:
        raise_event(session, ListingsRestored(tuple(changed)))
    return changed


def summary(listing: Listing, marked: str | None = None) -> ListingSummary:
    """A listing as a search result; `marked` is a passage with MARK_START/MARK_END around
    matches, else the description's beginning is the snippet."""
    snippet = marked_html(marked) if marked else _plain_snippet(listing.description_text)
    return ListingSummary(
        id=listing.id, title=listing.title, company=listing.company,
        locations=location_names(listing.locations), workplace=listing.workplace,
        remote_scope=listing.remote_scope, employment_type=listing.employment_type,
        category=listing.category, skills=list(listing.skills or ()), salary=_salary(listing),
        posted_at=listing.posted_at,
        removed=listing.removed_at is not None, url=listing.url, apply_url=listing.apply_url,
        snippet=snippet,
    )  # fmt: skip


def marked_html(passage: str) -> str:
    """The passage HTML-escaped, its marked matches in <mark>. Splitting on the marks (rather
    than replacing them) keeps the markup balanced even if a mark character was in the text."""
    parts = passage.replace(MARK_END, MARK_START).split(MARK_START)
    return "".join(
        f"<mark>{html.escape(part)}</mark>" if index % 2 else html.escape(part)
        for index, part in enumerate(parts)
    )


def _plain_snippet(text: str) -> str:
    return html.escape(textwrap.shorten(text, PLAIN_SNIPPET_CHARS, placeholder=" …"))


def location_names(locations: Sequence[dict[str, Any]]) -> list[str]:
    """Each location as its source wrote it (else its parsed parts)."""
    names = []
    for location in locations:
        parts = (location.get(key) for key in ("city", "region", "country"))
        name = location.get("raw") or ", ".join(str(part) for part in parts if part)
        if name:
            names.append(str(name))
    return names


def _salary(listing: Listing) -> ListingSalary | None:
    values = (listing.salary_min, listing.salary_max, listing.salary_raw)
    if all(value is None for value in values):
        return None
    return ListingSalary(
        min=_number(listing.salary_min), max=_number(listing.salary_max),
        currency=listing.salary_currency, period=listing.salary_period, raw=listing.salary_raw,
    )  # fmt: skip


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _sighting(sighting: Sighting, source: Source) -> SightingRead:
    return SightingRead(
        source_name=source.name, source_kind=source.kind, external_id=sighting.external_id,
        url=sighting.url, first_seen_at=sighting.first_seen_at,
        last_seen_at=sighting.last_seen_at, removed_at=sighting.removed_at,
    )  # fmt: skip


def _application_fields(listing: Listing) -> dict[str, Any]:
    """A listing as an application's fields, cut to what the application holds."""
    link = listing.apply_url or listing.url
    locations = location_names(listing.locations)
    description = listing.description_text.encode()[:MAX_DESCRIPTION_BYTES]
    return {
        "company": listing.company.strip()[:NAME_CHARS] or "Unknown company",
        "position": listing.title.strip()[:NAME_CHARS] or "Untitled position",
        "location": locations[0][:NAME_CHARS] if locations else None,
        "salary": salary_text(_salary(listing)),
        "job_url": link if link.startswith(("http://", "https://")) else None,
        "job_description": description.decode(errors="ignore") or None,
        "listing_id": listing.id,
    }


def salary_text(salary: ListingSalary | None) -> str | None:
    """The salary as the source wrote it, else (or when too long) a range: "EUR 50,000-70,000
    a year" (with an en dash)."""
    if salary is None:
        return None
    if salary.raw and len(salary.raw) <= SALARY_CHARS:
        return salary.raw
    amounts = [f"{value:,.0f}" for value in (salary.min, salary.max) if value]
    if not amounts:
        return None
    text = "\N{EN DASH}".join(dict.fromkeys(amounts))  # one amount when min and max are the same
    if salary.currency:
        text = f"{salary.currency} {text}"
    return f"{text} a {salary.period}" if salary.period else text
