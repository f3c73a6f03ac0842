"""Listings for the catalogue's tests: rows inserted as an import would leave them (a source, a
sighting each, the full-text index written by `search.index_listings`)."""

from __future__ import annotations

import html
import uuid
from datetime import datetime, timedelta
from decimal import Decimal
from itertools import count
from typing import Any

from sqlalchemy.orm import Session

from jobtracker.kit.clock import utcnow
from jobtracker.kit.text import fold
from jobtracker.listings import search
from jobtracker.listings.models import Listing, Sighting, Source

_numbers = count(1)


class Catalogue:
    """Adds listings to the test's database; `add` returns the listing, already indexed."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.sources: dict[str, Source] = {}

    def source(self, name: str = "Acme board", kind: str = "greenhouse") -> Source:
        if name not in self.sources:
            source = Source(kind=kind, name=name, config={"board": fold(name).replace(" ", "")})
            self.session.add(source)
            self.session.flush()
            self.sources[name] = source
        return self.sources[name]

    def add(
        self,
        title: str = "Backend Engineer",
        company: str = "Acme",
        *,
        description: str = "Build and run our services.",
        locations: tuple[str, ...] = ("Berlin, Germany",),
        sources: tuple[str, ...] = ("Acme board",),
        posted_days_ago: int | None = 1,
        salary: tuple[int | None, int | None, str | None, str | None] | None = None,
        **fields: Any,
    ) -> Listing:
        """A listing with these values (anything else a Listing column takes goes in `fields`),
        one sighting per source named, indexed for search."""
        number = next(_numbers)
        listing = Listing(**{**_values(number, title, company, description, locations), **fields})
        if posted_days_ago is not None:
            listing.posted_at = utcnow() - timedelta(days=posted_days_ago)
        if salary:
            low, high, currency, period = salary
            listing.salary_min = Decimal(low) if low is not None else None
            listing.salary_max = Decimal(high) if high is not None else None
            listing.salary_currency, listing.salary_period = currency, period
        self.session.add(listing)
        self.session.flush()
        for name in sources:
            self._sighting(listing, self.source(name), number)
        search.index_listings(self.session, [listing])
        return listing

    def _sighting(self, listing: Listing, source: Source, number: int) -> None:
        sighting = Sighting(
            listing_id=listing.id, source_id=source.id, external_id=f"{source.kind}-{number}",
            url=f"https://{source.kind}.example.com/jobs/{number}", content_hash="h",
        )  # fmt: skip
        self.session.add(sighting)
        self.session.flush()


def _values(
    number: int, title: str, company: str, description: str, locations: tuple[str, ...]
) -> dict[str, Any]:
    # Plain text made into safe HTML by escaping it: what nh3 would leave of a clean description.
    return {
        "id": uuid.uuid4(), "title": title, "company": company, "company_key": fold(company),
        "locations": [{"raw": raw, "city": raw.split(",")[0]} for raw in locations],
        "location_text": fold(" | ".join(locations)),
        "description_html": f"<p>{html.escape(description)}</p>",
        "description_text": description,
        "url": f"https://jobs.example.com/{number}",
        "apply_url": f"https://jobs.example.com/{number}/apply",
        "dedupe_key": f"key-{number}", "content_hash": f"hash-{number}",
    }  # fmt: skip


def days_ago(days: int) -> datetime:
    return utcnow() - timedelta(days=days)
