"""The `jobtracker` command: serve, api, worker, migrate, user, demo."""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from typing import Annotated

import typer
import uvicorn
from pydantic import ValidationError
from sqlalchemy import Engine

import jobtracker.task_modules  # noqa: F401 - every task, known before a worker launches
from jobtracker.config import Settings, SettingsError, load_settings, prepare_data_dir
from jobtracker.db import create_db_engine, create_session_factory
from jobtracker.kit.logging import configure_logging
from jobtracker.migrations import is_at_head, upgrade_to_head
from jobtracker.tasks.engine import Worker, default_executor_id, migrate_task_tables
from jobtracker.tasks.queues import QUEUES, known_queue

SERVE_GRACE_SECONDS = 5

app = typer.Typer(
    help="Jobtracker: a platform for the whole of a job search.", no_args_is_help=True
)
user_app = typer.Typer(help="Manage accounts.", no_args_is_help=True)
app.add_typer(user_app, name="user")

Host = Annotated[str, typer.Option(help="Address to listen on.")]
Port = Annotated[int, typer.Option(help="Port to listen on.")]


def _settings() -> Settings:
    """Settings, or a one-line message naming the bad variable and exit status 2."""
    try:
        settings = load_settings()
        prepare_data_dir(settings)
    except SettingsError as error:
        typer.echo(f"jobtracker: bad setting {error}", err=True)
        raise typer.Exit(2) from None
    return settings


@app.command()
def serve(host: Host = "127.0.0.1", port: Port = 8000) -> None:
    """Run everything in one process (web, API, background work) on the embedded default."""
    settings = _settings()
    worker = Worker(settings.executor_id or default_executor_id("serve"), list(QUEUES))
    worker.start(settings, _migrate(settings))
    typer.echo(f"Jobtracker is running at http://{host}:{port}")
    try:
        uvicorn.run(
            "jobtracker.main:create_app",
            factory=True,
            host=host,
            port=port,
            log_level="warning",
            timeout_graceful_shutdown=5,  # open SSE streams must not hold up a shutdown
        )
    finally:  # uvicorn returns on SIGINT/SIGTERM: running tasks finish, the rest is handed back
        # One person's Ctrl-C: what is still running resumes at the next start (same executor).
        worker.stop(grace_seconds=SERVE_GRACE_SECONDS)


@app.command()
def api(
    host: Host = "127.0.0.1",
    port: Port = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 1,
) -> None:
    """Run the API and pages only (scale-out); run `jobtracker migrate` once per release first."""
    settings = _settings()
    if not is_at_head(create_db_engine(settings)):
        typer.echo("jobtracker: the database is not migrated; run `jobtracker migrate`", err=True)
        raise typer.Exit(1)
    uvicorn.run(
        "jobtracker.main:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        timeout_graceful_shutdown=5,  # open SSE streams must not hold up a shutdown
        proxy_headers=True,
    )


@app.command()
def worker(
    queues: Annotated[str, typer.Option(help="Queues to take work from, comma-separated.")] = "",
    concurrency: Annotated[
        int | None, typer.Option(min=1, help="Tasks at once per queue in this process.")
    ] = None,
    executor_id: Annotated[
        str, typer.Option(help="Stable id of this worker (default: host name + slot 0).")
    ] = "",
    grace: Annotated[
        int, typer.Option(min=0, help="Seconds to finish running tasks after SIGTERM.")
    ] = 30,
) -> None:
    """Run background work alone (scale-out); SIGTERM finishes or hands back running tasks."""
    settings = _settings()
    configure_logging(settings.log_level)
    if concurrency:
        settings = settings.model_copy(update={"queue_concurrency": concurrency})
    names = _queue_names(queues)
    engine = create_db_engine(settings)
    if not is_at_head(engine):
        typer.echo("jobtracker: the database is not migrated; run `jobtracker migrate`", err=True)
        raise typer.Exit(1)
    running = Worker(executor_id or settings.executor_id or default_executor_id(), names)
    stop = _stop_on_signals()
    running.start(settings, engine)
    _wait_for(stop)
    running.stop(grace_seconds=grace)
    _exit_without_handed_back_tasks()


def _queue_names(option: str) -> list[str]:
    """The queues named on the command line (all when none); a bad name exits with status 2."""
    if not option:
        return list(QUEUES)
    try:
        return [known_queue(name.strip()).name for name in option.split(",")]
    except ValueError as error:
        typer.echo(f"jobtracker: {error}", err=True)
        raise typer.Exit(2) from None


def _stop_on_signals() -> threading.Event:
    """Installed before the worker starts: a SIGTERM during start-up must stop it cleanly too."""
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    return stop


def _wait_for(stop: threading.Event) -> None:
    while not stop.wait(1.0):  # a timed wait keeps the main thread responsive to signals
        pass


def _exit_without_handed_back_tasks() -> None:
    """Tasks still running after the grace were handed back to the fleet, but their threads
    would hold the interpreter's exit until they end: leave without them."""
    others = [t for t in threading.enumerate() if t is not threading.main_thread()]
    if any(not thread.daemon for thread in others):
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)


def _migrate(settings: Settings) -> Engine:
    """Our tables (Alembic) and the task engine's (DBOS), in the one database."""
    engine = create_db_engine(settings)
    upgrade_to_head(engine)
    migrate_task_tables(settings)
    return engine


@app.command()
def migrate() -> None:
    """Bring the database schema to the latest migration."""
    _migrate(_settings())
    typer.echo("Database is at the latest migration.")


@user_app.command("create")
def user_create(
    email: Annotated[str, typer.Argument(help="The new user's email.")],
    full_name: Annotated[str, typer.Option(help="The user's full name.")] = "",
    admin: Annotated[bool, typer.Option("--admin", help="Give the admin role.")] = False,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
) -> None:
    """Create an account (works even when sign-up is closed)."""
    from jobtracker.auth import service as auth
    from jobtracker.auth.schemas import RegisterRequest
    from jobtracker.kit.problems import ProblemError
    from jobtracker.users.service import Role

    settings = _settings()
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    # Like `serve` and `demo`: the first account may come before any start.
    factory = create_session_factory(_migrate(settings))
    try:
        data = RegisterRequest(email=email, password=password, full_name=full_name or email)
        with factory.begin() as session:
            role = Role.ADMIN if admin else Role.USER
            user = auth.register(session, settings=settings, data=data, role=role, by_operator=True)
    except ValidationError as error:
        first = error.errors()[0]
        typer.echo(f"jobtracker: {first['loc'][0]}: {first['msg']}", err=True)
        raise typer.Exit(1) from None
    except ProblemError as error:
        typer.echo(f"jobtracker: {error.detail}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"Created {user.role} {user.email} ({user.id}).")


@app.command()
def demo() -> None:
    """Create a demo account with realistic sample data (safe to run again)."""
    from jobtracker.demo import DEMO_EMAIL, DEMO_PASSWORD, seed_demo
    from jobtracker.demo_catalogue import ADMIN_EMAIL
    from jobtracker.tasks import runtime

    settings = _settings()
    engine = _migrate(settings)
    runtime.configure(settings, engine)  # the demo's notifications enqueue their emails
    with create_session_factory(engine).begin() as session:
        created = seed_demo(session, settings=settings)
    typer.echo("Demo data created." if created else "Demo data already present.")
    typer.echo(f"Log in as {DEMO_EMAIL} with the password {DEMO_PASSWORD}")
    typer.echo(f"Operations (sources, import runs): {ADMIN_EMAIL}, same password")
