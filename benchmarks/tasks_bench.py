"""Tasks per second through the task engine, and the latency from enqueue to start.

Real `jobtracker worker` processes (1, then 2) on SQLite and, given --postgres-url, PostgreSQL.
This process enqueues `ops.probe` tasks of 0 s in transactions of --batch (as requests would),
waits for DBOS's `workflow_status` to show them all SUCCESS, and takes the times from DBOS's step
records (`operation_outputs`, epoch ms from the worker's clock): a task started when its first
step did, and ended when its last step did; it was enqueued when its transaction committed. (On
SQLite, `workflow_status` keeps whole seconds with Python < 3.12: DBOS falls back to
strftime('%s'), so its own start and end columns are too coarse for these figures.)

- tasks/s: tasks / (last task's end - first enqueue), the whole burst through the engine;
- burst latency: enqueue to start of each task of that burst (mostly time spent waiting in line);
- idle latency: enqueue to start of single tasks enqueued 0.3 s apart (the engine's pick-up delay).

Each configuration runs --repeats bursts on a fresh database (PostgreSQL: a schema of its own,
dropped at the end); the table shows medians, and tasks/s as a ratio to SQLite with 1 worker
measured in the same run.

    uv run python benchmarks/tasks_bench.py [--tasks 500] [--repeats 3]
        [--postgres-url postgresql://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import os
import platform
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import (
    BigInteger,
    Column,
    Engine,
    MetaData,
    String,
    Table,
    create_engine,
    func,
    text,
)
from sqlalchemy import select as sql_select

from jobtracker.config import Settings
from jobtracker.db import create_db_engine, create_session_factory
from jobtracker.tasks import runtime, service

JOBTRACKER = str(Path(sys.executable).with_name("jobtracker"))
SECRET = "benchmark-secret-key-that-is-long-enough-for-hs256"  # noqa: S105 - a throwaway database
IDLE_TASKS = 20
IDLE_GAP_SECONDS = 0.3


@dataclass(frozen=True)
class Database:
    """A fresh, migrated database and the environment a worker process needs to use it."""

    kind: str
    settings: Settings
    engine: Engine
    env: dict[str, str]

    def dbos_table(self, name: str, *columns: str) -> Table:
        """The few columns of one of DBOS's tables that the figures read."""
        schema = None if self.settings.is_sqlite else self.settings.tasks_schema
        types = {"status": String, "function_name": String}
        return Table(
            name,
            MetaData(schema=schema),
            Column("workflow_uuid", String, primary_key=True),
            *(Column(column, types.get(column, BigInteger)) for column in columns),
        )


@dataclass(frozen=True)
class Burst:
    tasks_per_second: float
    latency_p50_ms: float
    latency_p95_ms: float

    def __str__(self) -> str:
        return (
            f"{self.tasks_per_second:.1f} tasks/s, latency p50 {self.latency_p50_ms:.0f} ms,"
            f" p95 {self.latency_p95_ms:.0f} ms"
        )


@dataclass(frozen=True)
class Figures:
    label: str
    workers: int
    bursts: list[Burst]
    idle_latencies_ms: list[float]

    def median(self, name: str) -> float:
        return float(statistics.median(getattr(burst, name) for burst in self.bursts))


@contextmanager
def fresh_database(
    kind: str, root: Path, postgres_url: str, extra_env: dict[str, str]
) -> Iterator[Database]:
    data_dir = Path(tempfile.mkdtemp(prefix=f"{kind}-", dir=root))
    if kind == "sqlite":
        yield from _migrated(
            kind, data_dir, f"sqlite:///{data_dir / 'bench.db'}", "dbos", extra_env
        )
        return
    schema = f"jt_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(postgres_url.replace("postgresql://", "postgresql+psycopg://", 1))
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        separator = "&" if "?" in postgres_url else "?"
        url = f"{postgres_url}{separator}options=-csearch_path%3D{schema}"
        yield from _migrated(kind, data_dir, url, f"{schema}_dbos", extra_env)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA IF EXISTS {schema}_dbos CASCADE"))
            connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        admin.dispose()


