"""Test fixtures: a real database (SQLite, or PostgreSQL when asked), rolled back per test.

`JOBTRACKER_TEST_DATABASE=postgres` with `JOBTRACKER_TEST_POSTGRES_URL` runs the same suite on
PostgreSQL, in a schema of its own that is dropped at the end (scripts/check does both runs).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

import jobtracker.task_modules  # noqa: F401 - every task registered before the worker launches
from jobtracker.config import Settings, TaskPolicy
from jobtracker.db import create_db_engine
from jobtracker.main import create_app
from jobtracker.migrations import upgrade_to_head
from jobtracker.tasks import runtime
from jobtracker.tasks.engine import Worker, migrate_task_tables
from jobtracker.tasks.queues import QUEUES
from tests.helpers import Accounts, private_postgres_schema

DATABASE = os.environ.get("JOBTRACKER_TEST_DATABASE", "sqlite")
POSTGRES_URL = os.environ.get("JOBTRACKER_TEST_POSTGRES_URL", "")


def pytest_report_header() -> str:
    return f"jobtracker test database: {DATABASE}"


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("data")


@pytest.fixture(scope="session")
def database_url(data_dir: Path) -> Iterator[str]:
    if DATABASE == "sqlite":
        yield f"sqlite:///{data_dir / 'test.db'}"
        return
    if not POSTGRES_URL:
        pytest.exit("JOBTRACKER_TEST_DATABASE=postgres needs JOBTRACKER_TEST_POSTGRES_URL", 2)
    yield from _postgres_schema(POSTGRES_URL)


def _postgres_schema(url: str) -> Iterator[str]:
    """Schemas of this run's own (ours, and the task engine's), so runs never see each other."""
    try:
        with private_postgres_schema(url, "jt_test") as (schema_url, _):
            yield schema_url
    except OperationalError as error:  # unreachable PostgreSQL must fail the run, never skip it
        pytest.exit(f"PostgreSQL at {url} is unreachable: {error}", 3)


def tasks_schema_for(database_url: str) -> str:
    """DBOS's schema beside ours: `<our schema>_dbos` on PostgreSQL (SQLite has no schemas)."""
    found = re.search(r"search_path%3D(\w+)", database_url)
    return f"{found.group(1)}_dbos" if found else "dbos"


@pytest.fixture(scope="session")
def settings(data_dir: Path, database_url: str) -> Settings:
    return Settings(
        data_dir=data_dir,
        database_url=database_url,
        secret_key="test-secret-key-that-is-long-enough-for-hs256",
        log_level="WARNING",
        outbound_allowlist=["127.0.0.1"],  # sources and pages are local servers in tests
        tasks_schema=tasks_schema_for(database_url),
        task_polling_seconds=0.05,
        task_policies={
            **{
                name: TaskPolicy(attempts=3, first_delay_seconds=0.1, max_delay_seconds=0.3)
                for name in ("default", "email", "import", "maintenance")
            },
            "tests-slow": TaskPolicy(attempts=1, time_limit_seconds=1.0),
        },
    )


@pytest.fixture(scope="session")
def engine(settings: Settings) -> Iterator[Engine]:
    engine = create_db_engine(settings)
    upgrade_to_head(engine)
    migrate_task_tables(settings)
    runtime.configure(settings, engine)
    yield engine
    engine.dispose()


@pytest.fixture(autouse=True)
def _task_runtime(settings: Settings, engine: Engine) -> None:
    """Every test enqueues into the test database, even after an app on another database (the
    browser tests' live server) configured the process's task runtime for itself."""
    runtime.configure(settings, engine)


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    """One connection per test inside a transaction that is rolled back at the end."""
    with engine.connect() as connection:
        transaction = connection.begin()
        yield connection
        transaction.rollback()


@pytest.fixture
def session_factory(connection: Connection) -> sessionmaker[Session]:
    # Each request's commit releases a SAVEPOINT; the test's rollback undoes everything.
    return sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )


@pytest.fixture
def session(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    with session_factory() as session:
        yield session


@pytest.fixture
def app(settings: Settings, engine: Engine, session_factory: sessionmaker[Session]) -> FastAPI:
    return create_app(settings, engine=engine, session_factory=session_factory)


@pytest.fixture(scope="session")
def worker(settings: Settings, engine: Engine) -> Iterator[Worker]:
    """DBOS running in this process on the test database, started on first use.

    DBOS is one per process, so every test that needs tasks to really run shares this worker;
    such tests write through `committed` (real commits), never the rolled-back `session`.
    Schedules stay off: tests run the scheduled functions themselves, when they choose.
    """
    running = Worker("pytest-0", list(QUEUES), schedules=False)
    running.start(settings, engine)
    yield running
    running.stop(grace_seconds=1)


@pytest.fixture
def committed(engine: Engine) -> Iterator[sessionmaker[Session]]:
    """Sessions that really commit (for tasks to see), and every row deleted afterwards so the
    rolled-back tests that follow find the database as they expect."""
    yield runtime.current().session_factory
    _delete_everything(engine)


def _delete_everything(engine: Engine) -> None:
    from jobtracker.models import metadata
    from jobtracker.tasks.repository import workflow_status_table

    settings = runtime.current().settings
    schema = None if settings.is_sqlite else settings.tasks_schema
    with engine.begin() as connection:
        for table in reversed(metadata.sorted_tables):
            if table.name != "task_executors":  # the running worker's heartbeat row stays
                connection.execute(table.delete())
        if settings.is_sqlite:  # the search index is outside the models (no cascade on SQLite)
            connection.exec_driver_sql("DELETE FROM listings_fts")
        # Finished and failed task records: later figures and dead-letter lists start empty.
        connection.execute(workflow_status_table(schema).delete())


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as client:
        yield client


@pytest.fixture
def accounts(client: TestClient) -> Accounts:
    return Accounts(client)


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashing() -> Iterator[None]:
    """argon2 with its production cost takes ~100 ms a hash; tests hash hundreds of passwords.
    The same algorithm with minimal cost keeps every rule under test and the suite fast."""
    from pwdlib import PasswordHash
    from pwdlib.hashers.argon2 import Argon2Hasher

    from jobtracker.auth import passwords

    fast = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=1024, parallelism=1),))
    original = passwords._hasher
    passwords._hasher = lambda: fast  # type: ignore[assignment]
    yield
    passwords._hasher = original
