"""The files service's public surface for other domains: upload, get, choices, export, and the
deletion of a user's files; and what a rolled-back change leaves behind."""

from __future__ import annotations

import io
import json
import uuid

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from jobtracker.config import Settings
from jobtracker.files import service
from jobtracker.files.schemas import ResumePatch, ResumeRead
from jobtracker.files.storage import storage_for
from jobtracker.files.tasks import deletion_task_id
from jobtracker.kit.problems import InvalidInput, NotFound
from jobtracker.tasks.repository import workflow_status_table
from jobtracker.users import service as users
from tests.files.conftest import stored_key
from tests.files.documents import EXE, TEXT, docx_bytes, pdf_bytes


def task_status(session: Session, settings: Settings, task_id: str) -> str | None:
    """The task's status, read in the test's own transaction (SQLite has one writer)."""
    tasks = workflow_status_table(None if settings.is_sqlite else settings.tasks_schema)
    return session.scalar(select(tasks.c.status).where(tasks.c.workflow_uuid == task_id))


def make_user(session: Session, name: str = "Ada Owner") -> users.User:
    email = f"{uuid.uuid4().hex[:10]}@example.com"
    return users.create_user(session, email=email, full_name=name, password_hash="-")


@pytest.fixture
def owner(session: Session) -> users.User:
    return make_user(session)


class TestUploadResume:
    def test_takes_a_file_object_or_bytes(
        self, session: Session, settings: Settings, owner: users.User
    ) -> None:
        from_file = service.upload_resume(
            session, settings, owner=owner, filename="cv.docx", data=io.BytesIO(docx_bytes()),
            title="From a file",
        )  # fmt: skip
        from_bytes = service.upload_resume(
            session, settings, owner=owner, filename="cv.pdf", data=pdf_bytes(), title=""
        )
        assert (from_file.kind, from_file.title) == ("docx", "From a file")
        assert (from_bytes.kind, from_bytes.title) == ("pdf", "cv")

    def test_refused_file_leaves_no_row(
        self, session: Session, settings: Settings, owner: users.User
    ) -> None:
        with pytest.raises(InvalidInput, match="Accepted"):
            service.upload_resume(
                session, settings, owner=owner, filename="cv.pdf", data=EXE, title=""
            )
        assert service.choices(session, owner_id=owner.id) == []


class TestGetResume:
    def test_owner_gets_it_with_its_text(
        self, session: Session, settings: Settings, owner: users.User
    ) -> None:
        resume = upload_text(session, settings, owner, "Ada")
        found = service.get_resume(session, owner_id=owner.id, resume_id=resume.id)
        assert (found.title, found.text, found.text_status) == ("Ada", None, "pending")

    def test_another_users_resume_is_not_found(
        self, session: Session, settings: Settings, owner: users.User
    ) -> None:
        resume = upload_text(session, settings, owner, "Ada")
        stranger = make_user(session, "Otto Other")
        with pytest.raises(NotFound):
            service.get_resume(session, owner_id=stranger.id, resume_id=resume.id)


def upload_text(session: Session, settings: Settings, owner: users.User, title: str) -> ResumeRead:
    return service.upload_resume(
        session, settings, owner=owner, filename=f"{title}.txt", data=TEXT.encode(), title=title
    )


class TestChoices:
    def test_ids_and_titles_with_the_default_first(
        self, session: Session, settings: Settings, owner: users.User
    ) -> None:
        first = service.upload_resume(
            session, settings, owner=owner, filename="a.txt", data=b"a", title="First"
        )
        second = service.upload_resume(
            session, settings, owner=owner, filename="b.txt", data=b"b", title="Second"
        )
        service.update_resume(
            session, owner_id=owner.id, resume_id=second.id, data=ResumePatch(is_default=True)
        )
        assert service.choices(session, owner_id=owner.id) == [
            (second.id, "Second"), (first.id, "First"),
        ]  # fmt: skip

    def test_another_users_resumes_are_not_offered(
        self, session: Session, settings: Settings, owner: users.User
    ) -> None:
        upload_text(session, settings, owner, "Ada")
        assert service.choices(session, owner_id=make_user(session).id) == []


class TestExportRows:
    def test_metadata_as_json_values_without_the_text(
        self, session: Session, settings: Settings, owner: users.User
    ) -> None:
        resume = upload_text(session, settings, owner, "Ada")
        [row] = service.export_rows(session, owner_id=owner.id)
        assert json.loads(json.dumps(row)) == row
        assert row["id"] == str(resume.id)
        assert row["filename"] == "Ada.txt" and row["kind"] == "txt"
        assert len(row["sha256"]) == 64 and "text" not in row


class TestDeleteResume:
    def test_rolled_back_delete_keeps_the_row_and_the_file_and_enqueues_nothing(
        self, session: Session, settings: Settings, owner: users.User
    ) -> None:
        resume = service.upload_resume(
            session, settings, owner=owner, filename="cv.pdf", data=pdf_bytes(), title=""
        )
        session.commit()  # to the test's savepoint
        key = stored_key(session, str(resume.id))
        service.delete_resume(session, owner_id=owner.id, resume_id=resume.id)
        session.rollback()
        assert service.get_resume(session, owner_id=owner.id, resume_id=resume.id).id == resume.id
        assert storage_for(settings).read(key) == pdf_bytes()
        assert task_status(session, settings, deletion_task_id(resume.id)) is None

    def test_stored_file_stays_until_the_task_runs(
        self, session: Session, settings: Settings, owner: users.User
    ) -> None:
        resume = upload_text(session, settings, owner, "Ada")
        key = stored_key(session, str(resume.id))
        service.delete_resume(session, owner_id=owner.id, resume_id=resume.id)
        assert storage_for(settings).read(key) == TEXT.encode()
        assert task_status(session, settings, deletion_task_id(resume.id)) == "ENQUEUED"
