"""The importer: what an import run does with what a source adapter yields.

An import run is one durable task (listings/tasks.py) in steps:

1. download the source's pages to files (the adapter; retried with backoff when transient);
2. import (reading.py): parse the files as a stream into chunks of normalised rows, reading
   only the postings whose bytes changed since they were last read and counting the items that
   failed validation (the first 100 kept with their reason), and apply each chunk as soon as it
   is read, in its own transaction (`apply_run_chunk`): new sightings (de-duplicated across
   sources by canonical apply URL, then company + title + location), changed ones (content
   hash), the unchanged ones only seen again. The run's counters and `chunks_done` move in the
   same transaction, so a chunk is never applied twice and a worker killed mid-run resumes at
   the first chunk it had not applied;
3. finish: on a *complete* fetch of a full-snapshot source, sightings missing from two such
   runs in a row are taken down; windowed sources use expiry dates and the TTL instead.

Kept apart from service.py (the catalogue's rules) so that each file stays small.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from jobtracker.kit.clock import utcnow
from jobtracker.listings import search
from jobtracker.listings.import_repository import CatalogueWriter, ImportRunRepository
from jobtracker.listings.matching import Matcher, Matches
from jobtracker.listings.models import Sighting
from jobtracker.listings.reading import MAX_ITEM_ERRORS, Chunk
from jobtracker.listings.service import restore, take_down

MISSES_TO_REMOVE = 2  # complete fetches in a row without a posting before it is removed


@dataclass
class ChunkPlan:
    """What one chunk changes, decided before any write."""

    ids: Iterator[uuid.UUID]  # for the new listings and sightings
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


def import_chunks(
    transaction: Callable[[], AbstractContextManager[Session]],
    *,
    run_id: uuid.UUID,
    source_id: uuid.UUID,
    chunks: Iterable[Chunk],
) -> bool:
    """Apply a run's chunks as they come, each in a `transaction()` of its own; True when the
    document was read to its end."""
    matcher, complete = Matcher(source_id), True
    for chunk in chunks:
        with transaction() as session:
            apply_run_chunk(session, run_id=run_id, chunk=chunk, now=utcnow(), matcher=matcher)
        complete = complete and chunk.problem is None
    return complete


def apply_run_chunk(
    session: Session, *, run_id: uuid.UUID, chunk: Chunk, now: datetime, matcher: Matcher
) -> bool:
    """Apply one chunk of a run, its counts and its errors, in the caller's transaction; False
    when the run applied it already (a run resumed after a crash) and nothing was done."""
    runs = ImportRunRepository(session)
    run = runs.lock(run_id)
    if run is None or run.chunks_done > chunk.index:
        return False
    counts = apply_chunk(
        session, source_id=run.source_id, rows=chunk.rows, seen=chunk.seen, now=now,
        matcher=matcher,
    )  # fmt: skip
    values: dict[str, Any] = {"chunks_done": chunk.index + 1}
    if chunk.errors and len(run.item_errors) < MAX_ITEM_ERRORS:
        values["item_errors"] = [*run.item_errors, *chunk.errors][:MAX_ITEM_ERRORS]
    if chunk.problem:
        values["error"] = chunk.problem
    counts.update(fetched=chunk.outcomes, failed=chunk.failed)
    runs.add_chunk(run, counts, values)
    return True


def apply_chunk(
    session: Session,
    *,
    source_id: uuid.UUID,
    rows: list[dict[str, Any]],
    now: datetime,
    seen: Sequence[str] = (),
    matcher: Matcher | None = None,
) -> dict[str, int]:
    """Store one chunk: new, changed and unchanged sightings in a few bulk statements; `seen`
    are the fingerprints of postings not read again (the same bytes). `matcher` is the run's
    (a new one otherwise)."""
    writer = CatalogueWriter(session)
    unique = {row["external_id"]: row for row in rows}  # a repeated id: the last copy wins
    known = writer.sightings_of(source_id, list(unique))
    writer.seen_again_unread(seen, now)
    fresh = [row for external_id, row in unique.items() if external_id not in known]
    matches = (matcher or Matcher(source_id)).find(writer, fresh)
    plan = ChunkPlan(ids=_new_ids(2 * len(fresh)))
    plan.counts["unchanged"] = len(seen)
    for external_id, row in unique.items():
        sighting = known.get(external_id)
        if sighting is None:
            _plan_new(plan, source_id, row, matches, now)
        else:
            _plan_known(plan, sighting, row, now)
    _write(writer, plan, now)
    return plan.counts


def _plan_new(
    plan: ChunkPlan,
    source_id: uuid.UUID,
    row: dict[str, Any],
    matches: Matches,
    now: datetime,
) -> None:
    listing_id = matches.take(row)
    if listing_id is None:
        # The row becomes the listing's (insert_listings takes only the listing's columns).
        listing_id = next(plan.ids)
        row.update(id=listing_id, first_seen_at=now, created_at=now, updated_at=now)
        plan.new_listings.append(row)
    else:
        plan.restored.append(listing_id)
    plan.new_sightings.append({
        "id": next(plan.ids), "listing_id": listing_id, "source_id": source_id,
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


def _new_ids(count: int) -> Iterator[uuid.UUID]:
    """UUIDs of version 7 (RFC 9562: the time in milliseconds, then random bits), in
    increasing order. A chunk's new rows then land side by side at the end of each index on an
    id (listings, sightings, sightings by listing) instead of on a random page each, which
    every commit would write again (measured: benchmarks/README.md)."""
    stamp = int(time.time() * 1000) << 80 | 0x7 << 76 | 0x2 << 62  # time, version, variant
    entropy = os.urandom(10 * count)  # one read, not one per id
    tails = sorted(int.from_bytes(entropy[at : at + 10]) >> 6 for at in range(0, 10 * count, 10))
    return (uuid.UUID(int=stamp | (tail >> 62) << 64 | (tail & _LOW)) for tail in tails)


_LOW = (1 << 62) - 1


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
