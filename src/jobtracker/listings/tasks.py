"""Background work of the catalogue: one durable task per import run, and the schedule that
starts the runs that are due.

An import run's steps (see importer.py): start, download (retried with backoff), import (the
chunks read and applied as they come, each in a transaction of its own), finish. DBOS records
each step's result, so a worker killed in the middle resumes at the step it was in; within the
import step, each chunk's transaction records that it was applied (the run's `chunks_done`), so
the step, run again, resumes at the first chunk not applied.
"""

from __future__ import annotations

import shutil
import uuid
from contextlib import closing
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from dbos import DBOS

from jobtracker.kit.clock import utcnow
from jobtracker.kit.http import GuardedClient
from jobtracker.listings import importer, reading
from jobtracker.listings.import_repository import (
    CatalogueWriter,
    ImportRunRepository,
    SourceRepository,
)
from jobtracker.listings.models import ImportRun, RunStatus, Source, Trigger
from jobtracker.listings.sources import ADAPTERS, adapter_for
from jobtracker.listings.sources.base import SourceAdapter
from jobtracker.tasks import runtime
from jobtracker.tasks.errors import TaskFailed
from jobtracker.tasks.registry import schedule, task
from jobtracker.tasks.retry import attempt_step


@task("listings.import_run", queue="imports", kind="import")
def import_run(run_id: str) -> str:
    """Fetch and process one source once; the run row tells how it went."""
    if not DBOS.run_step({"name": "start"}, _start, run_id):
        return "nothing to do"
    try:
        fetched = attempt_step(runtime.policy("import"), "download", _download, run_id)
    except TaskFailed as failure:
        DBOS.run_step({"name": "fail"}, _fail, run_id, failure.message)
        raise
    if fetched["not_modified"]:
        # 304: the board is the last complete snapshot again; its misses count once more.
        DBOS.run_step({"name": "finish"}, _finish, run_id, RunStatus.NOT_MODIFIED, True, {})
        return "not modified"
    read = DBOS.run_step({"name": "import"}, _import, run_id, fetched["files"])
    complete = bool(fetched["complete"] and read["complete"])
    # Validators are kept only for a complete fetch: after a broken one, fetch it all again.
    validators = {"etag": fetched["etag"], "last_modified": fetched["last_modified"],
                  "document_hash": fetched["document_hash"]}  # fmt: skip
    finish = (run_id, RunStatus.SUCCEEDED, complete, validators if complete else {})
    DBOS.run_step({"name": "finish"}, _finish, *finish)
    return "succeeded"


def _start(run_id: str) -> bool:
    with runtime.session_scope() as session:
        run = ImportRunRepository(session).get(uuid.UUID(run_id))
        if run is None or run.status not in (RunStatus.QUEUED, RunStatus.RUNNING):
            return False
        ImportRunRepository(session).update(run, {"status": RunStatus.RUNNING})
        return True


def _download(run_id: str) -> dict[str, Any]:
    with runtime.session_scope() as session:
        _, source = _run_and_source(session, run_id)
        adapter, etag, modified = _adapter(source), source.etag, source.last_modified
        last_hash = source.document_hash
    folder = _folder(run_id, fresh=True)
    with _client() as client:
        download = adapter.download(client, folder, etag=etag, last_modified=modified)
    digest = reading.document_hash(adapter, download.files)
    # The very bytes of the last complete fetch: as good as a 304 from a server that sends no
    # validators (a board API re-served unchanged).
    same = bool(download.files) and download.complete and digest == last_hash
    return {"files": [str(path) for path in download.files],
            "not_modified": download.not_modified or same, "complete": download.complete,
            "etag": download.etag, "last_modified": download.last_modified,
            "document_hash": digest}  # fmt: skip


def _import(run_id: str, files: list[str]) -> dict[str, bool]:
    """Read the files in chunks and apply each chunk as soon as it is read, while the pool reads
    the next ones. Run again after a crash, it parses past the chunks applied without reading
    them."""
    with runtime.session_scope() as session:
        run, source = _run_and_source(session, run_id)
        adapter, applied = _adapter(source), run.chunks_done
        known = CatalogueWriter(session).fingerprints(source.id)
    readers = runtime.current().settings.import_processes
    paths = [Path(name) for name in files]
    chunks = reading.read_chunks(adapter, paths, known=known, readers=readers, skip=applied)
    with closing(chunks):
        complete = importer.import_chunks(
            runtime.session_scope, run_id=run.id, source_id=source.id, chunks=chunks
        )
    return {"complete": complete}


