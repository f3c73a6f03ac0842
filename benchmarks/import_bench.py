"""Listing imports on SQLite: throughput of the importer against two reference points.

Generates feeds of --items postings in two real shapes (a WP Job Manager RSS feed and a
Greenhouse board, 1-3 KB HTML descriptions, `jobtracker.listings.samples`) and measures, each as
the median of --repeats runs on a fresh, migrated database, in this one process:

(a) an import of all-new listings: the adapter's streaming parse and normalisation, read in
    chunks (read by --readers processes), each chunk applied as it comes (the steps of an import
    run, without the task engine);
(b) a re-import of the same feed: nothing changed. Twice: the same document (the run sees the
    same bytes as last time: as good as a 304), and the same postings in a document re-stamped
    (the channel's build date, or the board's order, changed: each posting's own bytes decide);
(c) a run where 5% of the postings changed and 5% are gone (followed by a second such run, so
    the missing ones are taken down);
(d) the peak memory of importing a feed of --memory-mb MiB, in a child process: its own and
    with its fork server and readers;
and, for the same rows, two reference points:
- raw floor: plain `sqlite3` executemany upserts of the same rows (every column of the
  listings and their sightings, values already in SQLite's storage form), plus the FTS insert:
  what the database alone costs;
- naive worker: parse, then per posting select-then-insert-or-update with a commit each (run on
  the first --naive-items postings; its rate is what counts).

    uv run python benchmarks/import_bench.py [--items 100000] [--repeats 3] [--memory-mb 1024]
        [--shapes rss,greenhouse] [--naive-items 5000] [--readers N]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from jobtracker.config import Settings
from jobtracker.db import create_db_engine, create_session_factory
from jobtracker.kit.clock import utcnow
from jobtracker.listings import importer, reading, search
from jobtracker.listings.import_repository import CatalogueWriter
from jobtracker.listings.models import ImportRun, Listing, Sighting, Source, Trigger
from jobtracker.listings.samples import Sample, jobs, write_greenhouse, write_rss
from jobtracker.listings.schemas import ListingRecord
from jobtracker.listings.sources import adapter_for
from jobtracker.listings.sources.base import SourceAdapter
from jobtracker.migrations import upgrade_to_head
from jobtracker.tasks.engine import freeze_the_program

SECRET = "benchmark-secret-key-that-is-long-enough-for-hs256"  # noqa: S105 - a throwaway database
SHAPES: dict[str, tuple[str, dict[str, str], Callable[..., None]]] = {
    "rss": ("rss", {"url": "https://feeds.example.com/jobs.rss"}, write_rss),
    "greenhouse": ("greenhouse", {"board": "bench"}, write_greenhouse),
}


def main() -> None:
    args = _arguments()
    print(f"machine: {platform.node()} · {platform.processor() or platform.machine()} · "
          f"Python {platform.python_version()} · SQLite {sqlite3.sqlite_version}")  # fmt: skip
    freeze_the_program()  # as a worker does when it starts
    if args.memory_probe:
        _memory_probe(Path(args.memory_probe), args.readers)
        return
    with tempfile.TemporaryDirectory(prefix="jt-import-bench-") as scratch:
        folder = Path(scratch)
        for shape in args.shapes.split(","):
            _bench_shape(folder, shape, args)
        if args.memory_mb:
            print(f"(d) peak memory, {args.memory_mb} MB RSS feed: {_peak_memory(folder, args)}")


def _bench_shape(folder: Path, shape: str, args: argparse.Namespace) -> None:
    postings = list(jobs(args.items, seed=11))
    feed = _feed(folder, shape, postings)
    restamped = _feed(folder, f"{shape}-restamped", postings[::-1])  # same postings, new bytes
    changed = _feed(folder, f"{shape}-changed", _changed(postings))
    # Not held while the clock runs: 100,000 objects more in this process made every import
    # about 10% slower (the garbage collector walks them), which no worker would pay.
    del postings
    # Each repeat, on a fresh database: the feed (a), the feed again (b), the same postings in
    # another order (b'), the changed feed (c) and once more, so that the missing postings are
    # taken down (the second miss).
    feeds = [feed, feed, restamped, changed, changed]
    _warm_up(folder, shape, args.readers)
    runs: list[list[float]] = []
    waits: list[float] = []
    floor: list[float] = []
    for _ in range(args.repeats):  # the floor right after each run: both on the same machine
        times, waited = _run(folder, shape, feeds, args.readers)
        runs.append(times)
        waits.append(waited)
        floor.append(_raw_floor(folder, shape, feed))
    new, again = [run[0] for run in runs], [run[1] for run in runs]
    again_restamped = [run[2] for run in runs]
    churn = [run[3] + run[4] for run in runs]
    naive = _naive(folder, shape, args.naive_items)
    rate = args.items / statistics.median(new)
    floor_rate = args.items / statistics.median(floor)
    share = statistics.median(f / n for f, n in zip(floor, new, strict=True))
    print(f"\n{shape}, {args.items} postings ({feed.stat().st_size / 1e6:.0f} MB), "
          f"medians of {args.repeats}, {args.readers} reader(s):")  # fmt: skip
    _row("(a) import, all new", rate, f"{share:.0%} of the raw floor (median of the runs' "
         f"ratios), {rate / naive:.1f}x the naive worker")  # fmt: skip
    _row("(b) re-import, the same document", args.items / statistics.median(again), "")
    _row("(b') re-import, same postings, new document", args.items / statistics.median(
        again_restamped), "")  # fmt: skip
    _row("(c) 5% changed, 5% gone (two runs)", 2 * args.items / statistics.median(churn), "")
    _row("raw floor (sqlite3 executemany + FTS)", floor_rate, "")
    print(f"  each run of (a): {', '.join(f'{args.items / t:,.0f}' for t in new)} listings/s; "
          f"of the floor: {', '.join(f'{args.items / t:,.0f}' for t in floor)}")  # fmt: skip
    storing = args.items / statistics.median(t - w for t, w in zip(new, waits, strict=True))
    print(f"  (a) waited for chunks being read: {statistics.median(waits):.1f} s of "
          f"{statistics.median(new):.1f} s; storing alone: {storing:,.0f} listings/s "
          f"({storing / floor_rate:.0%} of the floor)")  # fmt: skip
    _row(f"naive worker (first {args.naive_items})", naive, "")


def _warm_up(folder: Path, shape: str, readers: int) -> None:
    """A first import of two chunks, untimed: it starts the fork server that a worker starts
    at its first import and keeps (2 to 4 s)."""
    engine, source_id, adapter = _fresh(folder, shape)
    feed = _feed(folder, f"{shape}-warm-up", jobs(2 * reading.BATCH, seed=1))
    _import(engine, source_id, adapter, feed, readers, {})
    engine.dispose()


def _row(name: str, rate: float, note: str) -> None:
    print(f"  {name:<42} {rate:>10,.0f} listings/s  {note}")


def _feed(folder: Path, name: str, postings: Iterable[Sample]) -> Path:
    kind = name.split("-", maxsplit=1)[0]
    path = folder / f"{name}.{'rss' if kind == 'rss' else 'json'}"
    with path.open("w", encoding="utf-8") as out:
        SHAPES[kind][2](out, iter(postings))
    return path


def _changed(postings: list[Sample]) -> list[Sample]:
    """Every 20th posting edited, every 20th (another one) gone."""
    kept = [p for number, p in enumerate(postings) if number % 20 != 10]
    return [replace(p, html=p.html + "<p>Updated.</p>") if i % 20 == 0 else p
            for i, p in enumerate(kept)]  # fmt: skip


def _run(folder: Path, shape: str, feeds: list[Path], readers: int) -> tuple[list[float], float]:
    """Import the feeds one after the other on a fresh database: the seconds of each, and the
    seconds the first import waited for chunks being read."""
    engine, source_id, adapter = _fresh(folder, shape)
    times: list[float] = []
    waits: list[float] = []
    last: dict[str, Any] = {}
    for feed in feeds:
        started = time.perf_counter()
        waits.append(_import(engine, source_id, adapter, feed, readers, last))
        times.append(time.perf_counter() - started)
    engine.dispose()
    return times, waits[0]


def _import(engine: Engine, source_id: uuid.UUID, adapter: SourceAdapter, feed: Path,
            readers: int, last: dict[str, Any]) -> float:  # fmt: skip
    """What an import run's steps do (listings/tasks.py), without the task engine: `last` holds
    the previous complete run's document hash and start, as the source and its runs do. The
    seconds the importing process waited for the next chunk to be read."""
    run_started = utcnow()
    factory = create_session_factory(engine)
    digest = reading.document_hash(adapter, [feed])
    if digest == last.get("hash"):  # the very bytes again: a 304
        with factory.begin() as session:
            importer.seen_again(session, source_id=source_id, last_complete=last["started"],
                                now=utcnow())  # fmt: skip
            importer.finish_snapshot(session, source_id=source_id, run_started=run_started,
                                     now=utcnow())  # fmt: skip
        last["started"] = run_started
        return 0.0
    with factory.begin() as session:
        known = CatalogueWriter(session).fingerprints(source_id)
        run = ImportRun(source_id=source_id, trigger=Trigger.MANUAL, started_at=run_started)
        session.add(run)
        session.flush()
        run_id = run.id
    waited = [0.0]
    chunks = _timed(reading.read_chunks(adapter, [feed], known=known, readers=readers), waited)
    importer.import_chunks(factory.begin, run_id=run_id, source_id=source_id, chunks=chunks)
    with factory.begin() as session:
        later = utcnow()
        importer.finish_snapshot(session, source_id=source_id, run_started=run_started, now=later)
    last.update(hash=digest, started=run_started)
    return waited[0]


def _timed(chunks: Iterator[reading.Chunk], waited: list[float]) -> Iterator[reading.Chunk]:
    """The chunks, adding to `waited` the time each took to come."""
    while True:
        started = time.perf_counter()
        chunk = next(chunks, None)
        waited[0] += time.perf_counter() - started
        if chunk is None:
            return
        yield chunk


def _fresh(folder: Path, shape: str) -> tuple[Engine, uuid.UUID, SourceAdapter]:
    name = uuid.uuid4().hex
    settings = Settings(data_dir=folder, database_url=f"sqlite:///{folder / name}.db",
                        secret_key=SECRET, log_level="WARNING")  # fmt: skip
    engine = create_db_engine(settings)
    upgrade_to_head(engine)
    kind, config, _ = SHAPES[shape]
    with create_session_factory(engine).begin() as session:
        source = Source(kind=kind, name=f"bench {shape}", config=config)
        session.add(source)
        session.flush()
        source_id = source.id
    return engine, source_id, adapter_for(kind, config, company="Bench")


def _raw_floor(folder: Path, shape: str, feed: Path) -> float:
    """The same rows (listings, sightings, index entries), already normalised and already in
    SQLite's storage form, upserted with plain sqlite3: the floor."""
    engine, source_id, adapter = _fresh(folder, shape)
    chunks = reading.read_chunks(adapter, [feed], known=set())
    rows = [row for chunk in chunks for row in chunk.rows]
    now = utcnow()
    listings = [
        {
            "id": uuid.uuid4(),
            **{name: row[name] for name in importer.LISTING_COLUMNS},
            "first_seen_at": now,
            "created_at": now,
            "updated_at": now,
        }
        for row in rows
    ]
    sightings = [{"id": uuid.uuid4(), "listing_id": listing["id"], "source_id": source_id,
                  "external_id": row["external_id"], "url": row["url"],
                  "content_hash": row["content_hash"], "fingerprint": row["fingerprint"],
                  "first_seen_at": now, "last_seen_at": now, "missed_runs": 0}
                 for row, listing in zip(rows, listings, strict=True)]  # fmt: skip
    statements = [_raw_upsert(engine, Listing.__table__, listings),
                  _raw_upsert(engine, Sighting.__table__, sightings),
                  (RAW_FTS, [(listing["id"].hex, listing["title"], listing["company"], "",
                              listing["description_text"]) for listing in listings])]  # fmt: skip
    path = str(engine.url.database)
    engine.dispose()
    started = time.perf_counter()
    with sqlite3.connect(path) as connection:
        for statement, parameters in statements:
            connection.executemany(statement, parameters)
    return time.perf_counter() - started


