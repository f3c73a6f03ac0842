"""Web pages for resumes: upload, list, default, visibility, download, delete; and the download
of a resume another user shows on their profile."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Query, Request, Response, UploadFile

from jobtracker.auth.dependencies import WebUser
from jobtracker.config import Settings
from jobtracker.db import DbSession
from jobtracker.files import service
from jobtracker.files.formats import human_size
from jobtracker.files.http import UploadPageRoute, file_response
from jobtracker.files.schemas import ResumePatch
from jobtracker.kit import web
from jobtracker.kit.dependencies import SettingsDep
from jobtracker.kit.pagination import Pagination
from jobtracker.kit.problems import ProblemError
from jobtracker.users.service import User

router = APIRouter(
    include_in_schema=False, dependencies=[Depends(web.require_csrf)], route_class=UploadPageRoute
)

PAGE_SIZE = 20
NOTICES = {
    "uploaded": "Resume uploaded. Its text is being read in the background.",
    "saved": "Resume saved.",
    "deleted": "Resume deleted.",
}


@router.get("/resumes")
def resumes_page(
    request: Request,
    user: WebUser,
    session: DbSession,
    settings: SettingsDep,
    page: Annotated[int, Query(ge=1)] = 1,
    done: str = "",
    error: str = "",
) -> Response:
    errors = []
    if error == "too-large":  # a body past the limit is refused unread, and sent here
        errors.append(f"Files are limited to {human_size(settings.max_upload_bytes)}.")
    return _page(request, user, session, settings, page=page, errors=errors, notice=done)


def _page(
    request: Request,
    user: User,
    session: DbSession,
    settings: Settings,
    *,
    page: int = 1,
    errors: list[str] | None = None,
    notice: str = "",
    title: str = "",
    status: int = 200,
) -> Response:
    pagination = Pagination(limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    items, total = service.list_resumes(session, owner_id=user.id, page=pagination)
    context: dict[str, Any] = {
        "user": user, "items": items, "total": total, "page": page,
        "has_next": page * PAGE_SIZE < total, "errors": errors or [],
        "notice": NOTICES.get(notice, ""), "title": title, "human_size": human_size,
        "max_size": human_size(settings.max_upload_bytes),
    }  # fmt: skip
    return web.render(request, "files/resumes.html", context, status)


@router.post("/resumes")
def upload(
    request: Request,
    user: WebUser,
    session: DbSession,
    settings: SettingsDep,
    file: Annotated[UploadFile | None, File()] = None,
    title: Annotated[str, Form()] = "",
) -> Response:
    if file is None or not file.filename:
        return _page(request, user, session, settings, errors=["Choose a file to upload."],
                     title=title, status=422)  # fmt: skip
    try:
        service.upload_resume(
            session, settings, owner=user, filename=file.filename, data=file.file, title=title
        )
    except ProblemError as error:
        return _page(request, user, session, settings, errors=[error.detail], title=title,
                     status=error.status)  # fmt: skip
    return web.redirect("/resumes?done=uploaded")


@router.post("/resumes/{resume_id}/default")
def make_default(resume_id: uuid.UUID, user: WebUser, session: DbSession) -> Response:
    patch = ResumePatch(is_default=True)
    service.update_resume(session, owner_id=user.id, resume_id=resume_id, data=patch)
    return web.redirect("/resumes?done=saved")


@router.post("/resumes/{resume_id}/visibility")
def set_visibility(
    resume_id: uuid.UUID, user: WebUser, session: DbSession, visible: Annotated[bool, Form()]
) -> Response:
    patch = ResumePatch(visible_on_profile=visible)
    service.update_resume(session, owner_id=user.id, resume_id=resume_id, data=patch)
    return web.redirect("/resumes?done=saved")


@router.post("/resumes/{resume_id}/delete")
def delete(resume_id: uuid.UUID, user: WebUser, session: DbSession) -> Response:
    service.delete_resume(session, owner_id=user.id, resume_id=resume_id)
    return web.redirect("/resumes?done=deleted")


@router.get("/resumes/{resume_id}/file")
def download(
    resume_id: uuid.UUID, user: WebUser, session: DbSession, settings: SettingsDep
) -> Response:
    return file_response(service.download(session, settings, owner_id=user.id, resume_id=resume_id))


@router.get("/people/{user_id}/resumes/{resume_id}/file")
def download_from_profile(
    user_id: uuid.UUID,
    resume_id: uuid.UUID,
    user: WebUser,
    session: DbSession,
    settings: SettingsDep,
) -> Response:
    return file_response(
        service.download_profile_resume(session, settings, user_id=user_id, resume_id=resume_id)
    )
