"""Reading: a feed becomes chunks of rows; postings whose bytes were read before are not read
again, a long feed is read by a pool of processes into the very same chunks, a run resumed
after a crash does not read again what it applied, and a feed served again byte for byte
counts as not modified."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from jobtracker.kit.clock import utcnow
from jobtracker.kit.pagination import Pagination
from jobtracker.listings import admin, importer, reading
from jobtracker.listings.import_repository import CatalogueWriter
from jobtracker.listings.matching import Matcher
from jobtracker.listings.models import ImportRun, Listing, RunStatus, Sighting, Source, Trigger
from jobtracker.listings.samples import Sample, jobs, write_rss
from jobtracker.listings.schemas_catalogue import ListingQuery
from jobtracker.listings.service import search_listings
from jobtracker.listings.sources import base
from jobtracker.listings.sources.rss import RssFeed
from tests.kit.http.conftest import LocalServer
from tests.listings.test_tasks import FINISHED
from tests.tasks.test_engine import wait_for

FEED = "https://feeds.example.com/jobs.rss"


def write_feed(path: Path, postings: list[Sample], *, built: str = "Mon, 23 Nov 2026") -> Path:
    with path.open("w", encoding="utf-8") as out:
        write_rss(out, iter(postings))
    # The channel's build date changes on every fetch of a real feed: never the same document.
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("<channel>", f"<channel><lastBuildDate>{built}</lastBuildDate>", 1)
    )
    return path


def read_and_apply(
    session: Session, source: Source, feed: Path
) -> tuple[list[reading.Chunk], dict[str, int]]:
    known = CatalogueWriter(session).fingerprints(source.id)
    chunks = list(reading.read_chunks(RssFeed({"url": FEED}), [feed], known=known))
    counts = {"new": 0, "updated": 0, "unchanged": 0}
    for chunk in chunks:
        done = importer.apply_chunk(
            session, source_id=source.id, rows=chunk.rows, seen=chunk.seen, now=utcnow()
        )
        counts = {name: counts[name] + done[name] for name in counts}
    return chunks, counts


@pytest.fixture
def feed_source(session: Session) -> Source:
    row = Source(kind="rss", name="Remote jobs", config={"url": FEED})
    session.add(row)
    session.flush()
    return row


class TestReadOnlyWhatChanged:
    def test_postings_with_the_same_bytes_are_seen_without_being_read_again(
        self, session: Session, feed_source: Source, tmp_path: Path
    ) -> None:
        postings = list(jobs(30, seed=4))
        first = write_feed(tmp_path / "first.rss", postings)
        assert read_and_apply(session, feed_source, first)[1]["new"] == 30

        postings[7] = dataclasses.replace(postings[7], html=postings[7].html + "<p>Visa.</p>")
        second = write_feed(tmp_path / "second.rss", postings, built="Tue, 24 Nov 2026")
        chunks, counts = read_and_apply(session, feed_source, second)

        assert [row["external_id"] for row in chunks[0].rows] == [str(postings[7].id)]
        assert len(chunks[0].seen) == 29
        assert counts == {"new": 0, "updated": 1, "unchanged": 29}
        assert chunks[0].outcomes == 30
        edited = select(Listing.description_text).join(Sighting, Sighting.listing_id == Listing.id)
        text = session.scalar(edited.where(Sighting.external_id == str(postings[7].id)))
        assert text is not None and "Visa." in text

    def test_a_new_version_of_the_reader_reads_every_posting_again(
        self, session: Session, feed_source: Source, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        feed = write_feed(tmp_path / "feed.rss", list(jobs(12, seed=5)))
        read_and_apply(session, feed_source, feed)
        monkeypatch.setattr(base, "READER_VERSION", base.READER_VERSION + 1)
        chunks, counts = read_and_apply(session, feed_source, feed)
        assert (len(chunks[0].rows), len(chunks[0].seen)) == (12, 0)
        assert counts == {"new": 0, "updated": 0, "unchanged": 12}

    def test_a_posting_taken_down_and_served_again_comes_back(
        self, session: Session, feed_source: Source, tmp_path: Path
    ) -> None:
        feed = write_feed(tmp_path / "feed.rss", list(jobs(3, seed=6)))
        read_and_apply(session, feed_source, feed)
        writer = CatalogueWriter(session)
        gone = writer.remove_unseen(feed_source.id, since=utcnow(), now=utcnow())
        importer.take_down_orphans(session, gone)
        assert writer.count_live() == 0
        _, counts = read_and_apply(session, feed_source, feed)
        assert counts["unchanged"] == 3 and writer.count_live() == 3


class TestPool:
    def test_a_feed_longer_than_a_chunk_is_read_by_processes_into_the_same_chunks(
        self, tmp_path: Path
    ) -> None:
        feed = write_feed(tmp_path / "feed.rss", list(jobs(2 * reading.BATCH + 10, seed=8)))
        adapter = RssFeed({"url": FEED})
        here = list(reading.read_chunks(adapter, [feed], known=set(), readers=0))
        there = list(reading.read_chunks(adapter, [feed], known=set(), readers=2))
        assert [chunk.index for chunk in there] == [0, 1, 2]
        assert sum(chunk.outcomes for chunk in there) == 2 * reading.BATCH + 10
        assert [chunk.problem for chunk in there] == [None, None, None]
        assert [chunk.rows for chunk in there] == [chunk.rows for chunk in here]

    def test_a_long_feed_cut_short_keeps_what_came_before_the_cut(self, tmp_path: Path) -> None:
        feed = write_feed(tmp_path / "feed.rss", list(jobs(2 * reading.BATCH + 10, seed=9)))
        whole = feed.read_bytes()
        feed.write_bytes(whole[: int(len(whole) * 0.75)])
        adapter = RssFeed({"url": FEED})
        chunks = list(reading.read_chunks(adapter, [feed], known=set(), readers=2))
        assert [chunk.problem is None for chunk in chunks] == [True, False]
        assert "cut short" in (chunks[-1].problem or "")
        assert reading.BATCH < sum(chunk.outcomes for chunk in chunks) < 2 * reading.BATCH

    def test_readers_end_when_the_importing_process_is_killed(self, tmp_path: Path) -> None:
        """A worker killed with SIGKILL cannot shut its pool down: its readers must not be
        left waiting for work forever."""
        script = tmp_path / "importer.py"
        script.write_text(ORPHANING_IMPORTER, encoding="utf-8")
        child = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
        readers = [int(pid) for pid in (child.stdout.readline() or "").split()]  # type: ignore[union-attr]
        child.kill()
        child.wait()
        assert len(readers) == 2
        wait_for(lambda: not any(_alive(pid) for pid in readers) or None, seconds=15)


ORPHANING_IMPORTER = """
import time
from jobtracker.listings import reading

