"""Reading, the heart of an import run: the downloaded files become chunks of rows, in order.

The adapter streams the files into postings (`SourceAdapter.postings`); `BATCH` postings in a
row make one chunk. A posting whose fingerprint (its bytes, its context, the adapter's identity)
is the one a live sighting of this source was read from is not read again: the chunk only says
that fingerprint was seen. The others are read (`SourceAdapter.read`: validation, normalisation)
into rows. Reading is most of the cost of a new feed and each chunk is independent, so a feed
of more than one chunk is read by a pool of processes while this one goes on parsing and the
caller applies the chunks already read (listings/tasks.py): the two overlap. Chunks are
numbered by their position in the feed, so a run that starts again after a crash knows which
ones it applied (`skip`) and parses past them without reading them.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import sys
import threading
import time
from collections import deque
from collections.abc import Generator, Iterator, Set
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from jobtracker.kit.text import words
from jobtracker.listings.schemas import ItemError, ListingRecord
from jobtracker.listings.sources.base import InvalidFeed, Posting, SourceAdapter

BATCH = 2000  # a transaction each: fewer, larger commits cost less (benchmarks/README.md)
MAX_ITEM_ERRORS = 100
AHEAD = 2  # chunks read ahead of the one in hand, per reader: a few MB each
Known = Set[str]  # the fingerprints the source's live sightings were read from


@dataclass
class Chunk:
    """`BATCH` postings in a row, read: what one transaction applies."""

    index: int  # its position in the feed: 0, 1, ...
    rows: list[dict[str, Any]] = field(default_factory=list)
    seen: list[str] = field(default_factory=list)  # fingerprints of postings not read again
    outcomes: int = 0  # what its postings gave: rows, item errors, postings seen
    failed: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)  # the first MAX_ITEM_ERRORS
    problem: str | None = None  # the document broke here: no chunk follows

    def __getstate__(self) -> dict[str, Any]:
        """Rows cross from a reader as tuples of their values, with the keys once (every row
        comes from `row_of`): half the pickling of dicts, which the reader, the slower side of
        an import, would pay."""
        keys = tuple(self.rows[0]) if self.rows else ()
        return {**vars(self), "keys": keys, "rows": [tuple(row.values()) for row in self.rows]}

    def __setstate__(self, state: dict[str, Any]) -> None:
        keys = state.pop("keys")
        state["rows"] = [dict(zip(keys, values, strict=True)) for values in state["rows"]]
        vars(self).update(state)


@dataclass
class ChunkJob:
    """One chunk to read: what a pool process receives."""

    adapter: SourceAdapter
    index: int
    postings: list[tuple[str, Posting]] = field(default_factory=list)  # (fingerprint, posting)
    seen: list[str] = field(default_factory=list)
    problem: str | None = None


def read_chunks(
    adapter: SourceAdapter,
    files: list[Path],
    *,
    known: Known,
    readers: int = 0,
    skip: int = 0,
) -> Generator[Chunk, None, None]:
    """The files' chunks in order. The first `skip` chunks (applied already) come empty, unread.
    A broken document ends the chunks with one whose `problem` says why (what came before
    stays good). With `readers`, that many processes read the chunks, once the feed proves
    longer than one chunk, a few chunks ahead of the one the caller has in hand; with none,
    this process reads them. Close the iterator when done with it early (it holds the pool)."""
    pool: Executor | None = None
    pending: deque[Future[Chunk]] = deque()
    ahead = AHEAD * max(readers, 1)
    try:
        for job in _jobs(adapter, files, known, skip):
            if readers and job.index > 0 and job.postings:
                # Past the first chunk (a small feed never pays for a pool), when it has
                # postings to read.
                pool = pool or _pool(readers)
                pending.append(pool.submit(read_job, job))
            else:
                pending.append(_done(read_job(job)))
            while pending and (len(pending) > ahead or pending[0].done()):
                yield pending.popleft().result()  # in order, a few in memory
        while pending:
            yield pending.popleft().result()
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)


def _done(chunk: Chunk) -> Future[Chunk]:
    future: Future[Chunk] = Future()
    future.set_result(chunk)
    return future


def document_hash(adapter: SourceAdapter, files: list[Path]) -> str:
    """sha256 of the downloaded files and the adapter's identity: the same for the same fetch
    read the same way (a source's `document_hash` keeps the last complete one)."""
    digest = hashlib.sha256(adapter.identity.encode())
    for path in files:
        with path.open("rb") as file:
            while block := file.read(1 << 20):
                digest.update(block)
    return digest.hexdigest()


def _pool(readers: int) -> Executor:
    """Readers forked from a fork server: not from this process, which runs threads (the task
    engine's) that a fork would copy in whatever state they were, and not spawned, which would
    import the program again in every reader (seconds, at every run). The server starts once
    per process and imports what this process has of jobtracker, so that a reader, forked from
    it in milliseconds, finds the main module's imports done (Python 3.11's fork server does
    not preload "__main__" itself, and every reader runs the main module)."""
    context = multiprocessing.get_context("forkserver")
    loaded = sorted(name for name in sys.modules if name.partition(".")[0] == "jobtracker")
    context.set_forkserver_preload(loaded)
    return ProcessPoolExecutor(
        readers, mp_context=context, initializer=_start_reader, initargs=(os.getpid(),)
    )


def _start_reader(importer: int) -> None:
    """In a reader: run after the worker, and end when the importing process has ended (a
    worker killed with SIGKILL cannot shut its pool down) instead of waiting for work forever."""
    # Reading ahead waits on what the worker does: storing chunks, answering requests.
    os.nice(10)

    def watch() -> None:
        while True:
            time.sleep(1)
            try:
                os.kill(importer, 0)
            except ProcessLookupError:
                os._exit(0)

    threading.Thread(target=watch, name="reader-watch", daemon=True).start()


def _jobs(adapter: SourceAdapter, files: list[Path], known: Known, skip: int) -> Iterator[ChunkJob]:
    """The chunks' jobs in order; a broken document ends them with the job that says so."""
    prefix = hashlib.sha1(adapter.identity.encode(), usedforsecurity=False)
    job = ChunkJob(adapter, 0)
    try:
        for count, posting in enumerate(adapter.postings(files), 1):
            if job.index >= skip:
                fingerprint = _fingerprint(prefix, posting)
                if fingerprint in known:
                    job.seen.append(fingerprint)
                else:
                    job.postings.append((fingerprint, posting))
            if count % BATCH == 0:
                yield job
                job = ChunkJob(adapter, job.index + 1)
    except InvalidFeed as broken:
        job.problem = str(broken)
    if job.postings or job.seen or job.problem:
        yield job


def _fingerprint(prefix: Any, posting: Posting) -> str:
    digest = prefix.copy()
    digest.update(posting.context.encode())
    digest.update(b"\0")
    digest.update(posting.raw)
    return str(digest.hexdigest())


def read_job(job: ChunkJob) -> Chunk:
    """Read the job's postings into a chunk (in this process or a pool's)."""
    chunk = Chunk(job.index, seen=job.seen, outcomes=len(job.seen), problem=job.problem)
    try:
        for fingerprint, posting in job.postings:
            for outcome in job.adapter.read(posting):
                chunk.outcomes += 1
                if isinstance(outcome, ItemError):
                    _record_error(chunk, outcome)
                else:
                    chunk.rows.append(row_of(outcome, fingerprint))
    except InvalidFeed as broken:
        chunk.problem = str(broken)
    return chunk


def _record_error(chunk: Chunk, error: ItemError) -> None:
    chunk.failed += 1
    if len(chunk.errors) < MAX_ITEM_ERRORS:
        chunk.errors.append({"external_id": error.external_id, "reason": error.reason})


def row_of(record: ListingRecord, fingerprint: str | None = None) -> dict[str, Any]:
    """A normalised record as the columns of a listing (plus its sighting's keys). Locations
    and skills are tuples: a row of immutable values is soon no longer tracked by the garbage
    collector, which would otherwise walk every row in flight again and again (an import ran
    about a tenth faster so)."""
    salary = record.salary
    company = record.company or ""
    locations = [_location(location) for location in record.locations]
    return {
        "external_id": str(record.external_id), "url": record.url,
        "apply_url": record.apply_url, "title": record.title, "company": company,
        "company_key": " ".join(words(company)),
        "locations": tuple(locations),
        "location_text": " ".join(" ".join(words(loc["raw"])) for loc in locations),
        "workplace": str(record.workplace), "remote_scope": record.remote_scope,
        "employment_type": str(record.employment_type), "department": record.department,
        "category": str(record.category), "skills": tuple(record.skills),
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
        "fingerprint": fingerprint,
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
