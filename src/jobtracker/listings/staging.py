"""Staging, the second step of an import run: the downloaded files become chunk files of rows.

The adapter streams the files into postings (`SourceAdapter.postings`); `BATCH` postings in a
row make one chunk. A posting whose fingerprint (its bytes, its context, the adapter's identity)
is the one a live sighting of this source was read from is not read again: the chunk only says
that fingerprint was seen. The others are read (`SourceAdapter.read`: validation, normalisation)
into rows. Reading is most of the cost of a new feed and each chunk is independent, so a feed
of more than one chunk is read by a pool of processes while this one goes on parsing; chunks
are numbered by position, so the files are the same whoever read them, and a staging step that
runs again after a crash writes them again identically.

A chunk file holds JSON lines: a row (the columns of a listing, and its sighting's keys), or
`{"seen": "<fingerprint>"}`.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
from collections import deque
from collections.abc import Iterator, Set
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from jobtracker.kit.text import words
from jobtracker.listings.schemas import ItemError, ListingRecord
from jobtracker.listings.sources.base import InvalidFeed, Posting, SourceAdapter

BATCH = 1000
MAX_ITEM_ERRORS = 100
DATE_FIELDS = ("posted_at", "source_updated_at", "expires_at")
MONEY_FIELDS = ("salary_min", "salary_max")
Known = Set[str]  # the fingerprints the source's live sightings were read from


@dataclass
class Staged:
    chunks: list[Path] = field(default_factory=list)
    fetched: int = 0
    failed: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    complete: bool = True
    problem: str | None = None
    stopped: bool = False  # a chunk could not be read to its end: the chunks after it are not kept


@dataclass
class ChunkJob:
    """One chunk to read and write: what a pool process receives."""

    adapter: SourceAdapter
    path: Path
    postings: list[tuple[str, Posting]]  # (fingerprint, posting), to read
    seen: list[str]  # fingerprints of postings not read again (a live sighting has each)


@dataclass
class ChunkResult:
    path: Path
    outcomes: int = 0
    failed: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    problem: str | None = None


def stage(
    adapter: SourceAdapter, files: list[Path], folder: Path, *, known: Known, processes: int = 1
) -> Staged:
    """Parse the downloaded files into chunk files; a broken document stops the parse and makes
    the run incomplete (what was read before still counts). `processes` above 1 reads chunks in
    that many processes once the feed proves longer than one chunk."""
    staged = Staged()
    pool: Executor | None = None
    pending: deque[Future[ChunkResult]] = deque()
    try:
        for index, job in enumerate(_jobs(adapter, files, folder, known, staged)):
            if processes > 1 and index > 0 and job.postings:
                # Past the first chunk (a small feed never pays for a pool), when it has
                # postings to read.
                pool = pool or _pool(processes)
                pending.append(pool.submit(read_chunk_job, job))
            else:
                pending.append(_done(read_chunk_job(job)))
            while len(pending) > 2 * processes or (pending and pending[0].done()):
                _collect(staged, pending.popleft().result())  # in order; a few in memory
        while pending:
            _collect(staged, pending.popleft().result())
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    return staged


def _done(result: ChunkResult) -> Future[ChunkResult]:
    future: Future[ChunkResult] = Future()
    future.set_result(result)
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


def _pool(processes: int) -> Executor:
    # Spawned, not forked: the worker that stages runs threads (the task engine's), which a
    # fork would copy in whatever state they were.
    return ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("spawn"))


def _jobs(
    adapter: SourceAdapter, files: list[Path], folder: Path, known: Known, staged: Staged
) -> Iterator[ChunkJob]:
    """The chunks' jobs in order; a broken document ends them (see `stage`)."""
    prefix = hashlib.sha1(adapter.identity.encode(), usedforsecurity=False)
    number, batch = 0, ChunkJob(adapter, _chunk_path(folder, 0), [], [])
    try:
        for count, posting in enumerate(adapter.postings(files), 1):
            fingerprint = _fingerprint(prefix, posting)
            if fingerprint in known:
                batch.seen.append(fingerprint)
            else:
                batch.postings.append((fingerprint, posting))
            if count % BATCH == 0:
                yield batch
                number += 1
                batch = ChunkJob(adapter, _chunk_path(folder, number), [], [])
    except InvalidFeed as broken:
        staged.complete, staged.problem = False, str(broken)
    if batch.postings or batch.seen:
        yield batch


def _fingerprint(prefix: Any, posting: Posting) -> str:
    digest = prefix.copy()
    digest.update(posting.context.encode())
    digest.update(b"\0")
    digest.update(posting.raw)
    return str(digest.hexdigest())


def _chunk_path(folder: Path, number: int) -> Path:
    return folder / f"chunk-{number:05d}.jsonl"


def _collect(staged: Staged, result: ChunkResult) -> None:
    if staged.stopped:
        return
    staged.chunks.append(result.path)
    staged.fetched += result.outcomes
    staged.failed += result.failed
    room = MAX_ITEM_ERRORS - len(staged.errors)
    staged.errors.extend(result.errors[: max(room, 0)])
    if result.problem:
        staged.complete, staged.problem, staged.stopped = False, result.problem, True


def read_chunk_job(job: ChunkJob) -> ChunkResult:
    """Read the job's postings and write its chunk file (in this process or a pool's)."""
    result = ChunkResult(job.path, outcomes=len(job.seen))
    with job.path.open("w", encoding="utf-8") as out:
        for fingerprint in job.seen:
            out.write(f'{{"seen": "{fingerprint}"}}\n')
        try:
            for fingerprint, posting in job.postings:
                for outcome in job.adapter.read(posting):
                    result.outcomes += 1
                    if isinstance(outcome, ItemError):
                        _record_error(result, outcome)
                        continue
                    out.write(json.dumps(row_of(outcome, fingerprint), default=_plain))
                    out.write("\n")
        except InvalidFeed as broken:
            result.problem = str(broken)
    return result


def _record_error(result: ChunkResult, error: ItemError) -> None:
    result.failed += 1
    if len(result.errors) < MAX_ITEM_ERRORS:
        result.errors.append({"external_id": error.external_id, "reason": error.reason})


def row_of(record: ListingRecord, fingerprint: str | None = None) -> dict[str, Any]:
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
        "category": str(record.category), "skills": list(record.skills),
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


def read_chunk(path: Path) -> tuple[list[dict[str, Any]], list[str]]:
    """A chunk file: its rows, and the fingerprints it says were seen."""
    rows: list[dict[str, Any]] = []
    seen: list[str] = []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            value = json.loads(line)
            if "seen" in value:
                seen.append(value["seen"])
            else:
                rows.append(_typed(value))
    return rows, seen


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
