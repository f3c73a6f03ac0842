"""SQL of the import side: sources, import runs, and the bulk writes of listings and sightings.

Reads of the public catalogue are in repository.py. Writes here work on whole chunks (one query
per kind of change, never one per listing) because a run may carry a hundred thousand items.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Select, Table, func, insert, or_, select, update

from jobtracker.kit.bulk import execute_many
from jobtracker.kit.repository import Repository
from jobtracker.listings.models import ImportRun, Listing, RunStatus, Sighting, Source

LISTINGS = cast(Table, Listing.__table__)
SIGHTINGS = cast(Table, Sighting.__table__)


class SourceRepository(Repository[Source]):
    model = Source

    def ordered(self) -> Select[Source]:
        return self.select().order_by(Source.name, Source.id)

    def by_name(self, name: str) -> Source | None:
        return self.one_or_none(self.select().where(Source.name == name))

    def enabled(self) -> list[Source]:
        return list(self.session.scalars(self.select().where(Source.enabled)))


class ImportRunRepository(Repository[ImportRun]):
    model = ImportRun

    def search(
        self, *, source_id: uuid.UUID | None, statuses: Sequence[RunStatus]
    ) -> Select[ImportRun]:
        statement = self.select()
        if source_id:
            statement = statement.where(ImportRun.source_id == source_id)
        if statuses:
            statement = statement.where(ImportRun.status.in_(statuses))
        return statement.order_by(ImportRun.started_at.desc(), ImportRun.id)

    def in_progress(self) -> list[ImportRun]:
        active = (RunStatus.QUEUED, RunStatus.RUNNING)
        return list(self.session.scalars(self.search(source_id=None, statuses=active)))

    def last_complete(self, source_id: uuid.UUID, *, before: datetime) -> datetime | None:
        """When the source's last complete fetch before `before` started (a 304 counts: it
        said the complete fetch before it still held)."""
        statement = select(func.max(ImportRun.started_at)).where(
            ImportRun.source_id == source_id,
            ImportRun.complete,
            ImportRun.status.in_((RunStatus.SUCCEEDED, RunStatus.NOT_MODIFIED)),
            ImportRun.started_at < before,
        )
        started: datetime | None = self.session.scalar(statement)
        return started

    def lock(self, run_id: uuid.UUID) -> ImportRun | None:
        """The run, locked until the transaction ends (PostgreSQL; SQLite's writer is alone)."""
        return self.one_or_none(self.select().where(ImportRun.id == run_id).with_for_update())

    def add_chunk(self, run: ImportRun, counts: dict[str, int], values: dict[str, Any]) -> None:
        """A chunk's counts added to the run's, with its other `values` (chunks_done, ...)."""
        sums = {name: getattr(ImportRun, name) + count for name, count in counts.items()}
        self.session.execute(
            update(ImportRun).where(ImportRun.id == run.id).values(**sums, **values)
        )


class CatalogueWriter:
    """Bulk reads and writes of listings and sightings for one chunk of an import run."""

    def __init__(self, session: Any) -> None:
        self.session = session

    def sightings_of(
        self, source_id: uuid.UUID, external_ids: Sequence[str]
    ) -> dict[str, Sighting]:
        statement = select(Sighting).where(
            Sighting.source_id == source_id, Sighting.external_id.in_(external_ids)
        )
        return {row.external_id: row for row in self.session.scalars(statement)}

    def matching_listings(
        self, source_id: uuid.UUID, urls: Sequence[str], keys: Sequence[str]
    ) -> list[tuple[uuid.UUID, str | None, str]]:
        """Listings that other sources hold with the same canonical URL or the same key. Never
        one this source holds already: within a source, only the external id says "same"."""
        # Correlated, so it is asked only of the few candidates (an index on listing_id), not
        # of every sighting the source holds.
        own = select(Sighting.id).where(
            Sighting.listing_id == Listing.id, Sighting.source_id == source_id
        )
        statement = select(Listing.id, Listing.canonical_url, Listing.dedupe_key).where(
            or_(Listing.canonical_url.in_(urls), Listing.dedupe_key.in_(keys)), ~own.exists()
        )
        return [(row[0], row[1], row[2]) for row in self.session.execute(statement)]

    def insert_listings(self, rows: list[dict[str, Any]]) -> None:
        """The driver's executemany (kit/bulk.py): the ORM's bulk path, and Core's, cost more
        than the rows. The rows may hold more than the table's columns."""
        self._insert(LISTINGS, rows)

    def insert_sightings(self, rows: list[dict[str, Any]]) -> None:
        self._insert(SIGHTINGS, rows)

    def _insert(self, table: Table, rows: list[dict[str, Any]]) -> None:
        if rows:
            keys = [column.key for column in table.columns if column.key in rows[0]]
            execute_many(self.session.connection(), insert(table), rows, keys)

    def update_listings(self, rows: list[dict[str, Any]]) -> None:
        """Bulk UPDATE by primary key: each row holds `id` and the new values."""
        if rows:
            self.session.execute(update(Listing), rows)

    def update_sightings(self, rows: list[dict[str, Any]]) -> None:
        if rows:
            self.session.execute(update(Sighting), rows)

    def fingerprints(self, source_id: uuid.UUID) -> set[str]:
        """The fingerprints of the postings the source's live sightings were read from."""
        statement = select(Sighting.fingerprint).where(
            Sighting.source_id == source_id,
            Sighting.removed_at.is_(None),
            Sighting.fingerprint.is_not(None),
        )
        return set(self.session.scalars(statement))

    def seen_again_unread(self, fingerprints: Sequence[str], now: datetime) -> None:
        """The live sightings read from these fingerprints are seen now (their postings came
        again, byte for byte, and were not read again)."""
        # No `source_id =` here: a fingerprint names its source already (the source's name is
        # in the adapter's identity), and the condition would steer SQLite's planner to scan
        # the source's sightings instead of looking the fingerprints up.
        if fingerprints:
            self.session.execute(
                update(Sighting)
                .where(Sighting.fingerprint.in_(fingerprints), Sighting.removed_at.is_(None))
                .values(last_seen_at=now, missed_runs=0)
            )

    def seen_again(self, source_id: uuid.UUID, *, since: datetime, now: datetime) -> None:
        """The sightings the fetch that started at `since` carried are seen now."""
        self.session.execute(
            update(Sighting)
            .where(
                Sighting.source_id == source_id,
                Sighting.last_seen_at >= since,
                Sighting.removed_at.is_(None),
            )
            .values(last_seen_at=now)
        )

    def missed(self, source_id: uuid.UUID, since: datetime) -> None:
        """One more complete fetch that did not carry these sightings."""
        self.session.execute(
            update(Sighting)
            .where(
                Sighting.source_id == source_id,
                Sighting.last_seen_at < since,
                Sighting.removed_at.is_(None),
            )
            .values(missed_runs=Sighting.missed_runs + 1)
        )

    def remove_missed(self, source_id: uuid.UUID, misses: int, now: datetime) -> list[uuid.UUID]:
        """Sightings missing from `misses` complete fetches in a row; returns their listings."""
        return self._remove(source_id, Sighting.missed_runs >= misses, now)

    def remove_expired(self, source_id: uuid.UUID, now: datetime) -> list[uuid.UUID]:
        """Sightings of listings whose expiry date has passed."""
        expired = select(Listing.id).where(Listing.expires_at < now).scalar_subquery()
        return self._remove(source_id, Sighting.listing_id.in_(expired), now)

    def remove_unseen(
        self, source_id: uuid.UUID, *, since: datetime, now: datetime
    ) -> list[uuid.UUID]:
        """Sightings not seen since `since` (the TTL of windowed feeds)."""
        return self._remove(source_id, Sighting.last_seen_at < since, now)

    def remove_these(
        self, source_id: uuid.UUID, sighting_ids: Sequence[uuid.UUID], now: datetime
    ) -> list[uuid.UUID]:
        return self._remove(source_id, Sighting.id.in_(sighting_ids), now)

    def _remove(
        self, source_id: uuid.UUID, statement_filter: Any, now: datetime
    ) -> list[uuid.UUID]:
        """Mark the matching live sightings removed; returns their listings."""
        condition = (
            Sighting.source_id == source_id,
            Sighting.removed_at.is_(None),
            statement_filter,
        )
        listing_ids = list(self.session.scalars(select(Sighting.listing_id).where(*condition)))
        self.session.execute(update(Sighting).where(*condition).values(removed_at=now))
        return listing_ids

    def orphaned(self, listing_ids: Sequence[uuid.UUID]) -> list[uuid.UUID]:
        """Of these listings, the live ones with no live sighting left."""
        live = select(Sighting.listing_id).where(Sighting.removed_at.is_(None))
        statement = select(Listing.id).where(
            Listing.id.in_(listing_ids), Listing.removed_at.is_(None), Listing.id.not_in(live)
        )
        return list(self.session.scalars(statement))

    def to_check(self, kinds: Sequence[str], limit: int) -> list[tuple[uuid.UUID, str]]:
        """Live sightings of windowed sources, the longest unchecked first: (id, url)."""
        statement = (
            select(Sighting.id, Sighting.url)
            .join(Source, Source.id == Sighting.source_id)
            .where(Source.kind.in_(kinds), Sighting.removed_at.is_(None))
            .order_by(Sighting.checked_at.asc().nulls_first(), Sighting.id)
            .limit(limit)
        )
        return [(row[0], row[1]) for row in self.session.execute(statement)]

    def sources_of(self, sighting_ids: Sequence[uuid.UUID]) -> list[uuid.UUID]:
        statement = select(Sighting.source_id).where(Sighting.id.in_(sighting_ids)).distinct()
        return list(self.session.scalars(statement))

    def checked(self, sighting_ids: Sequence[uuid.UUID], now: datetime) -> None:
        if sighting_ids:
            self.session.execute(
                update(Sighting).where(Sighting.id.in_(sighting_ids)).values(checked_at=now)
            )

    def count_live(self) -> int:
        return int(
            self.session.scalar(
                select(func.count()).select_from(Listing).where(Listing.removed_at.is_(None))
            )
            or 0
        )