def _migrated(
    kind: str, data_dir: Path, url: str, tasks_schema: str, extra_env: dict[str, str]
) -> Iterator[Database]:
    values = {
        "DATA_DIR": str(data_dir),
        "DATABASE_URL": url,
        "TASKS_SCHEMA": tasks_schema,
        "SECRET_KEY": SECRET,
        "LOG_LEVEL": "INFO",
        **extra_env,
    }
    env = {k: v for k, v in os.environ.items() if not k.startswith("JOBTRACKER_")}
    env.update({f"JOBTRACKER_{name}": value for name, value in values.items()})
    subprocess.run([JOBTRACKER, "migrate"], env=env, check=True, capture_output=True)  # noqa: S603
    settings = Settings.model_validate({name.lower(): value for name, value in values.items()})
    engine = create_db_engine(settings)
    tasks = runtime.configure(settings, engine)
    try:
        yield Database(kind, settings, engine, env)
    finally:
        tasks.client.destroy()
        engine.dispose()


@contextmanager
def fleet(db: Database, size: int) -> Iterator[None]:
    """`size` worker processes, ready to take work; stopped with SIGTERM at the end."""
    logs = [Path(db.settings.data_dir) / f"bench-{n}.log" for n in range(size)]
    processes = []
    for n, log in enumerate(logs):
        with log.open("wb") as stderr:
            command = [JOBTRACKER, "worker", "--executor-id", f"bench-{n}"]
            processes.append(subprocess.Popen(command, env=db.env, stderr=stderr))  # noqa: S603
    try:
        _wait_until_started(processes, logs)
        yield
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def _wait_until_started(processes: list[subprocess.Popen[bytes]], logs: list[Path]) -> None:
    deadline = time.monotonic() + 60
    while not all("started on queues" in log.read_text(errors="replace") for log in logs):
        if time.monotonic() > deadline or any(p.poll() is not None for p in processes):
            tails = "\n".join(log.read_text(errors="replace")[-2000:] for log in logs)
            raise SystemExit(f"workers did not start:\n{tails}")
        time.sleep(0.1)
    time.sleep(1.5)  # DBOS starts a queue's poller within a second of the queue's registration


def enqueue_probes(db: Database, count: int, batch: int) -> dict[str, float]:
    """Task id -> when its transaction committed (epoch ms)."""
    sessions = create_session_factory(db.engine)
    enqueued: dict[str, float] = {}
    while len(enqueued) < count:
        with sessions.begin() as session:
            size = min(batch, count - len(enqueued))
            ids = [str(service.start_probe(session, seconds=0).task_id) for _ in range(size)]
        committed = time.time() * 1000
        enqueued.update(dict.fromkeys(ids, committed))
    return enqueued


