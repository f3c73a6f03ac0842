"""Every module that declares tasks, schedules or event handlers. A worker imports this before it
launches DBOS, so it knows every task the fleet may hand it (the engine itself imports no domain),
and every process imports it so that kit.events reaches every subscriber.
A domain that adds a `tasks.py` or subscribes to an event adds the module here."""

from __future__ import annotations

from jobtracker.applications import tasks as applications_tasks
from jobtracker.contacts import service as contacts_service
from jobtracker.files import tasks as files_tasks
from jobtracker.interviews import tasks as interviews_tasks
from jobtracker.listings import tasks as listings_tasks
from jobtracker.notifications import tasks as notifications_tasks
from jobtracker.tasks import tasks as engine_tasks

__all__ = [
    "applications_tasks",
    "contacts_service",
    "engine_tasks",
    "files_tasks",
    "interviews_tasks",
    "listings_tasks",
    "notifications_tasks",
]
