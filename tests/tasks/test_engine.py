"""The task engine end to end, with DBOS running in this process on the test database."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from dbos import DBOS
from sqlalchemy import Engine, update
from sqlalchemy.orm import Session, sessionmaker

from jobtracker.tasks import runtime
from jobtracker.tasks.engine import Worker
from jobtracker.tasks.enqueue import enqueue
from jobtracker.tasks.errors import PermanentError, TransientError
from jobtracker.tasks.queues import Priority
from jobtracker.tasks.registry import task
from jobtracker.tasks.repository import workflow_status_table
from jobtracker.tasks.retry import attempt_step
from jobtracker.tasks.tasks import _delete_finished_batch

# What the test tasks did, by key: they run in DBOS's threads in this process.
CALLS: dict[str, list[str]] = {}
_lock = threading.Lock()


def _record(key: str, what: str) -> None:
    with _lock:
        CALLS.setdefault(key, []).append(what)


def _flaky(key: str, failures: int, permanent: bool) -> str:
    done = len(CALLS.get(key, []))
    _record(key, "attempt")
    if done < failures:
        raise PermanentError("refused") if permanent else TransientError("busy", retry_after=0.1)
    return "ok"


@task("tests.flaky", queue="interactive")
def flaky(key: str, failures: int, permanent: bool) -> str:
    return attempt_step(runtime.policy("default"), "call", _flaky, key, failures, permanent)


@task("tests.slow", queue="interactive", kind="tests-slow")
def slow(seconds: float) -> None:
    DBOS.sleep(seconds)
    DBOS.run_step({"name": "after"}, time.sleep, 0)


@task("tests.ordered", queue="maintenance")
def ordered(key: str, label: str) -> None:
    _record(key, label)


def wait_for(condition: Callable[[], Any], seconds: float = 20) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.05)
    raise AssertionError(f"not true within {seconds} s")


def status_of(task_id: str) -> str:
    found = runtime.current().client.list_workflows(workflow_ids=[task_id], load_input=False)
    return found[0].status if found else "MISSING"


@pytest.mark.usefixtures("worker")
class TestEnqueueInTransaction:
    def test_committed_write_runs_its_task(self, committed: sessionmaker[Session]) -> None:
        key = uuid.uuid4().hex
        with committed.begin() as session:
            task_id = enqueue(session, flaky, key, 0, False)
        assert wait_for(lambda: status_of(task_id) == "SUCCESS")
        assert CALLS[key] == ["attempt"]

    def test_rolled_back_write_leaves_no_task(self, committed: sessionmaker[Session]) -> None:
        key, task_id = uuid.uuid4().hex, str(uuid.uuid4())
        with pytest.raises(RuntimeError), committed.begin() as session:
            enqueue(session, flaky, key, 0, False, task_id=task_id)
            raise RuntimeError("the request failed after enqueueing")
        time.sleep(0.5)
        assert status_of(task_id) == "MISSING"
        assert key not in CALLS


@pytest.mark.usefixtures("worker")
class TestRetries:
    def test_transient_failures_are_retried_until_success(
        self, committed: sessionmaker[Session]
    ) -> None:
        key = uuid.uuid4().hex
        with committed.begin() as session:
            task_id = enqueue(session, flaky, key, 2, False)
        assert wait_for(lambda: status_of(task_id) == "SUCCESS")
        assert CALLS[key] == ["attempt"] * 3

    def test_permanent_failure_stops_at_once(self, committed: sessionmaker[Session]) -> None:
        key = uuid.uuid4().hex
        with committed.begin() as session:
            task_id = enqueue(session, flaky, key, 5, True)
        assert wait_for(lambda: status_of(task_id) == "ERROR")
        assert CALLS[key] == ["attempt"]

    def test_exhausted_attempts_end_as_error(self, committed: sessionmaker[Session]) -> None:
        key = uuid.uuid4().hex
        with committed.begin() as session:
            task_id = enqueue(session, flaky, key, 99, False)
        assert wait_for(lambda: status_of(task_id) == "ERROR")
        assert CALLS[key] == ["attempt"] * 3  # the test policy allows three attempts


class TestPriority:
    def test_user_work_runs_before_bulk_work(
        self, worker: Worker, committed: sessionmaker[Session]
    ) -> None:
        key = uuid.uuid4().hex
        with committed.begin() as session:  # all visible at once, on a queue that runs one
            for number in range(3):
                enqueue(session, ordered, key, f"bulk-{number}", priority=Priority.BULK)
            enqueue(session, ordered, key, "user", priority=Priority.USER)
        wait_for(lambda: len(CALLS.get(key, [])) == 4)
        assert CALLS[key][0] == "user"


@pytest.mark.usefixtures("worker")
class TestTimeLimit:
    def test_a_task_past_its_kinds_time_limit_is_stopped(
        self, committed: sessionmaker[Session]
    ) -> None:
        with committed.begin() as session:
            task_id = enqueue(session, slow, 5.0)  # the test policy for its kind allows 1 s
        assert wait_for(lambda: status_of(task_id) == "CANCELLED", seconds=10)


@pytest.mark.usefixtures("worker")
class TestRetention:
    def test_old_finished_records_go_and_dead_letters_stay(
        self, committed: sessionmaker[Session], engine: Engine
    ) -> None:
        with committed.begin() as session:
            done = enqueue(session, flaky, uuid.uuid4().hex, 0, False)
            failed = enqueue(session, flaky, uuid.uuid4().hex, 99, False)
            recent = enqueue(session, flaky, uuid.uuid4().hex, 0, False)
        wait_for(lambda: status_of(done) == "SUCCESS" and status_of(recent) == "SUCCESS")
        wait_for(lambda: status_of(failed) == "ERROR")
        eight_days_ago = int((time.time() - 8 * 86400) * 1000)
        table = workflow_status_table(None if engine.dialect.name == "sqlite" else _schema())
        with engine.begin() as connection:
            connection.execute(
                update(table)
                .where(table.c.workflow_uuid.in_([done, failed]))
                .values(created_at=eight_days_ago, updated_at=eight_days_ago)
            )
        assert _delete_finished_batch() == 1
        assert status_of(done) == "MISSING"
        assert status_of(failed) == "ERROR"  # a dead letter is kept until an operator deletes it
        assert status_of(recent) == "SUCCESS"


def _schema() -> str:
    return runtime.current().settings.tasks_schema
