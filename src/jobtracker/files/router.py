"""JSON API for resumes: upload, list, read, change, delete, download; and the resumes a person
shows on their profile."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, File, Form, Response, UploadFile, status

from jobtracker.auth.dependencies import CurrentUser
from jobtracker.db import DbSession
from jobtracker.files import service
from jobtracker.files.formats import ACCEPTED
from jobtracker.files.http import UploadLimitRoute, file_response
from jobtracker.files.schemas import PublicResume, ResumeDetail, ResumeRead, ResumeUpdate
from jobtracker.kit.dependencies import SettingsDep
from jobtracker.kit.pagination import PaginationParams
from jobtracker.kit.schemas import Page

router = APIRouter(prefix="/api", tags=["resumes"], route_class=UploadLimitRoute)

DOWNLOAD_RESPONSES: dict[int | str, dict[str, object]] = {
    200: {"description": "The file, as an attachment", "content": {"application/octet-stream": {}}},
    302: {"description": "With S3 storage: to a pre-signed address, valid 5 minutes"},
}


@router.post("/resumes", status_code=status.HTTP_201_CREATED)
def upload_resume(
    user: CurrentUser,
    session: DbSession,
    settings: SettingsDep,
    file: Annotated[UploadFile, File(description=f"{ACCEPTED}; checked by its content")],
    title: Annotated[str, Form(max_length=200, description="Defaults to the file's name")] = "",
) -> ResumeRead:
    """Upload a resume (multipart). 413 past the size limit, 422 for any other kind of file."""
    return service.upload_resume(
        session, settings, owner=user, filename=file.filename or "", data=file.file, title=title
    )


@router.get("/resumes")
def list_resumes(user: CurrentUser, session: DbSession, page: PaginationParams) -> Page[ResumeRead]:
    items, total = service.list_resumes(session, owner_id=user.id, page=page)
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


@router.get("/resumes/{resume_id}")
def read_resume(resume_id: uuid.UUID, user: CurrentUser, session: DbSession) -> ResumeDetail:
    return service.get_resume(session, owner_id=user.id, resume_id=resume_id)


@router.put("/resumes/{resume_id}")
def replace_resume(
    resume_id: uuid.UUID, data: ResumeUpdate, user: CurrentUser, session: DbSession
) -> ResumeRead:
    return service.update_resume(session, owner_id=user.id, resume_id=resume_id, data=data)


@router.delete("/resumes/{resume_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_resume(resume_id: uuid.UUID, user: CurrentUser, session: DbSession) -> Response:
    service.delete_resume(session, owner_id=user.id, resume_id=resume_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/resumes/{resume_id}/file", responses=DOWNLOAD_RESPONSES)
def download_resume(
    resume_id: uuid.UUID, user: CurrentUser, session: DbSession, settings: SettingsDep
) -> Response:
    return file_response(service.download(session, settings, owner_id=user.id, resume_id=resume_id))


@router.get("/users/{user_id}/resumes")
def list_profile_resumes(
    user_id: uuid.UUID, user: CurrentUser, session: DbSession, page: PaginationParams
) -> Page[PublicResume]:
    """The resumes a person shows on their profile."""
    items, total = service.list_profile_resumes(session, user_id=user_id, page=page)
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


@router.get("/users/{user_id}/resumes/{resume_id}/file", responses=DOWNLOAD_RESPONSES)
def download_profile_resume(
    user_id: uuid.UUID,
    resume_id: uuid.UUID,
    user: CurrentUser,
    session: DbSession,
    settings: SettingsDep,
) -> Response:
    """A resume shown on a person's profile; 404 when it is not shown there."""
    return file_response(
        service.download_profile_resume(session, settings, user_id=user_id, resume_id=resume_id)
    )