def _raw_upsert(engine: Engine, table: Any, rows: list[dict[str, Any]]) -> tuple[str, list[Any]]:
    """An upsert of `rows` and its parameters, converted as SQLAlchemy would store them (each
    column type's bind processor), before the clock starts."""
    names = list(rows[0])
    processors = [table.c[name].type.dialect_impl(engine.dialect).bind_processor(engine.dialect)
                  for name in names]  # fmt: skip
    updates = ", ".join(f"{name} = excluded.{name}" for name in names if name != "id")
    statement = (f"INSERT INTO {table.name} ({', '.join(names)}) "  # noqa: S608 - our own names
                 f"VALUES ({', '.join('?' * len(names))}) "
                 f"ON CONFLICT (id) DO UPDATE SET {updates}")  # fmt: skip
    parameters = [tuple(convert(row[name]) if convert else row[name]
                        for name, convert in zip(names, processors, strict=True))
                  for row in rows]  # fmt: skip
    return statement, parameters


RAW_FTS = (
    "INSERT INTO listings_fts (listing_id, title, company, skills, description)"
    " VALUES (?, ?, ?, ?, ?)"
)


def _naive(folder: Path, shape: str, items: int) -> float:
    """Parse, then select-then-insert-or-update with a commit per posting."""
    engine, source_id, adapter = _fresh(folder, shape)
    feed = _feed(folder, f"{shape}-naive", list(jobs(items, seed=11)))
    factory = create_session_factory(engine)
    started = time.perf_counter()
    for record in adapter.parse([feed]):
        if isinstance(record, ListingRecord):
            with factory.begin() as session:
                _naive_one(session, source_id, record)
    elapsed = time.perf_counter() - started
    engine.dispose()
    return items / elapsed


