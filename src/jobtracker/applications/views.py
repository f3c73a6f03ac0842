"""Web pages for applications: the table with filters, the form, an application's page."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, Query, Request, Response, UploadFile
from pydantic import BaseModel, ValidationError

from jobtracker.applications import service
from jobtracker.applications.models import Application, Status
from jobtracker.applications.schemas import (
    MAX_CSV_BYTES,
    STATUS_LABELS,
    ApplicationFilters,
    ApplicationPatch,
    ApplicationUpdate,
    ClipRequest,
    SortKey,
)
from jobtracker.auth.dependencies import WebUser
from jobtracker.contacts import service as contacts
from jobtracker.db import DbSession
from jobtracker.files import service as files
from jobtracker.interviews import service as interviews
from jobtracker.kit import web
from jobtracker.kit.dependencies import SettingsDep
from jobtracker.kit.forms import blank_to_none, field_errors
from jobtracker.kit.pagination import Pagination
from jobtracker.kit.problems import ProblemError
from jobtracker.kit.uploads import csv_download, read_upload
from jobtracker.listings import service as listings

router = APIRouter(include_in_schema=False, dependencies=[Depends(web.require_csrf)])

PAGE_SIZE = 25
LABELS = {
    "company": "Company", "position": "Position", "location": "Location", "salary": "Salary",
    "job_url": "Job link", "job_description": "Job description", "status": "Status",
    "applied_on": "Applied on", "notes": "Notes", "resume_id": "Resume sent",
}  # fmt: skip


class ApplicationForm(BaseModel):
    company: str = ""
    position: str = ""
    location: str = ""
    salary: str = ""
    job_url: str = ""
    job_description: str = ""
    status: str = Status.SAVED
    applied_on: str = ""
    notes: str = ""
    resume_id: str = ""


@router.get("/applications")
def applications_page(
    request: Request,
    user: WebUser,
    session: DbSession,
    q: Annotated[str, Query(max_length=200)] = "",
    status: Annotated[list[Status], Query()] = [],  # noqa: B006
    stale: bool = False,
    deleted: bool = False,
    sort: SortKey = "updated",
    order: Literal["asc", "desc"] = "desc",
    page: Annotated[int, Query(ge=1)] = 1,
) -> Response:
    filters = ApplicationFilters(
        statuses=tuple(status), query=q, stale=True if stale else None, deleted=deleted,
        sort=sort, descending=order == "desc",
    )  # fmt: skip
    pagination = Pagination(limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    rows, total = service.list_applications(session, owner=user, filters=filters, page=pagination)
    context = {
        "user": user, "applications": rows, "total": total, "q": q, "selected": set(status),
        "stale": stale, "deleted": deleted, "sort": sort, "order": order, "page": page,
        "has_next": page * PAGE_SIZE < total, "statuses": STATUS_LABELS,
        "query_string": request.url.query,
    }  # fmt: skip
    return web.render_page_or_fragment(
        request, "applications/list.html", "applications/_table.html", context
    )


@router.get("/applications/new")
def new_application_page(request: Request, user: WebUser, session: DbSession) -> Response:
    return _form_page(request, user, session, ApplicationForm().model_dump())


@router.post("/applications/new")
def create_application(
    request: Request,
    user: WebUser,
    session: DbSession,
    form: Annotated[ApplicationForm, Form()],
) -> Response:
    try:
        data = ApplicationUpdate.model_validate(blank_to_none(form.model_dump()))
        application = service.create_application(session, owner=user, data=data)
    except ValidationError as error:
        return _form_page(request, user, session, form.model_dump(), field_errors(error, LABELS))
    except ProblemError as error:
        return _form_page(request, user, session, form.model_dump(), field_errors(error, LABELS))
    return web.redirect(f"/applications/{application.id}")


@router.get("/applications/clip")
def clip_page(
    request: Request, user: WebUser, settings: SettingsDep, url: Annotated[str, Query()] = ""
) -> Response:
    """Clip a job from any page; the bookmarklet opens this page with the tab's address."""
    return _clip_page(request, user, settings, url)


@router.post("/applications/clip")
def clip_application(
    request: Request,
    user: WebUser,
    session: DbSession,
    settings: SettingsDep,
    url: Annotated[str, Form()] = "",
) -> Response:
    try:
        data = ClipRequest(url=url)
        clipped = listings.clip_page(session, settings, owner=user, url=data.url)
    except (ValidationError, ProblemError) as error:
        message = field_errors(error, {"url": "Address"}).get("url", "Address: not valid")
        return _clip_page(request, user, settings, url, message)
    return web.redirect(f"/applications/{clipped.application.id}?clipped={clipped.found_by}")


