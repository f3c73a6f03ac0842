"""Every module that declares tasks or schedules. A worker imports this before it launches DBOS,
so it knows every task the fleet may hand it (the engine itself imports no domain).
A domain that adds a `tasks.py` adds it here."""

from __future__ import annotations

from jobtracker.notifications import tasks as notifications_tasks
from jobtracker.tasks import tasks as engine_tasks

__all__ = ["engine_tasks", "notifications_tasks"]