def _finish(run_id: str, status: RunStatus, complete: bool, validators: dict[str, Any]) -> None:
    """Removal rules, then the run's end. Only a complete fetch may remove anything."""
    with runtime.session_scope() as session:
        run, source = _run_and_source(session, run_id)
        if validators:
            SourceRepository(session).update(source, validators)
        now = utcnow()
        removed = _removals(session, run, source, complete, now, status)
        values = {"status": status, "finished_at": now, "complete": complete,
                  "removed": removed}  # fmt: skip
        ImportRunRepository(session).update(run, values)
    shutil.rmtree(_folder(run_id), ignore_errors=True)


def _removals(
    session: Any, run: ImportRun, source: Source, complete: bool, now: datetime, status: RunStatus
) -> int:
    adapter = _adapter(source)
    if status == RunStatus.NOT_MODIFIED:
        last = ImportRunRepository(session).last_complete(source.id, before=run.started_at)
        importer.seen_again(session, source_id=source.id, last_complete=last, now=now)
    if adapter.snapshot:
        if not complete:
            return 0
        return importer.finish_snapshot(
            session, source_id=source.id, run_started=run.started_at, now=now
        )
    ttl = timedelta(days=runtime.current().settings.listing_ttl_days)
    return importer.expire_windowed(session, source_id=source.id, now=now, ttl=ttl)


def _fail(run_id: str, message: str) -> None:
    with runtime.session_scope() as session:
        run, _ = _run_and_source(session, run_id)
        values = {"status": RunStatus.FAILED, "finished_at": utcnow(), "error": message}
        ImportRunRepository(session).update(run, values)
    shutil.rmtree(_folder(run_id), ignore_errors=True)


def _run_and_source(session: Any, run_id: str) -> tuple[ImportRun, Source]:
    run = ImportRunRepository(session).get(uuid.UUID(run_id))
    assert run is not None  # runs are deleted only with their source, which cancels nothing
    source = SourceRepository(session).get(run.source_id)
    assert source is not None
    return run, source


def _adapter(source: Source) -> SourceAdapter:
    return adapter_for(source.kind, source.config, company=source.name)


def _folder(run_id: str, *, fresh: bool = False) -> Path:
    folder = runtime.current().settings.imports_dir / run_id
    if fresh:
        shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _client() -> GuardedClient:
    return GuardedClient.from_settings(runtime.current().settings)


@schedule("listings.start_due_imports", cron="0 * * * * *")
def start_due_imports(scheduled_at: datetime, context: Any) -> None:
    """Every minute: a run for each enabled source whose schedule says it is due."""
    DBOS.run_step({"name": "start_due"}, _start_due)


def _start_due() -> int:
    from jobtracker.listings import admin  # admin enqueues import_run: imported when used

    with runtime.session_scope() as session:
        due = admin.due_sources(session, now=utcnow())
        for source in due:
            admin.start_import(session, source_id=source.id, trigger=Trigger.SCHEDULE)
        return len(due)


@schedule("listings.check_postings", cron="0 */10 * * * *")
def check_postings(scheduled_at: datetime, context: Any) -> None:
    """Every ten minutes, a few postings of windowed feeds are asked whether they still exist:
    a 404 or 410 on the posting's own page takes it down (absence from the feed proves nothing)."""
    DBOS.run_step({"name": "check_batch"}, check_posting_batch)


def check_posting_batch() -> int:
    """One rate-limited batch; returns how many listings were taken down."""
    settings = runtime.current().settings
    windowed = [kind for kind, adapter in ADAPTERS.items() if not adapter.snapshot]
    with runtime.session_scope() as session:
        due = CatalogueWriter(session).to_check(windowed, settings.posting_checks_per_batch)
    with _client() as client:
        gone = [sighting_id for sighting_id, url in due if _is_gone(client, url)]
    with runtime.session_scope() as session:
        now = utcnow()
        CatalogueWriter(session).checked([sighting_id for sighting_id, _ in due], now)
        return importer.take_down_gone(session, sighting_ids=gone, now=now)


def _is_gone(client: GuardedClient, url: str) -> bool:
    """Only a clear answer counts: 404 or 410. A timeout or a 5xx says nothing."""
    try:
        client.fetch(url, accept="text/html")
    except httpx.HTTPStatusError as error:
        return error.response.status_code in (404, 410)
    except Exception:  # a page we cannot reach is no proof that it is gone
        return False
    return False
