"""A worker killed (SIGKILL) in the middle of a 100,000-posting import: after a restart the run
completes, and every listing is stored once."""

from __future__ import annotations

import functools
import signal
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import func, select

from jobtracker.listings import admin
from jobtracker.listings.models import ImportRun, Listing, RunStatus, Sighting, Source, Trigger
from jobtracker.listings.samples import jobs, write_rss
from jobtracker.tasks import runtime
from tests.tasks.test_crash_recovery import CrashDatabase, Workers, crash_db, workers

__all__ = ["crash_db", "workers"]  # fixtures, shared with the task engine's crash tests
POSTINGS = 100_000


@pytest.fixture(scope="module")
def feed_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The feed, served from a file by a real HTTP server on 127.0.0.1."""
    folder = tmp_path_factory.mktemp("feed")
    with (folder / "jobs.rss").open("w", encoding="utf-8") as out:
        write_rss(out, jobs(POSTINGS, seed=3))
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/jobs.rss"
    server.shutdown()


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class TestImportCrash:
    # Two processes import 100,000 postings between them: minutes on a loaded 2-core machine.
    @pytest.mark.timeout(900)
    def test_a_killed_import_completes_after_restart_with_every_listing_once(
        self, crash_db: CrashDatabase, workers: Workers, feed_server: str
    ) -> None:
        crash_db.env["JOBTRACKER_OUTBOUND_ALLOWLIST"] = "127.0.0.1"
        doomed = workers.start("import-a")
        run_id = _start(crash_db, feed_server)
        workers.wait_for("a few chunks applied", lambda: _chunks(crash_db, run_id) >= 10, 300)

        doomed.send_signal(signal.SIGKILL)
        doomed.wait(timeout=10)
        workers.start("import-a")  # the same executor: it recovers its own unfinished run
        workers.wait_for("the run to finish", lambda: _finished(crash_db, run_id), 600)

        with crash_db.sessions() as session:
            run = session.get(ImportRun, run_id)
            assert run is not None and run.status == RunStatus.SUCCEEDED and run.complete
            assert (run.fetched, run.new, run.failed) == (POSTINGS, POSTINGS, 0)
            assert _count(session, Listing) == POSTINGS
            assert _count(session, Sighting) == POSTINGS


def _start(db: CrashDatabase, url: str) -> object:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(runtime, "_runtime", db.tasks)
        with db.sessions.begin() as session:
            source = Source(kind="rss", name="Big feed", config={"url": url})
            session.add(source)
            session.flush()
            return admin.start_import(session, source_id=source.id, trigger=Trigger.MANUAL).id


def _chunks(db: CrashDatabase, run_id: object) -> int:
    with db.sessions() as session:
        run = session.get(ImportRun, run_id)
        return run.chunks_done if run else 0


def _finished(db: CrashDatabase, run_id: object) -> bool:
    with db.sessions() as session:
        run = session.get(ImportRun, run_id)
        return run is not None and run.status in (RunStatus.SUCCEEDED, RunStatus.FAILED)


def _count(session: object, model: type) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)  # type: ignore[attr-defined]
