"""JSON API for interviews, and their calendar feed."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from jobtracker.auth.dependencies import CurrentUser
from jobtracker.db import DbSession
from jobtracker.interviews import service
from jobtracker.interviews.schemas import (
    InterviewCreate,
    InterviewFilters,
    InterviewPatch,
    InterviewRead,
    InterviewType,
    InterviewUpdate,
)
from jobtracker.kit.dependencies import SettingsDep
from jobtracker.kit.pagination import PaginationParams
from jobtracker.kit.schemas import Page

router = APIRouter(prefix="/api", tags=["interviews"])

CALENDAR_MEDIA_TYPE = "text/calendar; charset=utf-8"


@router.post("/interviews", status_code=status.HTTP_201_CREATED)
def create_interview(data: InterviewCreate, user: CurrentUser, session: DbSession) -> InterviewRead:
    return service.create_interview(session, owner=user, data=data)


@router.get("/interviews")
def list_interviews(
    user: CurrentUser,
    session: DbSession,
    page: PaginationParams,
    from_date: Annotated[
        date | None, Query(alias="from", description="First day, in your time zone")
    ] = None,
    to_date: Annotated[
        date | None, Query(alias="to", description="Last day (included), in your time zone")
    ] = None,
    types: Annotated[
        list[InterviewType] | None, Query(alias="type", description="One or several")
    ] = None,
    application_id: uuid.UUID | None = None,
    upcoming: Annotated[bool, Query(description="Only those that have not ended")] = False,
) -> Page[InterviewRead]:
    """Your interviews, ordered by start."""
    filters = InterviewFilters(
        from_date=from_date, to_date=to_date, types=tuple(types or ()),
        application_id=application_id, upcoming=upcoming,
    )  # fmt: skip
    items, total = service.list_interviews(session, owner=user, filters=filters, page=page)
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


@router.get(
    "/interviews/calendar.ics",
    response_class=Response,
    responses={200: {"content": {"text/calendar": {}}, "description": "An iCalendar feed"}},
)
def calendar_feed(session: DbSession, settings: SettingsDep, token: str = "") -> Response:
    """Your interviews as an iCalendar feed for Google, Apple or any calendar to subscribe to.
    No login: the secret token (settings' `calendar_url`) is the key; renewing it ends this one."""
    body = service.calendar_feed(session, settings, token=token)
    return Response(body, media_type=CALENDAR_MEDIA_TYPE)


@router.get("/interviews/{interview_id}")
def read_interview(interview_id: uuid.UUID, user: CurrentUser, session: DbSession) -> InterviewRead:
    return service.get_interview(session, owner=user, interview_id=interview_id)


@router.put("/interviews/{interview_id}")
def replace_interview(
    interview_id: uuid.UUID, data: InterviewUpdate, user: CurrentUser, session: DbSession
) -> InterviewRead:
    return service.update_interview(session, owner=user, interview_id=interview_id, data=data)


@router.patch("/interviews/{interview_id}")
def patch_interview(
    interview_id: uuid.UUID, data: InterviewPatch, user: CurrentUser, session: DbSession
) -> InterviewRead:
    return service.update_interview(session, owner=user, interview_id=interview_id, data=data)


@router.delete("/interviews/{interview_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_interview(interview_id: uuid.UUID, user: CurrentUser, session: DbSession) -> Response:
    service.delete_interview(session, owner=user, interview_id=interview_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
