"""Admin JSON API of the catalogue: sources, import runs, starting a run, the live runs."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from jobtracker.auth.dependencies import AdminUser
from jobtracker.db import DbSession
from jobtracker.kit import sse
from jobtracker.kit.pagination import PaginationParams
from jobtracker.kit.schemas import Page
from jobtracker.listings import admin
from jobtracker.listings.models import RunStatus, Trigger
from jobtracker.listings.schemas_admin import (
    ImportRunRead,
    ImportStarted,
    SourceCreate,
    SourcePatch,
    SourceRead,
)

router = APIRouter(prefix="/api/ops", tags=["operations"])
RUNS_STREAM_SECONDS = 1.0


@router.get("/sources")
def list_sources(
    admin_user: AdminUser, session: DbSession, page: PaginationParams
) -> Page[SourceRead]:
    rows, total = admin.list_sources(session, page=page)
    items = [SourceRead.model_validate(row) for row in rows]
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


@router.post("/sources", status_code=status.HTTP_201_CREATED)
def create_source(data: SourceCreate, admin_user: AdminUser, session: DbSession) -> SourceRead:
    return SourceRead.model_validate(admin.create_source(session, data=data))


@router.get("/sources/{source_id}")
def read_source(source_id: uuid.UUID, admin_user: AdminUser, session: DbSession) -> SourceRead:
    return SourceRead.model_validate(admin.get_source(session, source_id=source_id))


@router.patch("/sources/{source_id}")
def patch_source(
    source_id: uuid.UUID, data: SourcePatch, admin_user: AdminUser, session: DbSession
) -> SourceRead:
    return SourceRead.model_validate(admin.update_source(session, source_id=source_id, data=data))


@router.delete("/sources/{source_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_source(source_id: uuid.UUID, admin_user: AdminUser, session: DbSession) -> Response:
    admin.delete_source(session, source_id=source_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/sources/{source_id}/import", status_code=status.HTTP_202_ACCEPTED)
def start_import(source_id: uuid.UUID, admin_user: AdminUser, session: DbSession) -> ImportStarted:
    """Import now; answers at once with the run to follow (GET /api/ops/imports/{id})."""
    run = admin.start_import(session, source_id=source_id, trigger=Trigger.MANUAL)
    return ImportStarted(run_id=run.id, status=run.status)


@router.get("/imports")
def list_runs(
    admin_user: AdminUser,
    session: DbSession,
    page: PaginationParams,
    source_id: uuid.UUID | None = None,
    status: Annotated[list[RunStatus], Query()] = [],  # noqa: B006
) -> Page[ImportRunRead]:
    rows, total = admin.list_runs(session, source_id=source_id, statuses=status, page=page)
    items = [ImportRunRead.model_validate(row) for row in rows]
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


@router.get("/imports/stream", response_class=sse.EventSourceResponse)
async def runs_stream(admin_user: AdminUser) -> AsyncIterator[sse.ServerSentEvent]:
    """The runs in progress with their counters, as Server-Sent Events (`imports`), every second."""
    async for message in sse.every(RUNS_STREAM_SECONDS, admin.runs_in_progress_snapshot):
        yield message


@router.get("/imports/{run_id}")
def read_run(run_id: uuid.UUID, admin_user: AdminUser, session: DbSession) -> ImportRunRead:
    return ImportRunRead.model_validate(admin.get_run(session, run_id=run_id))