def _clip_page(
    request: Request, user: Any, settings: Any, url: str, error: str | None = None
) -> Response:
    base = settings.base_url.rstrip("/")
    bookmarklet = (
        "javascript:(()=>{location.href='"
        + base
        + "/applications/clip?url='+encodeURIComponent(location.href)})()"
    )
    context = {"user": user, "url": url, "error": error, "bookmarklet": bookmarklet}
    return web.render(request, "applications/clip.html", context, 422 if error else 200)


@router.get("/applications/import")
def import_page(request: Request, user: WebUser) -> Response:
    return web.render(request, "applications/import.html", {"user": user})


@router.post("/applications/import")
async def import_spreadsheet(
    request: Request, user: WebUser, session: DbSession, file: Annotated[UploadFile, File()]
) -> Response:
    try:
        data = await read_upload(file, max_bytes=MAX_CSV_BYTES)
        report = service.import_csv(session, owner=user, data=data)
    except ProblemError as error:
        context = {"user": user, "error": error.detail}
        return web.render(request, "applications/import.html", context, error.status)
    return web.render(request, "applications/import.html", {"user": user, "report": report})


@router.get("/applications/export.csv")
def export_spreadsheet(user: WebUser, session: DbSession) -> Response:
    return csv_download(service.export_csv(session, owner=user))


@router.get("/applications/{application_id}")
def application_page(
    request: Request, application_id: uuid.UUID, user: WebUser, session: DbSession
) -> Response:
    application = service.get_application(session, owner_id=user.id, application_id=application_id)
    return _detail_page(request, user, session, application, _form_of(application))


@router.post("/applications/{application_id}")
def save_application(
    request: Request,
    application_id: uuid.UUID,
    user: WebUser,
    session: DbSession,
    form: Annotated[ApplicationForm, Form()],
) -> Response:
    application = service.get_application(session, owner_id=user.id, application_id=application_id)
    try:
        data = ApplicationUpdate.model_validate(blank_to_none(form.model_dump()))
        service.update_application(session, owner=user, application_id=application_id, data=data)
    except ValidationError as error:
        errors = field_errors(error, LABELS)
        return _detail_page(request, user, session, application, form.model_dump(), errors)
    except ProblemError as error:
        errors = field_errors(error, LABELS)
        return _detail_page(request, user, session, application, form.model_dump(), errors)
    return web.redirect(f"/applications/{application_id}?saved=true")


@router.post("/applications/{application_id}/status")
def move_application(
    application_id: uuid.UUID,
    user: WebUser,
    session: DbSession,
    status: Annotated[Status, Form()],
) -> Response:
    data = ApplicationPatch(status=status)
    service.update_application(session, owner=user, application_id=application_id, data=data)
    return web.redirect(f"/applications/{application_id}")


@router.post("/applications/{application_id}/delete")
def delete_application(application_id: uuid.UUID, user: WebUser, session: DbSession) -> Response:
    service.delete_application(session, owner=user, application_id=application_id)
    return web.redirect("/applications?deleted_one=true")


@router.post("/applications/{application_id}/restore")
def restore_application(application_id: uuid.UUID, user: WebUser, session: DbSession) -> Response:
    service.restore_application(session, owner=user, application_id=application_id)
    return web.redirect(f"/applications/{application_id}")


def _form_page(
    request: Request,
    user: Any,
    session: DbSession,
    form: dict[str, Any],
    errors: dict[str, str] | None = None,
) -> Response:
    context = {"user": user, "form": form, "errors": errors or {}, **_choices(session, user)}
    return web.render(request, "applications/new.html", context, 422 if errors else 200)


def _detail_page(
    request: Request,
    user: Any,
    session: DbSession,
    application: Application,
    form: dict[str, Any],
    errors: dict[str, str] | None = None,
) -> Response:
    history = service.history(session, owner=user, application_id=application.id)
    context = {
        "user": user, "application": application, "history": history, "form": form,
        "errors": errors or {}, "saved": request.query_params.get("saved") == "true",
        **_choices(session, user), **_related(session, user, application),
    }  # fmt: skip
    return web.render(request, "applications/detail.html", context, 422 if errors else 200)


def _choices(session: DbSession, user: Any) -> dict[str, Any]:
    return {"statuses": STATUS_LABELS, "resumes": files.choices(session, owner_id=user.id)}


def _related(session: DbSession, user: Any, application: Application) -> dict[str, Any]:
    """What other domains keep about this application (interviews, contacts)."""
    return {
        "interviews": interviews.list_for_application(
            session, owner=user, application_id=application.id
        ),
        "contacts": contacts.list_for_application(
            session, owner=user, application_id=application.id
        ),
    }


def _form_of(application: Application) -> dict[str, Any]:
    values = {name: getattr(application, name) for name in ApplicationForm.model_fields}
    return {name: "" if value is None else str(value) for name, value in values.items()}
