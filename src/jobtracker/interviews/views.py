"""Web pages: my interviews (filters, calendar link), a new interview, one interview (details,
edit, delete). Dates and times are shown and entered in the user's time zone."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request, Response
from pydantic import BaseModel, ValidationError

from jobtracker.auth.dependencies import WebUser
from jobtracker.db import DbSession
from jobtracker.interviews import service
from jobtracker.interviews.schemas import (
    InterviewCreate,
    InterviewFilters,
    InterviewRead,
    InterviewType,
    InterviewUpdate,
)
from jobtracker.kit import web
from jobtracker.kit.clock import utcnow
from jobtracker.kit.dependencies import SettingsDep
from jobtracker.kit.pagination import Pagination
from jobtracker.kit.problems import InvalidInput
from jobtracker.users import service as users

router = APIRouter(include_in_schema=False, dependencies=[Depends(web.require_csrf)])

PAGE_SIZE = 20
FIELD_LABELS = {
    "application_id": "Application", "company": "Company", "position": "Position",
    "starts_at": "Date and time", "duration_minutes": "Duration", "type": "Type",
    "location": "Location or link", "details": "Details", "outcome_notes": "Outcome notes",
}  # fmt: skip
# The form enters the start as two inputs; its errors show at the date.
FORM_FIELDS = {"starts_at": "date"}


class InterviewForm(BaseModel):
    application_id: str = ""
    company: str = ""
    position: str = ""
    date: str = ""
    time: str = ""
    duration_minutes: str = "60"
    type: str = InterviewType.ONLINE.value
    location: str = ""
    details: str = ""
    outcome_notes: str = ""


@router.get("/interviews")
def interviews_page(
    request: Request,
    user: WebUser,
    session: DbSession,
    settings: SettingsDep,
    first_day: Annotated[str, Query(alias="from", max_length=20)] = "",
    last_day: Annotated[str, Query(alias="to", max_length=20)] = "",
    types: Annotated[list[str] | None, Query(alias="type")] = None,
    upcoming: bool = False,
    page: Annotated[int, Query(ge=1)] = 1,
    deleted: bool = False,
) -> Response:
    filters, errors = _filters(first_day, last_day, types or [], upcoming)
    pagination = Pagination(limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    try:
        items, total = service.list_interviews(
            session, owner=user, filters=filters, page=pagination
        )
    except InvalidInput as error:
        items, total, errors = [], 0, [*errors, f"To: {error.detail}"]
    context = {
        "user": user, "items": items, "total": total, "page": page, "errors": errors,
        "has_next": page * PAGE_SIZE < total, "now": utcnow(), "deleted": deleted,
        "filters": {"from": first_day, "to": last_day, "types": set(types or []),
                    "upcoming": upcoming},
        "filter_query": _query(first_day, last_day, types or [], upcoming),
        "calendar_url": users.calendar_url(settings, user=user),
        "type_choices": list(InterviewType),
    }  # fmt: skip
    return web.render_page_or_fragment(
        request, "interviews/list.html", "interviews/_results.html", context
    )


@router.get("/interviews/new")
def new_interview_page(
    request: Request, user: WebUser, session: DbSession, application_id: uuid.UUID | None = None
) -> Response:
    form = InterviewForm().model_dump()
    if application_id is not None:
        form |= service.draft_for_application(session, owner=user, application_id=application_id)
    return _form_page(request, session, user, form)


@router.post("/interviews")
def create_interview(
    request: Request, user: WebUser, session: DbSession, form: Annotated[InterviewForm, Form()]
) -> Response:
    try:
        data = InterviewCreate.model_validate(_values(form))
        interview = service.create_interview(session, owner=user, data=data)
    except (ValidationError, InvalidInput) as error:
        return _form_page(request, session, user, form.model_dump(), _field_errors(error))
    return web.redirect(f"/interviews/{interview.id}?saved=true")


@router.get("/interviews/{interview_id}")
def interview_page(
    request: Request, interview_id: uuid.UUID, user: WebUser, session: DbSession,
    saved: bool = False,
) -> Response:  # fmt: skip
    interview = service.get_interview(session, owner=user, interview_id=interview_id)
    return _detail_page(request, session, user, interview, _form_from(interview), saved=saved)


@router.post("/interviews/{interview_id}")
def save_interview(
    request: Request, interview_id: uuid.UUID, user: WebUser, session: DbSession,
    form: Annotated[InterviewForm, Form()],
) -> Response:  # fmt: skip
    try:
        data = InterviewUpdate.model_validate(_values(form))
        service.update_interview(session, owner=user, interview_id=interview_id, data=data)
    except (ValidationError, InvalidInput) as error:
        interview = service.get_interview(session, owner=user, interview_id=interview_id)
        return _detail_page(
            request, session, user, interview, form.model_dump(), errors=_field_errors(error)
        )
    return web.redirect(f"/interviews/{interview_id}?saved=true")


@router.post("/interviews/{interview_id}/delete")
def delete_interview(
    request: Request, interview_id: uuid.UUID, user: WebUser, session: DbSession
) -> Response:
    service.delete_interview(session, owner=user, interview_id=interview_id)
    return web.redirect("/interviews?deleted=true")


def _form_page(
    request: Request, session: DbSession, user: Any, form: dict[str, Any],
    errors: dict[str, tuple[str, str]] | None = None,
) -> Response:  # fmt: skip
    context = {
        "user": user, "form": form, "errors": errors or {}, "type_choices": list(InterviewType),
        "applications": service.application_choices(session, owner=user),
    }  # fmt: skip
    return web.render(request, "interviews/new.html", context, 422 if errors else 200)


def _detail_page(
    request: Request, session: DbSession, user: Any, interview: InterviewRead,
    form: dict[str, Any], *, errors: dict[str, tuple[str, str]] | None = None, saved: bool = False,
) -> Response:  # fmt: skip
    context = {
        "user": user, "interview": interview, "form": form, "errors": errors or {},
        "saved": saved, "type_choices": list(InterviewType), "minutes_text": service.minutes_text,
        "applications": service.application_choices(session, owner=user),
    }  # fmt: skip
    return web.render(request, "interviews/detail.html", context, 422 if errors else 200)


def _filters(
    first_day: str, last_day: str, types: list[str], upcoming: bool
) -> tuple[InterviewFilters, list[str]]:
    """The list's filters from the form's text; what cannot be read is left out and said."""
    errors = []
    days: list[date | None] = []
    for label, text in (("From", first_day), ("To", last_day)):
        try:
            days.append(date.fromisoformat(text) if text else None)
        except ValueError:
            days.append(None)
            errors.append(f"{label}: not a date (YYYY-MM-DD)")
    known = tuple(InterviewType(value) for value in types if value in set(InterviewType))
    filters = InterviewFilters(from_date=days[0], to_date=days[1], types=known, upcoming=upcoming)
    return filters, errors


def _query(first_day: str, last_day: str, types: list[str], upcoming: bool) -> str:
    """The filters as a query string, for the pager's links."""
    pairs = [("from", first_day), ("to", last_day), *(("type", value) for value in types)]
    if upcoming:
        pairs.append(("upcoming", "true"))
    return urlencode([(name, value) for name, value in pairs if value])


