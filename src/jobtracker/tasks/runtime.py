"""The process's task runtime: settings, our session factory and the DBOS client.

Configured once per process (app start-up, CLI, test session). Task bodies run in DBOS threads,
outside any request, so they reach the database through `session_scope()` here.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from dbos import DBOSClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from jobtracker.config import Settings, TaskPolicy
from jobtracker.db import create_session_factory


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    session_factory: sessionmaker[Session]
    client: DBOSClient


_runtime: Runtime | None = None


def configure(settings: Settings, engine: Engine) -> Runtime:
    """Set up (or replace) the runtime; the client shares the application's engine."""
    global _runtime  # noqa: PLW0603 - one runtime per process, like the DBOS instance itself
    if _runtime is not None and _runtime.engine is engine:
        return _runtime
    # lazy: an API process must start (and answer /readyz with 503) while its database is down.
    client = DBOSClient(
        system_database_engine=engine, dbos_system_schema=settings.tasks_schema, lazy=True
    )
    _runtime = Runtime(settings, engine, create_session_factory(engine), client)
    return _runtime


def current() -> Runtime:
    if _runtime is None:
        raise RuntimeError("the task runtime is not configured (tasks.runtime.configure)")
    return _runtime


def policy(kind: str) -> TaskPolicy:
    return current().settings.task_policy(kind)


@contextmanager
def session_scope() -> Iterator[Session]:
    """A transaction for one step of a task: committed when the block ends, rolled back on error."""
    with current().session_factory.begin() as session:
        yield session
