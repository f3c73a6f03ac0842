"""Rules for resumes: what is accepted, where the bytes go, who may download them. Never commits.

Stored files follow their rows: written before the row commits, deleted by a task enqueued in
the transaction that deletes the row, so a rolled-back delete loses nothing.
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Any, BinaryIO

from sqlalchemy.orm import Session

from jobtracker.config import Settings
from jobtracker.files import formats
from jobtracker.files.models import Resume
from jobtracker.files.repository import ResumeRepository
from jobtracker.files.schemas import (
    Download,
    PublicResume,
    ResumeDetail,
    ResumePatch,
    ResumeRead,
    ResumeUpdate,
)
from jobtracker.files.storage import storage_for
from jobtracker.files.storage.base import CHUNK_BYTES
from jobtracker.files.tasks import (
    delete_stored_files,
    deletion_task_id,
    extract_text,
    extraction_task_id,
)
from jobtracker.kit.pagination import Pagination
from jobtracker.kit.problems import InvalidInput, NotFound, ProblemError
from jobtracker.tasks.enqueue import enqueue
from jobtracker.tasks.queues import Priority
from jobtracker.users import service as users
from jobtracker.users.service import User


class UploadTooLarge(ProblemError):
    status, kind, title = 413, "payload-too-large", "Payload too large"


def upload_resume(
    session: Session,
    settings: Settings,
    *,
    owner: User,
    filename: str,
    data: bytes | BinaryIO,
    title: str,
) -> ResumeRead:
    """Check the file by its content (PDF, DOCX or UTF-8 text, within the size limits), store it
    under a random key, record it, and extract its text in the background. An empty title is
    the file's name. The user's first resume becomes the default."""
    content = _read_at_most(data, settings.max_upload_bytes)
    found = _identify(content, settings)
    name = formats.safe_filename(filename, found.extension)
    repository = ResumeRepository(session)
    resume = repository.add(
        Resume(
            owner_id=owner.id, title=_title(title, name), filename=name,
            content_type=found.content_type, kind=found.kind, size_bytes=len(content),
            sha256=hashlib.sha256(content).hexdigest(), storage_key=f"resumes/{uuid.uuid4().hex}",
            is_default=not repository.has_default(owner.id),
        )
    )  # fmt: skip
    # After the row is flushed (a refused row stores nothing), before the commit (the task
    # that reads the file runs only after it).
    storage_for(settings).put(resume.storage_key, content, found.content_type)
    task_id = extraction_task_id(resume.id)
    enqueue(session, extract_text, str(resume.id), priority=Priority.USER, task_id=task_id)
    return ResumeRead.model_validate(resume)


def _read_at_most(data: bytes | BinaryIO, limit: int) -> bytes:
    """The upload, read in chunks and refused as soon as it passes the limit."""
    if isinstance(data, bytes):
        chunks = [data]
    else:
        chunks, size = [], 0
        while size <= limit and (chunk := data.read(CHUNK_BYTES)):
            chunks.append(chunk)
            size += len(chunk)
    content = b"".join(chunks)
    if len(content) > limit:
        raise UploadTooLarge(f"Files are limited to {formats.human_size(limit)}.")
    return content


def _identify(content: bytes, settings: Settings) -> formats.FileFormat:
    try:
        return formats.identify(
            content, max_docx_uncompressed_bytes=settings.max_docx_uncompressed_bytes
        )
    except formats.NotAccepted as refused:
        raise InvalidInput(str(refused), field=("body", "file"), rule="file_type") from None


def _title(title: str, filename: str) -> str:
    title = " ".join(title.split())
    if len(title) > formats.MAX_NAME:
        raise InvalidInput(
            "The title is longer than 200 characters.", field=("body", "title"), rule="too_long"
        )
    return title or filename.rsplit(".", 1)[0]


def list_resumes(
    session: Session, *, owner_id: uuid.UUID, page: Pagination
) -> tuple[list[ResumeRead], int]:
    """The owner's resumes, the default first, then the newest."""
    repository = ResumeRepository(session)
    rows, total = repository.page(repository.listing(owner_id), page)
    return [ResumeRead.model_validate(row) for row in rows], total