def _naive_one(session: Session, source_id: uuid.UUID, record: ListingRecord) -> None:
    row = reading.row_of(record)
    query = select(Sighting).where(Sighting.source_id == source_id,
                                   Sighting.external_id == row["external_id"])  # fmt: skip
    sighting = session.scalars(query).first()
    values = {name: row[name] for name in importer.LISTING_COLUMNS}
    if sighting is None:
        listing = Listing(**values)
        session.add(listing)
        session.flush()
        session.add(
            Sighting(
                listing_id=listing.id,
                source_id=source_id,
                url=row["url"],
                external_id=row["external_id"],
                content_hash=row["content_hash"],
            )
        )
        search.index_listings(session, [listing])
    else:
        listing = session.get(Listing, sighting.listing_id)
        for name, value in values.items():
            setattr(listing, name, value)


def _peak_memory(folder: Path, args: argparse.Namespace) -> str:
    """Import a feed of about --memory-mb in a child process: its own peak, and the peaks of the
    sums over it, its fork server and its readers (PSS, and RSS). The feed is written as it is
    generated: this process holds no posting while the child runs."""
    sample = _feed(folder, "rss-sample", jobs(2000, seed=5))  # the size of a posting, in RSS
    count = int(args.memory_mb * 2**20 / (sample.stat().st_size / 2000))
    feed = _feed(folder, "rss-memory", jobs(count, seed=5))
    size = feed.stat().st_size / 1e6
    child = subprocess.run(  # noqa: S603 - this very script, on a file it wrote
        [sys.executable, __file__, "--memory-probe", str(feed), "--readers",
         str(args.readers)], capture_output=True, text=True, check=True)  # fmt: skip
    peak = json.loads(child.stdout.strip().splitlines()[-1])
    return (f"{peak['own_mb']:.0f} MB for the importing process; with its fork server and "
            f"{args.readers} reader(s) {peak['tree_pss_mb']:.0f} MB (PSS: shared pages counted "
            f"once), {peak['tree_mb']:.0f} MB (RSS: counted in each); a {size:.0f} MB feed of "
            f"{count:,} postings")  # fmt: skip


