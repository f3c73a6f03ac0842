"""JSON API for applications: the pipeline, the list with its filters, history and the bin."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, File, Query, Response, UploadFile, status
from fastapi.responses import StreamingResponse

from jobtracker.applications import service
from jobtracker.applications.models import Status
from jobtracker.applications.schemas import (
    MAX_CSV_BYTES,
    ApplicationCreate,
    ApplicationFilters,
    ApplicationPatch,
    ApplicationRead,
    ApplicationUpdate,
    ClipRequest,
    ImportReport,
    SortKey,
    StatusChangeRead,
    StatusRead,
)
from jobtracker.auth.dependencies import CurrentUser
from jobtracker.db import DbSession
from jobtracker.kit.dependencies import SettingsDep
from jobtracker.kit.pagination import PaginationParams
from jobtracker.kit.schemas import Page
from jobtracker.kit.uploads import csv_download, read_upload
from jobtracker.listings import service as listings

router = APIRouter(prefix="/api", tags=["applications"])


@router.get("/statuses")
def list_statuses() -> list[StatusRead]:
    """The pipeline, in order."""
    return service.list_statuses()


@router.post("/applications", status_code=status.HTTP_201_CREATED)
def create_application(
    data: ApplicationCreate, user: CurrentUser, session: DbSession
) -> ApplicationRead:
    return ApplicationRead.model_validate(
        service.create_application(session, owner=user, data=data)
    )


@router.get("/applications")
def list_applications(
    user: CurrentUser,
    session: DbSession,
    page: PaginationParams,
    status: Annotated[list[Status], Query(description="One or several")] = [],  # noqa: B006
    q: Annotated[str, Query(max_length=200, description="Part of the company or position")] = "",
    stale: Annotated[bool | None, Query(description="Only stale (true) or fresh (false)")] = None,
    deleted: Annotated[bool, Query(description="The bin instead of the live list")] = False,
    sort: SortKey = "updated",
    order: Literal["asc", "desc"] = "desc",
) -> Page[ApplicationRead]:
    filters = ApplicationFilters(
        statuses=tuple(status), query=q, stale=stale, deleted=deleted, sort=sort,
        descending=order == "desc",
    )  # fmt: skip
    rows, total = service.list_applications(session, owner=user, filters=filters, page=page)
    items = [ApplicationRead.model_validate(row) for row in rows]
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


@router.post("/applications/from-url", status_code=status.HTTP_201_CREATED)
def clip_application(
    data: ClipRequest, user: CurrentUser, session: DbSession, settings: SettingsDep
) -> ApplicationRead:
    """Save the job at a URL: read from the page's schema.org JobPosting, else its OpenGraph
    title; 422 saying what could not be found."""
    clipped = listings.clip_page(session, settings, owner=user, url=data.url)
    return ApplicationRead.model_validate(clipped.application)


@router.post("/applications/import")
async def import_applications(
    file: Annotated[UploadFile, File(description="A CSV file, at most 5 MB")],
    user: CurrentUser,
    session: DbSession,
) -> ImportReport:
    """Create applications from a spreadsheet's rows; the report says what became of each."""
    data = await read_upload(file, max_bytes=MAX_CSV_BYTES)
    return service.import_csv(session, owner=user, data=data)


@router.get(
    "/applications/export.csv",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/csv": {}}}},
)
def export_applications(user: CurrentUser, session: DbSession) -> StreamingResponse:
    return csv_download(service.export_csv(session, owner=user))


@router.get("/applications/{application_id}")
def read_application(
    application_id: uuid.UUID, user: CurrentUser, session: DbSession
) -> ApplicationRead:
    application = service.get_application(session, owner_id=user.id, application_id=application_id)
    return ApplicationRead.model_validate(application)


@router.put("/applications/{application_id}")
def replace_application(
    application_id: uuid.UUID, data: ApplicationUpdate, user: CurrentUser, session: DbSession
) -> ApplicationRead:
    return _updated(session, user, application_id, data)


@router.patch("/applications/{application_id}")
def patch_application(
    application_id: uuid.UUID, data: ApplicationPatch, user: CurrentUser, session: DbSession
) -> ApplicationRead:
    return _updated(session, user, application_id, data)


def _updated(
    session: DbSession,
    user: CurrentUser,
    application_id: uuid.UUID,
    data: ApplicationUpdate | ApplicationPatch,
) -> ApplicationRead:
    application = service.update_application(
        session, owner=user, application_id=application_id, data=data
    )
    return ApplicationRead.model_validate(application)


@router.delete("/applications/{application_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_application(
    application_id: uuid.UUID, user: CurrentUser, session: DbSession
) -> Response:
    """Into the bin (restorable with POST .../restore)."""
    service.delete_application(session, owner=user, application_id=application_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/applications/{application_id}/restore")
def restore_application(
    application_id: uuid.UUID, user: CurrentUser, session: DbSession
) -> ApplicationRead:
    application = service.restore_application(session, owner=user, application_id=application_id)
    return ApplicationRead.model_validate(application)


@router.get("/applications/{application_id}/history")
def read_history(
    application_id: uuid.UUID, user: CurrentUser, session: DbSession
) -> list[StatusChangeRead]:
    """Every status change, oldest first; the first has no `from_status`."""
    changes = service.history(session, owner=user, application_id=application_id)
    return [StatusChangeRead.model_validate(change) for change in changes]