if __name__ == "__main__":
    pool = reading._pool(2)
    for _ in range(4):
        pool.submit(time.sleep, 30)
    time.sleep(1)
    print(*pool._processes, flush=True)  # the readers' pids
    time.sleep(60)
"""


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"  # a zombie has ended; its parent has not asked yet


class TestResume:
    def test_chunks_applied_before_a_crash_are_parsed_past_not_read(self, tmp_path: Path) -> None:
        feed = write_feed(tmp_path / "feed.rss", list(jobs(2 * reading.BATCH + 10, seed=12)))
        adapter = RssFeed({"url": FEED})
        whole = list(reading.read_chunks(adapter, [feed], known=set(), readers=2))
        resumed = list(reading.read_chunks(adapter, [feed], known=set(), readers=2, skip=2))
        assert [(chunk.index, chunk.outcomes) for chunk in resumed] == [(0, 0), (1, 0), (2, 10)]
        assert resumed[2].rows == whole[2].rows

    def test_a_resumed_run_applies_each_chunk_once(
        self, session: Session, feed_source: Source, tmp_path: Path
    ) -> None:
        feed = write_feed(tmp_path / "feed.rss", list(jobs(reading.BATCH + 5, seed=13)))
        run = ImportRun(source_id=feed_source.id, trigger=Trigger.MANUAL)
        session.add(run)
        session.flush()
        adapter = RssFeed({"url": FEED})
        first = next(reading.read_chunks(adapter, [feed], known=set()))
        matcher = Matcher(feed_source.id)
        assert importer.apply_run_chunk(
            session, run_id=run.id, chunk=first, now=utcnow(), matcher=matcher
        )
        # The worker died here; the run starts reading again, knowing what it applied.
        known = CatalogueWriter(session).fingerprints(feed_source.id)
        again = reading.read_chunks(adapter, [feed], known=known, skip=run.chunks_done)
        applied = [importer.apply_run_chunk(session, run_id=run.id, chunk=chunk, now=utcnow(),
                                            matcher=matcher)
                   for chunk in again]  # fmt: skip
        session.refresh(run)
        assert applied == [False, True]
        assert (run.new, run.fetched, run.chunks_done) == (reading.BATCH + 5, reading.BATCH + 5, 2)
        live = session.scalar(select(func.count()).select_from(Listing))
        assert live == reading.BATCH + 5


@pytest.fixture
def feed_server(tmp_path: Path) -> Iterator[tuple[LocalServer, Path]]:
    """A feed served without validators (no ETag, no Last-Modified): never a 304."""
    local = LocalServer()
    local.start()
    document = tmp_path / "served.rss"
    local.routes["/jobs.rss"] = lambda request: _send(request, document.read_bytes())
    yield local, document
    local.stop()


def _send(request: object, body: bytes) -> None:
    request.send_response(200)  # type: ignore[attr-defined]
    request.send_header("Content-Type", "application/rss+xml")  # type: ignore[attr-defined]
    request.send_header("Content-Length", str(len(body)))  # type: ignore[attr-defined]
    request.end_headers()  # type: ignore[attr-defined]
    request.wfile.write(body)  # type: ignore[attr-defined]


@pytest.mark.usefixtures("worker")
class TestTheSameDocumentAgain:
    def test_the_same_bytes_again_are_not_modified_and_keep_the_postings_seen(
        self, committed: sessionmaker[Session], feed_server: tuple[LocalServer, Path]
    ) -> None:
        server, document = feed_server
        write_feed(document, list(jobs(5, seed=10)))
        with committed.begin() as session:
            source = Source(kind="rss", name="Plain feed", config={"url": server.url("/jobs.rss")})
            session.add(source)
            session.flush()
            source_id = source.id
        first = run(committed, source_id)
        again = run(committed, source_id)
        assert (first.status, first.new) == (RunStatus.SUCCEEDED, 5)
        assert (again.status, again.new, again.unchanged) == (RunStatus.NOT_MODIFIED, 0, 0)
        write_feed(document, list(jobs(5, seed=10)), built="Wed, 25 Nov 2026")
        changed = run(committed, source_id)
        assert (changed.status, changed.unchanged) == (RunStatus.SUCCEEDED, 5)
        with committed() as session:
            live = session.scalar(
                select(func.count()).select_from(Listing).where(Listing.removed_at.is_(None))
            )
        assert live == 5


def run(committed: sessionmaker[Session], source_id: object) -> ImportRun:
    with committed.begin() as session:
        run_id = admin.start_import(session, source_id=source_id, trigger=Trigger.MANUAL).id  # type: ignore[arg-type]

    def finished() -> ImportRun | None:
        with committed() as session:
            found = session.get(ImportRun, run_id)
            return found if found and found.status in FINISHED else None

    return wait_for(finished, seconds=60)


class TestSkills:
    def test_the_tags_a_source_gives_are_searchable_skills(
        self, session: Session, feed_source: Source, tmp_path: Path
    ) -> None:
        feed = tmp_path / "wwr.rss"
        feed.write_text(
            '<?xml version="1.0"?><rss version="2.0"><channel><title>WWR</title>'
            "<item><title>Acme: Backend Developer</title><region>Anywhere in the World</region>"
            "<link>https://weworkremotely.com/remote-jobs/acme-backend</link>"
            "<guid>https://weworkremotely.com/remote-jobs/acme-backend</guid>"
            "<skills>Ruby, Rails, ruby , PostgreSQL</skills>"
            "<description>&lt;p&gt;Build things.&lt;/p&gt;</description></item>"
            "</channel></rss>",
            encoding="utf-8",
        )
        read_and_apply(session, feed_source, feed)
        listing = session.scalars(select(Listing)).one()
        assert listing.skills == ["Ruby", "Rails", "PostgreSQL"]
        found, total = search_listings(
            session, query=ListingQuery(q="postgresql"), page=Pagination()
        )
        assert total == 1 and found[0].skills == ["Ruby", "Rails", "PostgreSQL"]
