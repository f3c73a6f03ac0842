"""The importer: what an import run does with what a source adapter yields.

An import run is one durable task (listings/tasks.py) in steps:

1. download the source's pages to files (the adapter; retried with backoff when transient);
2. stage (staging.py): parse the files as a stream into chunk files of normalised rows, reading
   only the postings whose bytes changed since they were last read, and count the items that
   failed validation (the first 100 kept with their reason);
3. apply each chunk in its own step and transaction: new sightings (de-duplicated across sources
   by canonical apply URL, then company + title + location), changed ones (content hash), the
   unchanged ones only seen again; the run's counters move in the same transaction, and a chunk
   already applied is never applied twice (so a worker killed mid-run resumes exactly);
4. finish: on a *complete* fetch of a full-snapshot source, sightings missing from two such
   runs in a row are taken down; windowed sources use expiry dates and the TTL instead.

Kept apart from service.py (the catalogue's rules) so that each file stays small.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from jobtracker.listings import search
from jobtracker.listings.import_repository import CatalogueWriter
from jobtracker.listings.models import Sighting
from jobtracker.listings.service import restore, take_down

MISSES_TO_REMOVE = 2  # complete fetches in a row without a posting before it is removed


@dataclass
class ChunkPlan:
    """What one chunk changes, decided before any write."""

    new_listings: list[dict[str, Any]] = field(default_factory=list)
    new_sightings: list[dict[str, Any]] = field(default_factory=list)
    changed_listings: list[dict[str, Any]] = field(default_factory=list)
    changed_sightings: list[dict[str, Any]] = field(default_factory=list)
    reread_sightings: list[dict[str, Any]] = field(default_factory=list)  # new bytes, same content
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
    session: Session,
    *,
    source_id: uuid.UUID,
    rows: list[dict[str, Any]],
    now: datetime,
    seen: Sequence[str] = (),
) -> dict[str, int]:
    """Store one chunk: new, changed and unchanged sightings in a few bulk statements; `seen`
    are the fingerprints of postings staging did not read again (the same bytes)."""
    writer = CatalogueWriter(session)
    unique = {row["external_id"]: row for row in rows}  # a repeated id: the last copy wins
    known = writer.sightings_of(source_id, list(unique))
    plan = ChunkPlan()
    plan.counts["unchanged"] = len(seen)
    writer.seen_again_unread(seen, now)
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
            "first_seen_at": now, "created_at": now, "updated_at": now,
        })  # fmt: skip
    else:
        plan.restored.append(listing_id)
    plan.new_sightings.append({
        "id": uuid.uuid4(), "listing_id": listing_id, "source_id": source_id,
        "external_id": row["external_id"], "url": row["url"], "content_hash": row["content_hash"],
        "fingerprint": row["fingerprint"], "first_seen_at": now, "last_seen_at": now,
        "missed_runs": 0,
    })  # fmt: skip
    plan.counts["new"] += 1


def _plan_known(plan: ChunkPlan, sighting: Sighting, row: dict[str, Any], now: datetime) -> None:
    if sighting.removed_at is not None:
        plan.restored.append(sighting.listing_id)
    seen = {"id": sighting.id, "fingerprint": row["fingerprint"], "last_seen_at": now,
            "missed_runs": 0, "removed_at": None}  # fmt: skip
    if sighting.content_hash == row["content_hash"]:
        plan.reread_sightings.append(seen)
        plan.counts["unchanged"] += 1
        return
    plan.changed_sightings.append({**seen, "content_hash": row["content_hash"], "url": row["url"]})
    plan.changed_listings.append({
        "id": sighting.listing_id, **{name: row[name] for name in LISTING_COLUMNS},
        "updated_at": now,
    })  # fmt: skip
    plan.counts["updated"] += 1


def _write(writer: CatalogueWriter, plan: ChunkPlan, now: datetime) -> None:
    writer.insert_listings(plan.new_listings)
    writer.insert_sightings(plan.new_sightings)
    writer.update_listings(plan.changed_listings)
    writer.update_sightings(plan.changed_sightings)
    writer.update_sightings(plan.reread_sightings)
    search.index_rows(writer.session, plan.new_listings, replace=False)
    search.index_rows(writer.session, plan.changed_listings, replace=True)
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


def seen_again(
    session: Session, *, source_id: uuid.UUID, last_complete: datetime | None, now: datetime
) -> None:
    """Nothing changed (a 304, or the very bytes of the last fetch): every posting the last
    complete fetch (started at `last_complete`) carried is carried again."""
    if last_complete is not None:
        CatalogueWriter(session).seen_again(source_id, since=last_complete, now=now)


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
