"""Real `jobtracker worker` processes killed or stopped in the middle of a task: the task still
finishes, and finishes once (issue 3, crash safety). Runs on whichever database the run is on.

Each scenario enqueues an `ops.probe` task from this process; the probe records its start and
its end in `task_probe_runs`, and DBOS's `workflow_status` says which executor finished it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from jobtracker.config import Settings
from jobtracker.db import create_db_engine, create_session_factory
from jobtracker.tasks import runtime, service
from jobtracker.tasks.repository import workflow_status_table
from jobtracker.tasks.schemas import ProbeRead
from tests.conftest import DATABASE, POSTGRES_URL
from tests.helpers import private_postgres_schema

JOBTRACKER = str(Path(sys.executable).with_name("jobtracker"))
STALE_SECONDS = 5  # the smallest the setting allows: takeover comes soon after a kill
TAKEOVER_SECONDS = 60  # the promise, from the kill to the task's end
SECRET = "crash-test-secret-key-that-is-long-enough-for-hs256"


@dataclass
class CrashDatabase:
    """A database of this module's own, migrated, with what a worker process needs to use it."""

    settings: Settings
    engine: Engine
    tasks: runtime.Runtime
    env: dict[str, str]
    logs: Path

    @property
    def sessions(self) -> sessionmaker[Session]:
        return create_session_factory(self.engine)

    def start_probe(self, seconds: float) -> ProbeRead:
        # The task runtime is one per process, shared by the session's other tests (and by the
        # in-process worker, if one runs): point it here only while enqueueing.
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(runtime, "_runtime", self.tasks)
            with self.sessions.begin() as session:
                return service.start_probe(session, seconds=seconds)

    def probe(self, probe_id: str) -> ProbeRead:
        with self.sessions() as session:
            return service.get_probe(session, probe_id=probe_id)

    def task_row(self, task_id: str) -> tuple[str, str | None]:
        """(status, executor_id) of the task in DBOS's own table."""
        schema = None if self.settings.is_sqlite else self.settings.tasks_schema
        table = workflow_status_table(schema)
        query = select(table.c.status, table.c.executor_id).where(table.c.workflow_uuid == task_id)
        with self.engine.connect() as connection:
            row = connection.execute(query).one()
        return row[0], row[1]


@dataclass
class Workers:
    """The worker processes a test starts; every one is gone when the test ends."""

    db: CrashDatabase
    started: list[tuple[str, subprocess.Popen[bytes], Path]] = field(default_factory=list)

    def start(self, executor_id: str, grace: int = 20) -> subprocess.Popen[bytes]:
        log = self.db.logs / f"{executor_id}-{len(self.started) + 1}.log"
        with log.open("wb") as stderr:
            process = subprocess.Popen(
                [JOBTRACKER, "worker", "--executor-id", executor_id, "--grace", str(grace)],
                env=self.db.env,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
            )
        self.started.append((executor_id, process, log))
        return process

    def stop_all(self) -> None:
        for _, process, _ in self.started:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for _, process, _ in self.started:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def report(self) -> str:
        """The last lines each worker wrote, for a failure message."""
        parts = []
        for executor_id, process, log in self.started:
            tail = log.read_text(errors="replace").splitlines()[-15:]
            heading = f"--- worker {executor_id} (pid {process.pid}, exit {process.poll()})"
            parts.append("\n".join([heading, *tail]))
        return "\n".join(parts)

    def wait_for(self, what: str, check: Callable[[], bool], timeout: float) -> None:
        """Poll until `check()` holds; fail with the workers' logs on time-out, or at once when
        the worker started last has died (nothing would take the work then)."""
        deadline = time.monotonic() + timeout
        latest = self.started[-1][1]
        while time.monotonic() < deadline:
            if check():
                return
            if latest.poll() is not None:
                pytest.fail(f"a worker exited while waiting for {what}\n{self.report()}")
            time.sleep(0.1)
        pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}\n{self.report()}")


@pytest.fixture(scope="module")
def crash_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CrashDatabase]:
    data_dir = tmp_path_factory.mktemp("crash")
    if DATABASE == "sqlite":
        yield from _prepared(data_dir, f"sqlite:///{data_dir / 'crash.db'}", "dbos")
        return
    with private_postgres_schema(POSTGRES_URL, "jt_crash") as (url, schema):
        yield from _prepared(data_dir, url, f"{schema}_dbos")


