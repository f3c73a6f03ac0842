"""The importer: what an import run does with what a source adapter yields.

An import run is one durable task (listings/tasks.py) in steps:

1. download the source's pages to files (the adapter; retried with backoff when transient);
2. stage: parse the files as a stream into chunk files of normalised rows (`BATCH` each), and
   count the items that failed validation (the first 100 kept with their reason);
3. apply each chunk in its own step and transaction: new sightings (de-duplicated across sources
   by canonical apply URL, then company + title + location), changed ones (content hash), the
   unchanged ones only seen again; the run's counters move in the same transaction, and a chunk
   already applied is never applied twice (so a worker killed mid-run resumes exactly);
4. finish: on a *complete* fetch of a full-snapshot source, sightings missing from two such
   runs in a row are taken down; windowed sources use expiry dates and the TTL instead.

Kept apart from service.py (the catalogue's rules) so that each file stays small.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy.orm import Session

from jobtracker.kit.text import words
from jobtracker.listings import search
from jobtracker.listings.import_repository import CatalogueWriter
from jobtracker.listings.models import Sighting
from jobtracker.listings.schemas import ItemError, ListingRecord
from jobtracker.listings.service import restore, take_down
from jobtracker.listings.sources.base import InvalidFeed, SourceAdapter

BATCH = 1000
MISSES_TO_REMOVE = 2  # complete fetches in a row without a posting before it is removed
MAX_ITEM_ERRORS = 100
DATE_FIELDS = ("posted_at", "source_updated_at", "expires_at")
MONEY_FIELDS = ("salary_min", "salary_max")


@dataclass
class Staged:
    chunks: list[Path] = field(default_factory=list)
    fetched: int = 0
    failed: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    complete: bool = True
    problem: str | None = None


def stage(adapter: SourceAdapter, files: list[Path], folder: Path) -> Staged:
    """Parse the downloaded files into chunk files of rows; a broken document stops the parse
    and makes the run incomplete (what was read before still counts)."""
    staged = Staged()
    batch: list[dict[str, Any]] = []
    try:
        for item in adapter.parse(files):
            staged.fetched += 1
            if isinstance(item, ItemError):
                _record_error(staged, item)
                continue
            batch.append(row_of(item))
            if len(batch) == BATCH:
                staged.chunks.append(_write_chunk(folder, len(staged.chunks), batch))
                batch = []
    except InvalidFeed as broken:
        staged.complete, staged.problem = False, str(broken)
    if batch:
        staged.chunks.append(_write_chunk(folder, len(staged.chunks), batch))
    return staged


def _record_error(staged: Staged, error: ItemError) -> None:
    staged.failed += 1
    if len(staged.errors) < MAX_ITEM_ERRORS:
        staged.errors.append({"external_id": error.external_id, "reason": error.reason})


def row_of(record: ListingRecord) -> dict[str, Any]:
    """A normalised record as the columns of a listing (plus its sighting's keys)."""
    salary = record.salary
    company = record.company or ""
    locations = [_location(location) for location in record.locations]
    return {
        "external_id": str(record.external_id), "url": record.url,
        "apply_url": record.apply_url, "title": record.title, "company": company,
        "company_key": " ".join(words(company)),
        "locations": locations,
        "location_text": " ".join(" ".join(words(loc["raw"])) for loc in locations),
        "workplace": str(record.workplace), "remote_scope": record.remote_scope,
        "employment_type": str(record.employment_type), "department": record.department,
        "category": str(record.category), "skills": [],
        "description_html": record.description_html,
        "description_text": record.description_text,
        "salary_min": salary.min if salary else None, "salary_max": salary.max if salary else None,
        "salary_currency": salary.currency if salary else None,
        "salary_period": salary.period if salary else None,
        "salary_raw": salary.raw if salary else None,
        "posted_at": record.posted.value if record.posted else None,
        "posted_precision": str(record.posted.precision) if record.posted else None,
        "source_updated_at": record.updated.value if record.updated else None,
        "expires_at": record.expires.value if record.expires else None,
        "content_hash": record.content_hash,
        "canonical_url": canonical_url(record.apply_url or record.url),
        "dedupe_key": dedupe_key(company, record.title, locations),
    }  # fmt: skip


def _location(location: Any) -> dict[str, Any]:
    return {name: getattr(location, name) for name in ("raw", "city", "region", "country")}


def canonical_url(url: str | None) -> str | None:
    """The apply URL without what differs between copies of one posting: scheme, "www.",
    query (tracking parameters), fragment and a trailing slash."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().removeprefix("www.")
    return urlunsplit(("", host, parts.path.rstrip("/"), "", "")).lstrip("/") or None


def dedupe_key(company: str, title: str, locations: list[dict[str, Any]]) -> str:
    place = locations[0].get("city") or locations[0]["raw"] if locations else ""
    folded = "|".join(" ".join(words(part or "")) for part in (company, title, place))
    return hashlib.sha256(folded.encode()).hexdigest()


def _write_chunk(folder: Path, number: int, rows: list[dict[str, Any]]) -> Path:
    path = folder / f"chunk-{number:05d}.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, default=_plain, ensure_ascii=False))
            out.write("\n")
    return path


def read_chunk(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            yield _typed(json.loads(line))


def _plain(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return str(value)


def _typed(row: dict[str, Any]) -> dict[str, Any]:
    for name in DATE_FIELDS:
        if row[name] is not None:
            row[name] = datetime.fromisoformat(row[name])
    for name in MONEY_FIELDS:
        if row[name] is not None:
            row[name] = Decimal(row[name])
    return row


def chunked(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


@dataclass
class ChunkPlan:
    """What one chunk changes, decided before any write."""

    new_listings: list[dict[str, Any]] = field(default_factory=list)
    new_sightings: list[dict[str, Any]] = field(default_factory=list)
    changed_listings: list[dict[str, Any]] = field(default_factory=list)
    changed_sightings: list[dict[str, Any]] = field(default_factory=list)
    seen_sightings: list[uuid.UUID] = field(default_factory=list)
    seen_listings: list[uuid.UUID] = field(default_factory=list)
    restored: list[uuid.UUID] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: {"new": 0, "updated": 0, "unchanged": 0})


LISTING_COLUMNS = (
    "url", "apply_url", "title", "company", "company_key", "locations", "location_text",
    "workplace", "remote_scope", "employment_type", "department", "category", "skills",
    "description_html", "description_text", "salary_min", "salary_max", "salary_currency",
    "salary_period", "salary_raw", "posted_at", "posted_precision", "source_updated_at",
    "expires_at", "content_hash", "canonical_url", "dedupe_key",
)  # fmt: skip


def apply_chunk(
    session: Session, *, source_id: uuid.UUID, rows: list[dict[str, Any]], now: datetime
) -> dict[str, int]:
    """Store one chunk: new, changed and unchanged sightings in a few bulk statements."""
    writer = CatalogueWriter(session)
    unique = {row["external_id"]: row for row in rows}  # a repeated id: the last copy wins
    known = writer.sightings_of(source_id, list(unique))
    plan = ChunkPlan()
    fresh = [row for external_id, row in unique.items() if external_id not in known]
    matches = _matches(writer, source_id, fresh)
    for external_id, row in unique.items():
        sighting = known.get(external_id)
        if sighting is None:
            _plan_new(plan, source_id, row, matches, now)
        else:
            _plan_known(plan, sighting, row, now)
    _write(writer, plan, now)
    return plan.counts


def _matches(
    writer: CatalogueWriter, source_id: uuid.UUID, rows: list[dict[str, Any]]
) -> dict[str, uuid.UUID]:
    """Listings other sources hold, by canonical URL and by key (URL first)."""
    urls = [row["canonical_url"] for row in rows if row["canonical_url"]]
    keys = [row["dedupe_key"] for row in rows]
    found: dict[str, uuid.UUID] = {}
    for listing_id, url, key in writer.matching_listings(source_id, urls, keys) if rows else ():
        found.setdefault(f"k:{key}", listing_id)
        if url:
            found[f"u:{url}"] = listing_id
    return found


def _plan_new(
    plan: ChunkPlan,
    source_id: uuid.UUID,
    row: dict[str, Any],
    matches: dict[str, uuid.UUID],
    now: datetime,
) -> None:
    url_key, key = f"u:{row['canonical_url']}", f"k:{row['dedupe_key']}"
    listing_id = matches.get(url_key) if row["canonical_url"] else None
    listing_id = listing_id or matches.get(key)
    if listing_id is None:
        listing_id = uuid.uuid4()
        plan.new_listings.append({
            "id": listing_id, **{name: row[name] for name in LISTING_COLUMNS},
            "first_seen_at": now, "last_seen_at": now, "created_at": now, "updated_at": now,
        })  # fmt: skip
    else:
        plan.seen_listings.append(listing_id)
        plan.restored.append(listing_id)
    plan.new_sightings.append({
        "id": uuid.uuid4(), "listing_id": listing_id, "source_id": source_id,
        "external_id": row["external_id"], "url": row["url"], "content_hash": row["content_hash"],
        "first_seen_at": now, "last_seen_at": now, "missed_runs": 0,
    })  # fmt: skip
    plan.counts["new"] += 1


def _plan_known(plan: ChunkPlan, sighting: Sighting, row: dict[str, Any], now: datetime) -> None:
    if sighting.removed_at is not None:
        plan.restored.append(sighting.listing_id)
    if sighting.content_hash == row["content_hash"]:
        plan.seen_sightings.append(sighting.id)
        plan.seen_listings.append(sighting.listing_id)
        plan.counts["unchanged"] += 1
        return
    plan.changed_sightings.append({
        "id": sighting.id, "content_hash": row["content_hash"], "url": row["url"],
        "last_seen_at": now, "missed_runs": 0, "removed_at": None,
    })  # fmt: skip
    plan.changed_listings.append({
        "id": sighting.listing_id, **{name: row[name] for name in LISTING_COLUMNS},
        "last_seen_at": now, "updated_at": now,
    })  # fmt: skip
    plan.counts["updated"] += 1


def _write(writer: CatalogueWriter, plan: ChunkPlan, now: datetime) -> None:
    writer.insert_listings(plan.new_listings)
    writer.insert_sightings(plan.new_sightings)
    writer.update_listings(plan.changed_listings)
    writer.update_sightings(plan.changed_sightings)
    writer.seen(plan.seen_sightings, now)
    writer.listings_seen(plan.seen_listings, now)
    reindex = [row["id"] for row in plan.new_listings + plan.changed_listings]
    search.index_listings(writer.session, writer.listings(reindex))
    if plan.restored:
        restore(writer.session, plan.restored)


def finish_snapshot(
    session: Session, *, source_id: uuid.UUID, run_started: datetime, now: datetime
) -> int:
    """After a complete fetch of a full-snapshot source: one more miss for every sighting it
    did not carry; the ones missed twice in a row are removed. Returns listings taken down."""
    writer = CatalogueWriter(session)
    writer.missed(source_id, run_started)
    gone = writer.remove_missed(source_id, MISSES_TO_REMOVE, now)
    return take_down_orphans(session, gone)


def seen_again(session: Session, *, source_id: uuid.UUID, now: datetime) -> None:
    """A 304: every posting the last complete fetch carried is carried again."""
    CatalogueWriter(session).seen_again(source_id, now)


def expire_windowed(
    session: Session, *, source_id: uuid.UUID, now: datetime, ttl: timedelta
) -> int:
    """Windowed feeds: absence proves nothing; expiry dates and the TTL decide."""
    writer = CatalogueWriter(session)
    gone = writer.remove_expired(source_id, now)
    gone += writer.remove_unseen(source_id, since=now - ttl, now=now)
    return take_down_orphans(session, gone)


def take_down_gone(session: Session, *, sighting_ids: list[uuid.UUID], now: datetime) -> int:
    """Postings whose own page answered 404 or 410: their sightings are removed."""
    if not sighting_ids:
        return 0
    writer = CatalogueWriter(session)
    gone: list[uuid.UUID] = []
    for source_id in writer.sources_of(sighting_ids):
        gone += writer.remove_these(source_id, sighting_ids, now)
    return take_down_orphans(session, gone)


def take_down_orphans(session: Session, listing_ids: list[uuid.UUID]) -> int:
    """Take down the listings among these whose every sighting is removed; returns how many
    (the workspace hears of it: saved applications show "posting closed")."""
    orphans = CatalogueWriter(session).orphaned(list(set(listing_ids)))
    return len(take_down(session, orphans)) if orphans else 0
