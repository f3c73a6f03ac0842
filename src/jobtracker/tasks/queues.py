"""The named queues. Per-executor and fleet-wide limits; priorities order work within a queue."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum


class Priority(IntEnum):
    """Lower runs first: what a person is waiting for goes before bulk work."""

    USER = 1
    BULK = 100


@dataclass(frozen=True)
class QueueSpec:
    name: str
    description: str
    # At most this many tasks of the queue run at once in one process (None: the setting).
    worker_concurrency: int | None = None
    # At most this many across every process (None: no fleet-wide limit).
    global_concurrency: int | None = None


QUEUES: dict[str, QueueSpec] = {
    spec.name: spec
    for spec in (
        QueueSpec("interactive", "Work a person is waiting for (analysis, a hand-started import)."),
        QueueSpec("notifications", "Email and in-app delivery.", global_concurrency=16),
        QueueSpec("imports", "Scheduled fetches of listing sources.", global_concurrency=4),
        # No fleet-wide limit: a reaper left PENDING by a killed worker would hold the only slot,
        # and then no reaper could run again to hand it back. Its tasks are safe to overlap.
        QueueSpec("maintenance", "Reaper, retention and other housekeeping.", 1),
    )
}


def known_queue(name: str) -> QueueSpec:
    if name not in QUEUES:
        raise ValueError(f"unknown queue {name!r}; known: {', '.join(QUEUES)}")
    return QUEUES[name]