def _prepared(data_dir: Path, url: str, tasks_schema: str) -> Iterator[CrashDatabase]:
    """Migrated by `jobtracker migrate` itself, as an operator would."""
    values = {
        "DATA_DIR": str(data_dir),
        "DATABASE_URL": url,
        "TASKS_SCHEMA": tasks_schema,
        "SECRET_KEY": SECRET,
        "EXECUTOR_STALE_SECONDS": str(STALE_SECONDS),
        "TASK_POLLING_SECONDS": "0.1",
        "LOG_LEVEL": "INFO",
    }
    env = {k: v for k, v in os.environ.items() if not k.startswith("JOBTRACKER_")}
    env.update({f"JOBTRACKER_{name}": value for name, value in values.items()})
    done = subprocess.run(
        [JOBTRACKER, "migrate"], env=env, capture_output=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    settings = Settings.model_validate({name.lower(): value for name, value in values.items()})
    engine = create_db_engine(settings)
    with pytest.MonkeyPatch.context() as patch:  # the session's runtime is back on leaving
        patch.setattr(runtime, "_runtime", None)
        tasks = runtime.configure(settings, engine)
    try:
        yield CrashDatabase(settings, engine, tasks, env, logs=data_dir)
    finally:
        tasks.client.destroy()
        engine.dispose()


@pytest.fixture
def workers(crash_db: CrashDatabase) -> Iterator[Workers]:
    started = Workers(crash_db)
    try:
        yield started
    finally:
        started.stop_all()


class TestCrashRecovery:
    def test_killed_worker_task_is_taken_over_and_completes_once(
        self, crash_db: CrashDatabase, workers: Workers
    ) -> None:
        doomed = workers.start("crash-a")
        probe = crash_db.start_probe(seconds=8)
        workers.wait_for("worker A to start the probe", _started(crash_db, probe), timeout=30)

        doomed.send_signal(signal.SIGKILL)
        doomed.wait(timeout=10)
        workers.start("crash-b")
        workers.wait_for(
            "worker B to finish the probe", _completed(crash_db, probe), TAKEOVER_SECONDS
        )

        time.sleep(1)  # a second completion, if there were one, would land by now
        assert crash_db.probe(probe.probe_id).completed_count == 1
        assert crash_db.task_row(str(probe.task_id)) == ("SUCCESS", "crash-b")

    def test_worker_restarted_with_same_id_recovers_its_task_once(
        self, crash_db: CrashDatabase, workers: Workers
    ) -> None:
        doomed = workers.start("crash-same")
        probe = crash_db.start_probe(seconds=8)
        workers.wait_for("the worker to start the probe", _started(crash_db, probe), timeout=30)

        doomed.send_signal(signal.SIGKILL)
        doomed.wait(timeout=10)
        workers.start("crash-same")
        workers.wait_for(
            "the restarted worker to finish the probe",
            _completed(crash_db, probe),
            TAKEOVER_SECONDS,
        )

        time.sleep(1)
        assert crash_db.probe(probe.probe_id).completed_count == 1
        assert crash_db.task_row(str(probe.task_id)) == ("SUCCESS", "crash-same")

    def test_sigterm_finishes_the_running_task_and_exits_cleanly(
        self, crash_db: CrashDatabase, workers: Workers
    ) -> None:
        worker = workers.start("crash-term")
        probe = crash_db.start_probe(seconds=2)
        workers.wait_for("the worker to start the probe", _started(crash_db, probe), timeout=30)

        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=20)  # inside the grace period (--grace 20)
        except subprocess.TimeoutExpired:
            pytest.fail(f"the worker did not exit after SIGTERM\n{workers.report()}")

        assert worker.returncode == 0, workers.report()
        assert crash_db.probe(probe.probe_id).completed_count == 1
        assert crash_db.task_row(str(probe.task_id)) == ("SUCCESS", "crash-term")

    def test_sigterm_past_the_grace_hands_the_task_back(
        self, crash_db: CrashDatabase, workers: Workers
    ) -> None:
        worker = workers.start("crash-hasty", grace=1)
        probe = crash_db.start_probe(seconds=6)
        workers.wait_for("the worker to start the probe", _started(crash_db, probe), timeout=30)

        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=10)  # the grace, not the task's remaining 6 s
        except subprocess.TimeoutExpired:
            pytest.fail(f"the worker did not exit after its grace\n{workers.report()}")
        assert worker.returncode == 0, workers.report()
        workers.start("crash-heir")
        workers.wait_for(
            "another worker to finish the handed-back probe",
            _completed(crash_db, probe),
            TAKEOVER_SECONDS,
        )

        time.sleep(1)
        assert crash_db.probe(probe.probe_id).completed_count == 1
        assert crash_db.task_row(str(probe.task_id)) == ("SUCCESS", "crash-heir")


def _started(db: CrashDatabase, probe: ProbeRead) -> Callable[[], bool]:
    return lambda: db.probe(probe.probe_id).started_count >= 1


def _completed(db: CrashDatabase, probe: ProbeRead) -> Callable[[], bool]:
    return lambda: db.probe(probe.probe_id).completed_count >= 1
