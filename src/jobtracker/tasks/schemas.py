"""API shapes for dead letters and queue figures."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import Field

from jobtracker.kit.schemas import Schema


class Requeue(Schema):
    """A run started from a dead letter: its task id, when, and how it ended (so far)."""

    task_id: str
    requeued_at: datetime | None
    status: str


class DeadLetter(Schema):
    id: str
    task: str
    queue: str | None
    inputs: list[Any]
    error: str
    attempts: int
    created_at: datetime | None
    failed_at: datetime | None
    requeues: list[Requeue]


class RequeueRequest(Schema):
    ids: Annotated[list[str], Field(min_length=1, max_length=500)]


class RequeueResult(Schema):
    requeued: list[Requeue]


class QueueFigures(Schema):
    queue: str
    description: str
    waiting: int
    running: int
    failed_last_minute: int
    completed_last_minute: int
    oldest_waiting_seconds: float


class ExecutorRead(Schema):
    executor_id: str
    hostname: str
    pid: int
    queues: str
    started_at: datetime
    last_seen_at: datetime


class QueuesOverview(Schema):
    queues: list[QueueFigures]
    executors: list[ExecutorRead]


class ProbeRequest(Schema):
    seconds: Annotated[float, Field(ge=0, le=600)] = 0.0


class ProbeRead(Schema):
    probe_id: str
    task_id: str | None = None
    started_count: int
    completed_count: int
    executor_ids: str
    created_at: datetime
    completed_at: datetime | None
