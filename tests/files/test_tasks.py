"""Resume tasks end to end: DBOS runs them in this process on committed data."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest
from sqlalchemy.orm import Session, sessionmaker

from jobtracker.config import Settings
from jobtracker.files import service
from jobtracker.files.models import Resume
from jobtracker.files.schemas import ResumeRead
from jobtracker.files.storage import storage_for
from jobtracker.files.tasks import deletion_task_id, extraction_task_id
from jobtracker.tasks import runtime
from jobtracker.users import service as users
from tests.files.documents import TEXT, docx_bytes, pdf_bytes
from tests.tasks.test_engine import status_of, wait_for

pytestmark = pytest.mark.usefixtures("worker")
Hook = Callable[[Session, ResumeRead], None]


def upload(
    committed: sessionmaker[Session],
    settings: Settings,
    data: bytes,
    filename: str = "cv.pdf",
    *,
    before_commit: Hook | None = None,
) -> ResumeRead:
    """A new user's resume, committed; `before_commit` runs in the same transaction."""
    with committed.begin() as session:
        owner = users.create_user(
            session, email=f"{uuid.uuid4().hex[:10]}@example.com", full_name="Ada Owner",
            password_hash="-",
        )  # fmt: skip
        resume = service.upload_resume(
            session, settings, owner=owner, filename=filename, data=data, title=""
        )
        if before_commit:
            before_commit(session, resume)
        return resume


def row(committed: sessionmaker[Session], resume_id: uuid.UUID) -> Resume:
    with committed() as session:
        found = session.get(Resume, resume_id)
        assert found is not None
        return found


def key_of(session: Session, resume: ResumeRead) -> str:
    found = session.get(Resume, resume.id)
    assert found is not None
    return found.storage_key


def owner_of(session: Session, resume: ResumeRead) -> uuid.UUID:
    found = session.get(Resume, resume.id)
    assert found is not None
    return found.owner_id


def finished(task_id: str) -> object:
    wait_for(lambda: status_of(task_id) not in ("ENQUEUED", "PENDING", "MISSING"))
    assert status_of(task_id) == "SUCCESS"
    return runtime.current().client.retrieve_workflow(task_id).get_result()


def run_again(task_id: str, queue: str) -> object:
    """The same task with the same inputs under a new id, as a requeue does."""
    handle = runtime.current().client.fork_workflow(task_id, 1, queue_name=queue)
    return finished(handle.workflow_id)


class TestExtractText:
    @pytest.mark.parametrize(
        ("data", "filename", "expected"),
        [
            (pdf_bytes("Ada Lovelace, analyst"), "cv.pdf", "Ada Lovelace, analyst"),
            (docx_bytes("Grace Hopper", "COBOL"), "cv.docx", "Grace Hopper\nCOBOL"),
            (TEXT.encode(), "cv.txt", TEXT.strip()),
        ],
        ids=["pdf", "docx", "txt"],
    )
    def test_text_is_kept_and_marked_ready(
        self, committed: sessionmaker[Session], settings: Settings, data: bytes, filename: str,
        expected: str,
    ) -> None:  # fmt: skip
        resume = upload(committed, settings, data, filename)
        assert finished(extraction_task_id(resume.id)) == "ready"
        extracted = row(committed, resume.id)
        assert (extracted.text_status, extracted.text) == ("ready", expected)

    def test_running_twice_changes_nothing(
        self, committed: sessionmaker[Session], settings: Settings
    ) -> None:
        resume = upload(committed, settings, TEXT.encode(), "cv.txt")
        finished(extraction_task_id(resume.id))
        before = row(committed, resume.id)
        assert run_again(extraction_task_id(resume.id), "interactive") == "nothing to do"
        after = row(committed, resume.id)
        assert (after.text, after.text_status, after.updated_at) == (
            before.text, "ready", before.updated_at,
        )  # fmt: skip

    def test_file_that_cannot_be_parsed_is_marked_failed(
        self, committed: sessionmaker[Session], settings: Settings
    ) -> None:
        def damage(session: Session, resume: ResumeRead) -> None:
            storage_for(settings).put(key_of(session, resume), b"%PDF-1.7 torn", "application/pdf")

        resume = upload(committed, settings, pdf_bytes(), before_commit=damage)
        assert finished(extraction_task_id(resume.id)) == "failed"
        assert (row(committed, resume.id).text_status, row(committed, resume.id).text) == (
            "failed", None,
        )  # fmt: skip

    def test_missing_file_is_marked_failed(
        self, committed: sessionmaker[Session], settings: Settings
    ) -> None:
        def lose(session: Session, resume: ResumeRead) -> None:
            storage_for(settings).delete(key_of(session, resume))

        resume = upload(committed, settings, pdf_bytes(), before_commit=lose)
        assert finished(extraction_task_id(resume.id)) == "failed"

    def test_resume_deleted_before_the_task_runs_is_skipped(
        self, committed: sessionmaker[Session], settings: Settings
    ) -> None:
        def delete(session: Session, resume: ResumeRead) -> None:
            service.delete_resume(session, owner_id=owner_of(session, resume), resume_id=resume.id)

        resume = upload(committed, settings, TEXT.encode(), "cv.txt", before_commit=delete)
        assert finished(extraction_task_id(resume.id)) == "nothing to do"

    def test_text_is_read_from_the_s3_bucket(
        self,
        committed: sessionmaker[Session],
        s3_settings: Settings,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        monkeypatch.setattr(runtime.current(), "settings", s3_settings)  # the worker's, too
        resume = upload(committed, s3_settings, docx_bytes("Stored in a bucket"), "cv.docx")
        assert finished(extraction_task_id(resume.id)) == "ready"
        assert row(committed, resume.id).text == "Stored in a bucket"


class TestDeleteStoredFiles:
    def test_deleted_resume_loses_its_stored_file(
        self, committed: sessionmaker[Session], settings: Settings
    ) -> None:
        resume = upload(committed, settings, TEXT.encode(), "cv.txt")
        with committed.begin() as session:
            key = key_of(session, resume)
            service.delete_resume(session, owner_id=owner_of(session, resume), resume_id=resume.id)
        assert finished(deletion_task_id(resume.id)) == 1
        with pytest.raises(FileNotFoundError):
            storage_for(settings).open(key)
        assert run_again(deletion_task_id(resume.id), "maintenance") == 1  # twice: no error

    def test_delete_all_files_removes_every_file_of_the_user_only(
        self, committed: sessionmaker[Session], settings: Settings
    ) -> None:
        mine = [upload(committed, settings, TEXT.encode(), "cv.txt")]
        theirs = upload(committed, settings, TEXT.encode(), "cv.txt")
        with committed.begin() as session:
            owner_id = owner_of(session, mine[0])
            owner = users.get_active_user(session, user_id=owner_id)
            assert owner is not None
            mine.append(service.upload_resume(
                session, settings, owner=owner, filename="b.pdf", data=pdf_bytes(), title="",
            ))  # fmt: skip
        with committed.begin() as session:
            keys = [key_of(session, resume) for resume in mine]
            other_key = key_of(session, theirs)
            service.delete_all_files(session, owner_id=owner_id)
        storage = storage_for(settings)
        wait_for(lambda: all(not_stored(storage.read, key) for key in keys))
        assert storage.read(other_key) == TEXT.encode()


def not_stored(open_file: Callable[[str], object], key: str) -> bool:
    try:
        open_file(key)
    except FileNotFoundError:
        return True
    return False
