"""Admin pages of the catalogue: sources (add, edit, enable, import now) and import runs with
their counts and errors, refreshed live while a run is in progress."""

from __future__ import annotations

import json
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request, Response
from pydantic import BaseModel, ValidationError

from jobtracker.auth.dependencies import WebAdmin
from jobtracker.db import DbSession
from jobtracker.kit import web
from jobtracker.kit.forms import blank_to_none, field_errors
from jobtracker.kit.pagination import Pagination
from jobtracker.kit.problems import ProblemError
from jobtracker.listings import admin
from jobtracker.listings.models import RunStatus, Trigger
from jobtracker.listings.schemas_admin import SourceCreate, SourcePatch
from jobtracker.listings.sources import ADAPTERS

router = APIRouter(include_in_schema=False, dependencies=[Depends(web.require_csrf)])
LABELS = {"kind": "Kind", "name": "Name", "config": "Settings", "every_minutes": "Every",
          "cron": "Cron", "priority": "Priority", "form": "Source"}  # fmt: skip
RUNS_SHOWN = 50


class SourceForm(BaseModel):
    kind: str = ""
    name: str = ""
    config: str = "{}"
    every_minutes: str = ""
    cron: str = ""
    enabled: bool = False
    priority: str = "0"


@router.get("/ops/sources")
def sources_page(request: Request, user: WebAdmin, session: DbSession) -> Response:
    return _sources_page(request, user, session, SourceForm(enabled=True).model_dump(), {})


@router.post("/ops/sources")
def add_source(
    request: Request, user: WebAdmin, session: DbSession, form: Annotated[SourceForm, Form()]
) -> Response:
    try:
        data = SourceCreate.model_validate(_values(form))
        source = admin.create_source(session, data=data)
    except (ValidationError, ProblemError) as error:
        return _sources_page(request, user, session, form.model_dump(), field_errors(error, LABELS))
    return web.redirect(f"/ops/sources/{source.id}")


@router.get("/ops/sources/{source_id}")
def source_page(
    request: Request, source_id: uuid.UUID, user: WebAdmin, session: DbSession
) -> Response:
    source = admin.get_source(session, source_id=source_id)
    form = {**SourceForm().model_dump(), **_form_of(source)}
    return _source_page(request, user, session, source_id, form, {})


@router.post("/ops/sources/{source_id}")
def save_source(
    request: Request,
    source_id: uuid.UUID,
    user: WebAdmin,
    session: DbSession,
    form: Annotated[SourceForm, Form()],
) -> Response:
    try:
        values = {k: v for k, v in _values(form).items() if k != "kind"}
        admin.update_source(session, source_id=source_id, data=SourcePatch.model_validate(values))
    except (ValidationError, ProblemError) as error:
        errors = field_errors(error, LABELS)
        return _source_page(request, user, session, source_id, form.model_dump(), errors)
    return web.redirect(f"/ops/sources/{source_id}?saved=true")


@router.post("/ops/sources/{source_id}/import")
def import_now(source_id: uuid.UUID, user: WebAdmin, session: DbSession) -> Response:
    run = admin.start_import(session, source_id=source_id, trigger=Trigger.MANUAL)
    return web.redirect(f"/ops/imports/{run.id}")


@router.post("/ops/sources/{source_id}/enabled")
def set_enabled(
    source_id: uuid.UUID, user: WebAdmin, session: DbSession, enabled: Annotated[bool, Form()]
) -> Response:
    admin.update_source(session, source_id=source_id, data=SourcePatch(enabled=enabled))
    return web.redirect("/ops/sources")


@router.get("/ops/imports")
def runs_page(request: Request, user: WebAdmin, session: DbSession) -> Response:
    runs, total = admin.list_runs(
        session, source_id=None, statuses=(), page=Pagination(limit=RUNS_SHOWN)
    )
    context = {"user": user, "runs": runs, "total": total, "names": _source_names(session),
               "live": any(run.status in ACTIVE for run in runs)}  # fmt: skip
    return web.render_page_or_fragment(
        request, "listings/admin_runs.html", "listings/_admin_runs_table.html", context
    )


@router.get("/ops/imports/{run_id}")
def run_page(request: Request, run_id: uuid.UUID, user: WebAdmin, session: DbSession) -> Response:
    run = admin.get_run(session, run_id=run_id)
    source = admin.get_source(session, source_id=run.source_id)
    context = {"user": user, "run": run, "source": source, "live": run.status in ACTIVE}
    return web.render_page_or_fragment(
        request, "listings/admin_run.html", "listings/_admin_run_figures.html", context
    )


ACTIVE = (RunStatus.QUEUED, RunStatus.RUNNING)


def _sources_page(
    request: Request, user: Any, session: DbSession, form: dict[str, Any], errors: dict[str, str]
) -> Response:
    sources, total = admin.list_sources(session, page=Pagination(limit=100))
    context = {"user": user, "sources": sources, "total": total, "form": form,
               "errors": errors, "kinds": sorted(ADAPTERS)}  # fmt: skip
    return web.render(request, "listings/admin_sources.html", context, 422 if errors else 200)


def _source_page(
    request: Request,
    user: Any,
    session: DbSession,
    source_id: uuid.UUID,
    form: dict[str, Any],
    errors: dict[str, str],
) -> Response:
    source = admin.get_source(session, source_id=source_id)
    runs, _ = admin.list_runs(session, source_id=source_id, statuses=(), page=Pagination(limit=20))
    context = {"user": user, "source": source, "runs": runs, "form": form, "errors": errors,
               "saved": request.query_params.get("saved") == "true"}  # fmt: skip
    return web.render(request, "listings/admin_source.html", context, 422 if errors else 200)


def _values(form: SourceForm) -> dict[str, Any]:
    """The form's text as the API's fields; the settings are a JSON object."""
    values = blank_to_none(form.model_dump())
    try:
        values["config"] = json.loads(form.config or "{}")
    except json.JSONDecodeError:
        values["config"] = form.config  # the schema refuses it, naming the field
    return values


def _form_of(source: Any) -> dict[str, Any]:
    return {
        "kind": source.kind, "name": source.name, "config": json.dumps(source.config, indent=2),
        "every_minutes": source.every_minutes or "", "cron": source.cron or "",
        "enabled": source.enabled, "priority": source.priority,
    }  # fmt: skip


def _source_names(session: DbSession) -> dict[uuid.UUID, str]:
    sources, _ = admin.list_sources(session, page=Pagination(limit=100))
    return {source.id: source.name for source in sources}
