"""The fleet's executors, each with a heartbeat, so a reaper can hand back a dead one's work."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from jobtracker.db import Base
from jobtracker.kit.clock import utcnow


class TaskExecutor(Base):
    __tablename__ = "task_executors"

    executor_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    hostname: Mapped[str] = mapped_column(String(200))
    pid: Mapped[int]
    queues: Mapped[str] = mapped_column(String(500))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class ProbeRun(Base):
    """What the `ops.probe` task did: proves a worker fleet runs work, and runs it once."""

    __tablename__ = "task_probe_runs"

    probe_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    started_count: Mapped[int] = mapped_column(default=0)
    completed_count: Mapped[int] = mapped_column(default=0)
    executor_ids: Mapped[str] = mapped_column(String(1000), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None]