def _values(form: InterviewForm) -> dict[str, Any]:
    """Form text to the API's shape: empty means unset; date and time make a naive start, which
    the service reads in the user's time zone."""
    values: dict[str, Any] = {
        name: value.strip() or None for name, value in form.model_dump().items()
    }
    day, moment = values.pop("date"), values.pop("time")
    if day and moment:  # half of it is no start at all: "Field required"
        values["starts_at"] = f"{day}T{moment}"
    if values["duration_minutes"] is None:
        del values["duration_minutes"]
    return values


def _field_errors(error: ValidationError | InvalidInput) -> dict[str, tuple[str, str]]:
    """Form field → (its label, the message), for the summary and for the field itself."""
    items = error.errors() if isinstance(error, ValidationError) else error.extensions["errors"]
    messages: dict[str, tuple[str, str]] = {}
    for item in items:
        name = str(item["loc"][-1]) if item["loc"] else "form"
        label = FIELD_LABELS.get(name, name)
        messages.setdefault(FORM_FIELDS.get(name, name), (label, str(item["msg"])))
    return messages


def _form_from(interview: InterviewRead) -> dict[str, Any]:
    local = interview.starts_at_local
    return {
        "application_id": str(interview.application_id or ""), "company": interview.company,
        "position": interview.position, "date": local.date().isoformat(),
        "time": local.strftime("%H:%M"), "duration_minutes": str(interview.duration_minutes),
        "type": interview.type.value, "location": interview.location or "",
        "details": interview.details or "", "outcome_notes": interview.outcome_notes or "",
    }  # fmt: skip