def _memory_probe(feed: Path, readers: int) -> None:
    tree = _TreeSampler()
    tree.start()
    with tempfile.TemporaryDirectory(prefix="jt-memory-") as scratch:
        folder = Path(scratch)
        engine, source_id, adapter = _fresh(folder, "rss")
        _import(engine, source_id, adapter, feed, readers, {})
    tree.stop()
    print(json.dumps({"own_mb": _status_kb(os.getpid(), "VmHWM") / 1024,
                      "tree_mb": tree.peak_kb / 1024,
                      "tree_pss_mb": tree.peak_pss_kb / 1024}))  # fmt: skip


class _TreeSampler(threading.Thread):
    """The peaks, sampled every 50 ms, of this process's memory plus its descendants' (the fork
    server and the readers): the sum of their RSS, which counts the pages they share once per
    process (an upper bound), and the sum of their PSS, which shares each such page out among
    them (what the import costs the machine)."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak_kb, self.peak_pss_kb, self.done = 0, 0, threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.05):
            pids = [os.getpid(), *_descendants(os.getpid())]
            self.peak_kb = max(self.peak_kb, sum(_status_kb(pid, "VmRSS") for pid in pids))
            pss = sum(_status_kb(pid, "Pss", "smaps_rollup") for pid in pids)
            self.peak_pss_kb = max(self.peak_pss_kb, pss)

    def stop(self) -> None:
        self.done.set()
        self.join()


def _descendants(pid: int) -> list[int]:
    """Children, and theirs: the readers are the children of a fork server, this process's."""
    found: list[int] = []
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except FileNotFoundError:  # it ended meanwhile
        return found
    for task in tasks:
        try:
            children = [int(child) for child in (task / "children").read_text().split()]
        except FileNotFoundError:  # a thread that ended meanwhile
            continue
        for child in children:
            found += [child, *_descendants(child)]
    return found


def _status_kb(pid: int, field: str, name: str = "status") -> int:
    """A /proc/<pid>/status (or smaps_rollup) figure in kB (VmHWM: the process's own peak; not
    ru_maxrss, which Linux carries across exec from the process it was forked from). 0 once it
    has ended."""
    try:
        lines = Path(f"/proc/{pid}/{name}").read_text().splitlines()
    except (FileNotFoundError, ProcessLookupError):
        return 0
    return next((int(line.split()[1]) for line in lines if line.startswith(f"{field}:")), 0)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--naive-items", type=int, default=5_000)
    parser.add_argument("--memory-mb", type=int, default=1024, help="0: skip (d)")
    parser.add_argument("--shapes", default="rss,greenhouse")
    parser.add_argument("--readers", type=int, default=Settings.model_fields[
        "import_processes"].get_default(call_default_factory=True),
        help="reader processes (default: JOBTRACKER_IMPORT_PROCESSES's)")  # fmt: skip
    parser.add_argument("--memory-probe", help=argparse.SUPPRESS)
    return parser.parse_args()


if __name__ == "__main__":
    main()
