"""SQL for executors and probes, and read-only figures from DBOS's own workflow table."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    MetaData,
    String,
    Table,
    delete,
    func,
    null,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from jobtracker.kit.clock import utcnow
from jobtracker.tasks.models import ProbeRun, TaskExecutor

# DBOS statuses of a task that will not run again by itself: our dead letters. We never cancel
# tasks, so CANCELLED means DBOS stopped one at its kind's time limit.
DEAD_STATUSES = ["ERROR", "MAX_RECOVERY_ATTEMPTS_EXCEEDED", "CANCELLED"]


def workflow_status_table(schema: str | None) -> Table:
    """The few columns of DBOS's `workflow_status` that our figures read (times in epoch ms)."""
    return Table(
        "workflow_status",
        MetaData(schema=schema),
        Column("workflow_uuid", String, primary_key=True),
        Column("status", String),
        Column("name", String),
        Column("queue_name", String),
        Column("created_at", BigInteger),
        Column("updated_at", BigInteger),
        Column("completed_at", BigInteger),
        Column("executor_id", String),
    )


@dataclass(frozen=True)
class QueueCounts:
    queue: str
    waiting: int
    running: int
    failed_last_minute: int
    completed_last_minute: int
    oldest_waiting_seconds: float


class ExecutorRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def heartbeat(self, executor_id: str, *, hostname: str, pid: int, queues: str) -> None:
        """Insert or refresh this executor's row (one statement, safe from many processes)."""
        values = {
            "executor_id": executor_id, "hostname": hostname, "pid": pid, "queues": queues,
            "started_at": utcnow(), "last_seen_at": utcnow(),
        }  # fmt: skip
        insert = (
            pg_insert
            if self.session.bind and self.session.bind.dialect.name == "postgresql"
            else sqlite_insert
        )
        statement = insert(TaskExecutor).values(**values)
        self.session.execute(
            statement.on_conflict_do_update(
                index_elements=["executor_id"],
                set_={"last_seen_at": values["last_seen_at"], "pid": pid, "queues": queues},
            )
        )

    def mark_gone(self, executor_id: str) -> None:
        """Make the executor look long dead, so the reaper hands its work back at once."""
        self.session.execute(
            update(TaskExecutor)
            .where(TaskExecutor.executor_id == executor_id)
            .values(last_seen_at=datetime(2000, 1, 1, tzinfo=utcnow().tzinfo))
        )

    def stale(self, older_than: datetime) -> list[str]:
        query = select(TaskExecutor.executor_id).where(TaskExecutor.last_seen_at < older_than)
        return list(self.session.scalars(query))

    def forget(self, executor_id: str) -> None:
        self.session.execute(delete(TaskExecutor).where(TaskExecutor.executor_id == executor_id))

    def live(self, since: datetime) -> list[TaskExecutor]:
        query = select(TaskExecutor).where(TaskExecutor.last_seen_at >= since)
        return list(self.session.scalars(query.order_by(TaskExecutor.executor_id)))


class ProbeRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, probe_id: str) -> ProbeRun | None:
        return self.session.get(ProbeRun, probe_id)

    def create(self, probe_id: str) -> None:
        self.session.add(ProbeRun(probe_id=probe_id))
        self.session.flush()

    def started(self, probe_id: str, executor_id: str) -> None:
        self.session.execute(
            update(ProbeRun)
            .where(ProbeRun.probe_id == probe_id)
            .values(
                started_count=ProbeRun.started_count + 1,
                executor_ids=func.substr(ProbeRun.executor_ids + executor_id + " ", 1, 1000),
            )
        )

    def completed(self, probe_id: str) -> None:
        self.session.execute(
            update(ProbeRun)
            .where(ProbeRun.probe_id == probe_id)
            .values(completed_count=ProbeRun.completed_count + 1, completed_at=utcnow())
        )


class WorkflowFigures:
    """Counts per queue straight from DBOS's table: three grouped queries, cheap for a scrape."""

    def __init__(self, session: Session, schema: str | None) -> None:
        self.session = session
        self.t = workflow_status_table(schema)

    def per_queue(self, queues: list[str]) -> list[QueueCounts]:
        now_ms = int(time.time() * 1000)
        waiting = self._grouped("ENQUEUED", func.min(self.t.c.created_at))
        running = self._grouped("PENDING")
        since = func.coalesce(self.t.c.completed_at, self.t.c.updated_at) >= now_ms - 60_000
        failed = self._grouped("ERROR", where=since)
        completed = self._grouped("SUCCESS", where=since)
        names = sorted(set(queues) | set(waiting) | set(running))
        return [
            QueueCounts(
                queue=name,
                waiting=waiting.get(name, (0, None))[0],
                running=running.get(name, (0, None))[0],
                failed_last_minute=failed.get(name, (0, None))[0],
                completed_last_minute=completed.get(name, (0, None))[0],
                oldest_waiting_seconds=_age(now_ms, waiting.get(name, (0, None))[1]),
            )
            for name in names
        ]

    def _grouped(
        self, status: str, extra: Any = None, where: Any = None
    ) -> dict[str, tuple[int, Any]]:
        t = self.t
        query = select(t.c.queue_name, func.count(), extra if extra is not None else null())
        query = query.where(t.c.status == status, t.c.queue_name.is_not(None))
        if where is not None:
            query = query.where(where)
        rows = self.session.execute(query.group_by(t.c.queue_name)).all()
        return {row[0]: (int(row[1]), row[2]) for row in rows}


def _age(now_ms: int, created_ms: int | None) -> float:
    return max(0.0, (now_ms - int(created_ms)) / 1000) if created_ms else 0.0
