"""Background work for resumes: extract a file's text, delete stored files. Both safe to run
twice: a ready text is never rewritten, and deleting a missing file is not an error."""

from __future__ import annotations

import logging
import uuid

from dbos import DBOS

from jobtracker.files import formats
from jobtracker.files.models import ResumeKind, TextStatus
from jobtracker.files.repository import ResumeRepository
from jobtracker.files.storage import storage_for
from jobtracker.tasks import runtime
from jobtracker.tasks.errors import TaskFailed
from jobtracker.tasks.registry import task
from jobtracker.tasks.retry import attempt_step

logger = logging.getLogger(__name__)


@task("files.extract_text", queue="interactive")
def extract_text(resume_id: str) -> str:
    """Read the stored file and keep its text. A file that cannot be parsed is an outcome
    (`failed`), not an error; a store that is down is retried, then the text is `failed` too."""
    try:
        return attempt_step(runtime.policy("default"), "extract", _extract, resume_id)
    except TaskFailed:
        DBOS.run_step({"name": "record_failure"}, _save, resume_id, None, TextStatus.FAILED)
        raise


def extraction_task_id(resume_id: uuid.UUID) -> str:
    """Stable: one extraction per resume, easy to find from the resume alone."""
    return f"{extract_text.name}:{resume_id}"


def _extract(resume_id: str) -> str:
    pending = _pending(uuid.UUID(resume_id))
    if pending is None:
        return "nothing to do"
    key, kind = pending
    try:
        data = storage_for(runtime.current().settings).read(key)
    except FileNotFoundError:
        return _save(resume_id, None, TextStatus.FAILED)
    try:
        text = formats.extract_text(kind, data)
    except Exception:  # a parser's failure on this file: no attempt can do better
        logger.warning("text extraction failed for resume %s", resume_id, exc_info=True)
        return _save(resume_id, None, TextStatus.FAILED)
    return _save(resume_id, text, TextStatus.READY)


def _pending(resume_id: uuid.UUID) -> tuple[str, ResumeKind] | None:
    """The key and kind of a resume still waiting for its text; None if ready or deleted. A
    short transaction of its own: the parsing that follows holds no database lock."""
    with runtime.session_scope() as session:
        resume = ResumeRepository(session).get(resume_id)
        if resume is None or resume.text_status == TextStatus.READY:
            return None
        return resume.storage_key, ResumeKind(resume.kind)


def _save(resume_id: str, text: str | None, status: TextStatus) -> str:
    with runtime.session_scope() as session:
        saved = ResumeRepository(session).save_text(uuid.UUID(resume_id), text, status)
    return status.value if saved else "nothing to do"


@task("files.delete_stored", queue="maintenance")
def delete_stored_files(keys: list[str]) -> int:
    """Delete stored files whose rows are gone (enqueued in the transaction that deleted them)."""
    storage = storage_for(runtime.current().settings)
    for key in keys:
        DBOS.run_step({"name": f"delete:{key}"}, storage.delete, key)
    return len(keys)


def deletion_task_id(resume_id: uuid.UUID) -> str:
    return f"{delete_stored_files.name}:{resume_id}"
