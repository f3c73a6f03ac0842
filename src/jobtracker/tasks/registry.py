"""Declaring tasks and schedules. A task is a DBOS workflow with a name, a queue and a kind (whose
policy sets its attempts and time limit). Schedules are declared next to the task they run."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from dbos import DBOS

from jobtracker.tasks.queues import known_queue


@dataclass(frozen=True)
class Task:
    """A registered task; pass it to `enqueue`. Arguments must be ids and plain values."""

    name: str
    queue: str
    kind: str
    workflow: Callable[..., Any]


@dataclass(frozen=True)
class Schedule:
    name: str
    cron: str  # six fields, seconds first: "*/15 * * * * *"
    queue: str
    workflow: Callable[[datetime, Any], None]


TASKS: dict[str, Task] = {}
SCHEDULES: dict[str, Schedule] = {}


def task(name: str, *, queue: str, kind: str = "default") -> Callable[[Callable[..., Any]], Task]:
    """Register a function as a task: `@task("notifications.deliver", queue="notifications")`."""
    known_queue(queue)

    def register(fn: Callable[..., Any]) -> Task:
        if name in TASKS:
            raise ValueError(f"task {name!r} is declared twice")
        TASKS[name] = Task(name, queue, kind, DBOS.workflow(name=name)(fn))
        return TASKS[name]

    return register


def schedule(
    name: str, *, cron: str, queue: str = "maintenance"
) -> Callable[[Callable[[datetime, Any], None]], Schedule]:
    """Run a function on a cron schedule, once per tick across every process (DBOS keys each
    firing by schedule and time, so two workers cannot both start the same tick)."""
    known_queue(queue)

    def register(fn: Callable[[datetime, Any], None]) -> Schedule:
        if name in SCHEDULES:
            raise ValueError(f"schedule {name!r} is declared twice")
        SCHEDULES[name] = Schedule(name, cron, queue, DBOS.workflow(name=name)(fn))
        return SCHEDULES[name]

    return register
