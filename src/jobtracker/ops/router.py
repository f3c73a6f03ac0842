"""Operations: health, readiness and metrics for load balancers and Prometheus; the admin API
for background work (dead letters, queue figures, the worker probe)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import Engine, text

from jobtracker.auth.dependencies import AdminUser
from jobtracker.db import DbSession
from jobtracker.kit import sse
from jobtracker.kit.pagination import PaginationParams
from jobtracker.kit.schemas import Page
from jobtracker.migrations import is_at_head
from jobtracker.tasks import service as tasks
from jobtracker.tasks.schemas import (
    DeadLetter,
    ProbeRead,
    ProbeRequest,
    QueuesOverview,
    RequeueRequest,
    RequeueResult,
)

router = APIRouter(tags=["operations"])
admin_router = APIRouter(prefix="/api", tags=["operations"])
QUEUE_STREAM_SECONDS = 2.0


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is alive (no dependency is checked)."""
    return {"status": "ok"}


@router.get("/readyz", responses={503: {"description": "Not ready"}})
def readyz(request: Request) -> JSONResponse:
    """Ready for traffic: the database answers and its schema is at the latest migration."""
    engine: Engine = request.app.state.engine
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("SELECT 1"))
        migrated = is_at_head(engine)
    except Exception as error:  # any database failure means "not ready", with its reason
        return JSONResponse({"status": "unavailable", "database": str(error)[:200]}, 503)
    if not migrated:
        return JSONResponse({"status": "unavailable", "database": "migrations pending"}, 503)
    return JSONResponse({"status": "ok", "database": "ok"})


@router.get("/metrics", include_in_schema=False)
def metrics() -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


@admin_router.get("/dlq")
def list_dead_letters(
    admin: AdminUser,
    page: PaginationParams,
    task: Annotated[str | None, Query(max_length=200, description="Task name")] = None,
    queue: Annotated[str | None, Query(max_length=100)] = None,
    since: Annotated[datetime | None, Query(description="Failed tasks created since")] = None,
) -> Page[DeadLetter]:
    items, total = tasks.list_dead_letters(page=page, task=task, queue=queue, since=since)
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


@admin_router.get("/dlq/{task_id}")
def read_dead_letter(task_id: str, admin: AdminUser) -> DeadLetter:
    return tasks.get_dead_letter(task_id=task_id)


@admin_router.post("/dlq/requeue")
def requeue_many(data: RequeueRequest, admin: AdminUser) -> RequeueResult:
    return RequeueResult(requeued=tasks.requeue(task_ids=data.ids))


@admin_router.post("/dlq/{task_id}/requeue")
def requeue_one(task_id: str, admin: AdminUser) -> RequeueResult:
    return RequeueResult(requeued=tasks.requeue(task_ids=[task_id]))


@admin_router.delete("/dlq/{task_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_dead_letter(task_id: str, admin: AdminUser) -> Response:
    tasks.delete_dead_letter(task_id=task_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@admin_router.get("/ops/queues")
def queues(admin: AdminUser, session: DbSession) -> QueuesOverview:
    return tasks.queues_overview(session)


@admin_router.get("/ops/queues/stream", response_class=sse.EventSourceResponse)
async def queues_stream(admin: AdminUser) -> AsyncIterator[sse.ServerSentEvent]:
    """The same figures as Server-Sent Events (`event: queues`), every 2 seconds."""
    async for message in sse.every(QUEUE_STREAM_SECONDS, tasks.queues_snapshot):
        yield message


@admin_router.post("/ops/probes", status_code=status.HTTP_202_ACCEPTED)
def start_probe(data: ProbeRequest, admin: AdminUser, session: DbSession) -> ProbeRead:
    """Enqueue a task that any worker runs: checks that the fleet is taking work."""
    return tasks.start_probe(session, seconds=data.seconds)


@admin_router.get("/ops/probes/{probe_id}")
def read_probe(probe_id: str, admin: AdminUser, session: DbSession) -> ProbeRead:
    return tasks.get_probe(session, probe_id=probe_id)