def wait_until_done(db: Database, task_ids: list[str], timeout: float) -> None:
    table = db.dbos_table("workflow_status", "status")
    query = (
        sql_select(table.c.status, func.count())
        .where(table.c.workflow_uuid.in_(task_ids))
        .group_by(table.c.status)
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with db.engine.connect() as connection:
            counts = {status: int(count) for status, count in connection.execute(query)}
        if counts.get("ERROR"):
            raise SystemExit(f"{counts['ERROR']} probe tasks failed")
        if counts.get("SUCCESS", 0) == len(task_ids):
            return
        time.sleep(0.2)
    raise SystemExit(f"tasks not done within {timeout:.0f} s: {counts}")


def step_times(db: Database, task_ids: list[str]) -> dict[str, tuple[int, int]]:
    """Task id -> (start of its first step, end of its last step), in epoch ms."""
    t = db.dbos_table(
        "operation_outputs", "function_name", "started_at_epoch_ms", "completed_at_epoch_ms"
    )
    query = sql_select(
        t.c.workflow_uuid,
        func.min(t.c.started_at_epoch_ms),
        func.max(t.c.completed_at_epoch_ms),
    ).where(t.c.workflow_uuid.in_(task_ids), t.c.function_name.in_(["start", "complete"]))
    with db.engine.connect() as connection:
        rows = connection.execute(query.group_by(t.c.workflow_uuid)).all()
    return {task_id: (int(started), int(ended)) for task_id, started, ended in rows}


def run_burst(db: Database, tasks: int, batch: int, timeout: float) -> Burst:
    began = time.time() * 1000
    enqueued = enqueue_probes(db, tasks, batch)
    wait_until_done(db, list(enqueued), timeout)
    times = step_times(db, list(enqueued))
    span_seconds = (max(ended for _, ended in times.values()) - began) / 1000
    latencies = [times[task_id][0] - at for task_id, at in enqueued.items()]
    return Burst(tasks / span_seconds, statistics.median(latencies), p95(latencies))


def run_idle(db: Database, timeout: float) -> list[float]:
    enqueued: dict[str, float] = {}
    for _ in range(IDLE_TASKS):
        enqueued.update(enqueue_probes(db, 1, 1))
        time.sleep(IDLE_GAP_SECONDS)
    wait_until_done(db, list(enqueued), timeout)
    times = step_times(db, list(enqueued))
    return [times[task_id][0] - at for task_id, at in enqueued.items()]


def p95(values: list[int] | list[float]) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[94]


def measure(db: Database, workers: int, args: argparse.Namespace) -> Figures:
    timeout = max(120.0, args.tasks / 5)
    label = "SQLite" if db.kind == "sqlite" else "PostgreSQL"
    with fleet(db, workers):
        bursts = []
        for repeat in range(1, args.repeats + 1):
            bursts.append(run_burst(db, args.tasks, args.batch, timeout))
            print(f"  {label}, {workers} worker(s), run {repeat}: {bursts[-1]}", flush=True)
        idle = run_idle(db, timeout)
    return Figures(label, workers, bursts, idle)


def table(results: list[Figures]) -> str:
    baseline = results[0].median("tasks_per_second")
    lines = [
        "| database | workers | tasks/s | vs SQLite, 1 worker | burst latency p50 / p95 (ms)"
        " | idle latency p50 / p95 (ms) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for figures in results:
        rate = figures.median("tasks_per_second")
        burst = f"{figures.median('latency_p50_ms'):.0f} / {figures.median('latency_p95_ms'):.0f}"
        idle = figures.idle_latencies_ms
        lines.append(
            f"| {figures.label} | {figures.workers} | {rate:.1f} | {rate / baseline:.2f}x"
            f" | {burst} | {statistics.median(idle):.0f} / {p95(idle):.0f} |"
        )
    return "\n".join(lines)


def machine() -> str:
    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")),
        platform.processor(),
    )  # fmt: skip
    return (
        f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()},"
        f" SQLite {sqlite3.sqlite_version}"
    )


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tasks", type=int, default=500, help="tasks per burst")
    parser.add_argument("--batch", type=int, default=50, help="tasks per enqueue transaction")
    parser.add_argument("--repeats", type=int, default=3, help="bursts per configuration")
    parser.add_argument("--postgres-url", default="", help="also run on this PostgreSQL")
    parser.add_argument("--concurrency", type=int, help="JOBTRACKER_QUEUE_CONCURRENCY")
    parser.add_argument("--polling", type=float, help="JOBTRACKER_TASK_POLLING_SECONDS")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    extra_env = {}
    if args.concurrency:
        extra_env["QUEUE_CONCURRENCY"] = str(args.concurrency)
    if args.polling:
        extra_env["TASK_POLLING_SECONDS"] = str(args.polling)
    kinds = ["sqlite", "postgresql"] if args.postgres_url else ["sqlite"]
    print(f"machine: {machine()}; settings: {extra_env or 'defaults'}", flush=True)
    started = time.monotonic()
    results = []
    with tempfile.TemporaryDirectory(prefix="tasks-bench-") as root:
        for kind in kinds:
            for workers in (1, 2):
                with fresh_database(kind, Path(root), args.postgres_url, extra_env) as db:
                    results.append(measure(db, workers, args))
    print(f"\n{table(results)}\n\n({time.monotonic() - started:.0f} s in all)")


if __name__ == "__main__":
    main()