def get_resume(session: Session, *, owner_id: uuid.UUID, resume_id: uuid.UUID) -> ResumeDetail:
    """The owner's resume with its extracted text; any other id is NotFound."""
    return ResumeDetail.model_validate(_owned(session, owner_id, resume_id))


def _owned(session: Session, owner_id: uuid.UUID, resume_id: uuid.UUID) -> Resume:
    resume = ResumeRepository(session).get_owned(owner_id, resume_id)
    if resume is None:
        raise NotFound("No such resume.")
    return resume


def update_resume(
    session: Session,
    *,
    owner_id: uuid.UUID,
    resume_id: uuid.UUID,
    data: ResumeUpdate | ResumePatch,
) -> ResumeRead:
    """Rename, make default (the others stop being it), show on or hide from the profile."""
    resume = _owned(session, owner_id, resume_id)
    values = data.model_dump(exclude_unset=isinstance(data, ResumePatch), exclude_none=True)
    repository = ResumeRepository(session)
    if values.get("is_default") and not resume.is_default:
        repository.clear_default(owner_id)
    return ResumeRead.model_validate(repository.update(resume, values))


def delete_resume(session: Session, *, owner_id: uuid.UUID, resume_id: uuid.UUID) -> None:
    """Delete the row now and its stored file by a task of the same transaction."""
    resume = _owned(session, owner_id, resume_id)
    key = resume.storage_key
    ResumeRepository(session).delete(resume)
    enqueue(session, delete_stored_files, [key], task_id=deletion_task_id(resume_id))


def delete_all_files(session: Session, *, owner_id: uuid.UUID) -> None:
    """Enqueue the deletion of every stored file of the user, in the caller's transaction (for
    account deletion: the rows go with the user, by the foreign key's cascade)."""
    keys = ResumeRepository(session).storage_keys(owner_id)
    if keys:
        enqueue(session, delete_stored_files, keys)


def download(
    session: Session, settings: Settings, *, owner_id: uuid.UUID, resume_id: uuid.UUID
) -> Download:
    """The owner's file: a pre-signed address of the store, or its bytes to stream."""
    return _download(settings, _owned(session, owner_id, resume_id))


def list_profile_resumes(
    session: Session, *, user_id: uuid.UUID, page: Pagination
) -> tuple[list[PublicResume], int]:
    """The resumes an active user shows on their profile (for any signed-in viewer)."""
    if users.get_active_user(session, user_id=user_id) is None:
        raise NotFound("No such person.")
    repository = ResumeRepository(session)
    rows, total = repository.page(repository.on_profile(user_id), page)
    return [PublicResume.model_validate(row) for row in rows], total


def download_profile_resume(
    session: Session, settings: Settings, *, user_id: uuid.UUID, resume_id: uuid.UUID
) -> Download:
    """A resume shown on an active user's profile; hidden, another's, or unknown: NotFound."""
    active = users.get_active_user(session, user_id=user_id) is not None
    resume = ResumeRepository(session).get_on_profile(user_id, resume_id) if active else None
    if resume is None:
        raise NotFound("No such resume on this profile.")
    return _download(settings, resume)


def _download(settings: Settings, resume: Resume) -> Download:
    storage = storage_for(settings)
    shape = (resume.filename, resume.content_type, resume.size_bytes)
    url = storage.download_url(resume.storage_key, resume.filename, resume.content_type)
    if url is not None:
        return Download(*shape, url=url)
    try:
        return Download(*shape, chunks=storage.open(resume.storage_key))
    except FileNotFoundError:
        raise NotFound("The file of this resume is missing.") from None


def choices(session: Session, *, owner_id: uuid.UUID) -> list[tuple[uuid.UUID, str]]:
    """(id, title) of the owner's resumes, the default first: for "resume sent" selects."""
    rows = session.scalars(ResumeRepository(session).listing(owner_id))
    return [(row.id, row.title) for row in rows]


def export_rows(session: Session, *, owner_id: uuid.UUID) -> list[dict[str, Any]]:
    """The owner's resumes' metadata as JSON values (for the account export)."""
    rows = session.scalars(ResumeRepository(session).listing(owner_id))
    return [ResumeRead.model_validate(row).model_dump(mode="json") for row in rows]
