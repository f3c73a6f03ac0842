"""Import runs as durable tasks, run by the worker: counts, failures and what they never do."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from jobtracker.listings import admin
from jobtracker.listings.models import ImportRun, Listing, RunStatus, Source, Trigger
from jobtracker.listings.schemas import ItemError
from jobtracker.listings.sources.fake import FAKE_BOARDS, FakeBoard
from tests.listings.test_importer import record
from tests.tasks.test_engine import status_of, wait_for

pytestmark = pytest.mark.usefixtures("worker")
FINISHED = (RunStatus.SUCCEEDED, RunStatus.FAILED, RunStatus.NOT_MODIFIED)


def add_source(committed: sessionmaker[Session], board: FakeBoard) -> uuid.UUID:
    name = f"board-{uuid.uuid4().hex[:8]}"
    FAKE_BOARDS[name] = board
    with committed.begin() as session:
        row = Source(kind="fake", name=name, config={"board": name})
        session.add(row)
        session.flush()
        return row.id


def run_import(committed: sessionmaker[Session], source_id: uuid.UUID) -> ImportRun:
    with committed.begin() as session:
        run_id = admin.start_import(session, source_id=source_id, trigger=Trigger.MANUAL).id
    return wait_for(lambda: _finished(committed, run_id), seconds=30)


def _finished(committed: sessionmaker[Session], run_id: uuid.UUID) -> ImportRun | None:
    with committed() as session:
        run = session.get(ImportRun, run_id)
        return run if run and run.status in FINISHED else None


def live_count(committed: sessionmaker[Session]) -> Any:
    with committed() as session:
        query = select(func.count()).select_from(Listing).where(Listing.removed_at.is_(None))
        return session.scalar(query)


class TestImportRun:
    def test_a_run_stores_the_board_and_counts_what_it_did(
        self, committed: sessionmaker[Session]
    ) -> None:
        bad = ItemError(external_id="x-9", reason="the title is missing")
        board = FakeBoard(items=[record("1"), record("2", "Data Engineer"), bad])
        source_id = add_source(committed, board)
        run = run_import(committed, source_id)
        assert run.status == RunStatus.SUCCEEDED and run.complete
        assert (run.fetched, run.new, run.updated, run.unchanged, run.failed) == (3, 2, 0, 0, 1)
        assert run.item_errors == [{"external_id": "x-9", "reason": "the title is missing"}]
        assert run.finished_at is not None and live_count(committed) == 2
        again = run_import(committed, source_id)
        assert (again.new, again.unchanged) == (0, 2)

    def test_a_failed_fetch_fails_the_run_removes_nothing_and_leaves_a_dead_letter(
        self, committed: sessionmaker[Session]
    ) -> None:
        board = FakeBoard(items=[record("1")])
        source_id = add_source(committed, board)
        run_import(committed, source_id)
        board.fail_download = httpx.ConnectError("connection refused")
        for _ in range(2):
            failed = run_import(committed, source_id)
        assert failed.status == RunStatus.FAILED and "connection refused" in (failed.error or "")
        assert live_count(committed) == 1
        assert failed.task_id is not None
        wait_for(lambda: status_of(failed.task_id or "") == "ERROR")

    def test_a_truncated_feed_keeps_what_it_read_and_removes_nothing(
        self, committed: sessionmaker[Session]
    ) -> None:
        board = FakeBoard(items=[record("1"), record("2", "Data Engineer")])
        source_id = add_source(committed, board)
        run_import(committed, source_id)
        board.broken_after = 1
        for _ in range(2):
            broken = run_import(committed, source_id)
        assert broken.status == RunStatus.SUCCEEDED and not broken.complete
        assert broken.error and "ends in the middle" in broken.error
        assert live_count(committed) == 2

    def test_a_valid_empty_board_takes_everything_down_after_two_runs(
        self, committed: sessionmaker[Session]
    ) -> None:
        board = FakeBoard(items=[record("1"), record("2", "Data Engineer")])
        source_id = add_source(committed, board)
        run_import(committed, source_id)
        board.items = []
        first, second = run_import(committed, source_id), run_import(committed, source_id)
        assert (first.removed, second.removed) == (0, 2)
        assert live_count(committed) == 0

    def test_a_304_counts_as_the_same_snapshot_again(
        self, committed: sessionmaker[Session]
    ) -> None:
        board = FakeBoard(items=[record("1"), record("2", "Data Engineer")])
        source_id = add_source(committed, board)
        run_import(committed, source_id)
        board.items = [record("1")]
        assert run_import(committed, source_id).removed == 0  # missed once
        board.not_modified = True
        unchanged = run_import(committed, source_id)
        assert (unchanged.status, unchanged.removed) == (RunStatus.NOT_MODIFIED, 1)
        assert live_count(committed) == 1
