"""Enqueue a task in the same transaction as the write that causes it: if the write rolls back,
the task never existed; if it commits, the task will run."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from jobtracker.tasks import runtime
from jobtracker.tasks.queues import Priority
from jobtracker.tasks.registry import Task


def enqueue(
    session: Session,
    task: Task,
    *args: Any,
    priority: Priority = Priority.BULK,
    task_id: str | None = None,
    delay_seconds: float | None = None,
) -> str:
    """Add the task to its queue inside the session's transaction; returns the task id.

    `task_id` makes enqueueing idempotent: the same id twice is one task.
    """
    options: dict[str, Any] = {
        "queue_name": task.queue,
        "workflow_name": task.name,
        "priority": int(priority),
        "workflow_timeout": runtime.policy(task.kind).time_limit_seconds,
    }
    if task_id:
        options["workflow_id"] = task_id
    if delay_seconds:
        options["delay_seconds"] = delay_seconds
    handle: Any = runtime.current().client.enqueue_in_transaction(
        session.connection(),
        options,  # type: ignore[arg-type]
        *args,
    )
    return str(handle.get_workflow_id())
