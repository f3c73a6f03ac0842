"""Rules of the catalogue's operations: sources, their import runs, and starting a run.
Never commits. (The catalogue's own rules are in service.py; kept apart to stay small.)"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from croniter import croniter  # type: ignore[import-untyped]
from pydantic import ValidationError
from sqlalchemy.orm import Session

from jobtracker.kit.pagination import Pagination
from jobtracker.kit.problems import Conflict, InvalidInput, NotFound
from jobtracker.listings.import_repository import ImportRunRepository, SourceRepository
from jobtracker.listings.models import ImportRun, RunStatus, Source, Trigger
from jobtracker.listings.schemas_admin import ImportRunRead, SourceCreate, SourcePatch
from jobtracker.listings.sources import ADAPTERS, adapter_for
from jobtracker.listings.tasks import import_run
from jobtracker.tasks import runtime
from jobtracker.tasks.enqueue import enqueue
from jobtracker.tasks.queues import Priority


def list_sources(session: Session, *, page: Pagination) -> tuple[list[Source], int]:
    repository = SourceRepository(session)
    return repository.page(repository.ordered(), page)


def get_source(session: Session, *, source_id: uuid.UUID) -> Source:
    source = SourceRepository(session).get(source_id)
    if source is None:
        raise NotFound("No such source.")
    return source


def create_source(session: Session, *, data: SourceCreate) -> Source:
    """A new source; its kind must be known and its config valid for that kind."""
    _check_config(data.kind, data.config)
    _check_name_free(session, data.name)
    return SourceRepository(session).add(Source(**data.model_dump()))


def update_source(session: Session, *, source_id: uuid.UUID, data: SourcePatch) -> Source:
    source = get_source(session, source_id=source_id)
    values = data.model_dump(exclude_unset=True)
    if values.get("config") is not None:
        _check_config(source.kind, values["config"])
    if values.get("name") and values["name"] != source.name:
        _check_name_free(session, values["name"])
    if values.get("every_minutes") is not None:
        values["cron"] = None  # one schedule at a time: the one just given
    elif values.get("cron") is not None:
        values["every_minutes"] = None
    return SourceRepository(session).update(source, values)


def delete_source(session: Session, *, source_id: uuid.UUID) -> None:
    """The source and its runs go; its listings stay, with their other sightings."""
    SourceRepository(session).delete(get_source(session, source_id=source_id))


def start_import(session: Session, *, source_id: uuid.UUID, trigger: Trigger) -> ImportRun:
    """A new import run of the source, its task enqueued in the caller's transaction. A source
    with a run already queued or running gets that run back (one run per source at a time)."""
    source = get_source(session, source_id=source_id)
    runs = ImportRunRepository(session)
    active = [run for run in runs.in_progress() if run.source_id == source.id]
    if active:
        return active[0]
    run = runs.add(ImportRun(source_id=source.id, trigger=trigger))
    priority = Priority.USER if trigger == Trigger.MANUAL else Priority.BULK
    run.task_id = enqueue(session, import_run, str(run.id), priority=priority,
                          task_id=f"listings.import_run:{run.id}")  # fmt: skip
    SourceRepository(session).update(source, {"last_run_at": run.started_at})
    return run


def list_runs(
    session: Session,
    *,
    source_id: uuid.UUID | None,
    statuses: Sequence[RunStatus],
    page: Pagination,
) -> tuple[list[ImportRun], int]:
    repository = ImportRunRepository(session)
    return repository.page(repository.search(source_id=source_id, statuses=statuses), page)


def get_run(session: Session, *, run_id: uuid.UUID) -> ImportRun:
    run = ImportRunRepository(session).get(run_id)
    if run is None:
        raise NotFound("No such import run.")
    return run


def due_sources(session: Session, *, now: datetime) -> list[Source]:
    """Enabled sources whose schedule says a run is due, the higher priority first (runs of one
    queue start in the order they were enqueued)."""
    due = [source for source in SourceRepository(session).enabled() if _is_due(source, now)]
    return sorted(due, key=lambda source: -source.priority)


def _is_due(source: Source, now: datetime) -> bool:
    last = source.last_run_at
    if source.every_minutes:
        return last is None or now - last >= timedelta(minutes=source.every_minutes)
    if source.cron:
        start = last or source.created_at
        return bool(croniter(source.cron, start).get_next(datetime) <= now)
    return False


def _check_config(kind: str, config: dict[str, Any]) -> None:
    if kind not in ADAPTERS:
        known = ", ".join(sorted(ADAPTERS))
        raise InvalidInput(f"Unknown kind; known: {known}.", field=("body", "kind"), rule="kind")
    try:
        adapter_for(kind, config)
    except ValidationError as error:
        problem = error.errors()[0]
        where = ("body", "config", *[str(part) for part in problem["loc"]])
        raise InvalidInput(problem["msg"], field=where, rule=problem["type"]) from error


def _check_name_free(session: Session, name: str) -> None:
    if SourceRepository(session).by_name(name):
        raise Conflict("A source with this name already exists.")


def runs_in_progress_snapshot() -> dict[str, Any]:
    """The runs queued or running, with their counters so far, as one stream event; read on a
    lock-free connection of its own (the request's session has closed when a stream runs)."""
    engine = runtime.current().engine
    with (
        engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection,
        Session(bind=connection) as session,
    ):
        runs = ImportRunRepository(session).in_progress()
        items = [ImportRunRead.model_validate(run).model_dump(mode="json") for run in runs]
        return {"type": "imports", "runs": items}
