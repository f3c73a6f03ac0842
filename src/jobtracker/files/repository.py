"""SQL for resumes. Every query of a user's resumes starts from `readable_by(owner)`, so no caller
can read or change another user's resume by guessing its id; the tasks reach rows by id."""

from __future__ import annotations

import uuid

from sqlalchemy import Select, exists, select, update

from jobtracker.files.models import Resume, TextStatus
from jobtracker.kit.repository import Repository


class ResumeRepository(Repository[Resume]):
    model = Resume

    def readable_by(self, owner_id: uuid.UUID) -> Select[Resume]:
        return self.select().where(Resume.owner_id == owner_id)

    def listing(self, owner_id: uuid.UUID) -> Select[Resume]:
        """The default first, then the newest."""
        return self.readable_by(owner_id).order_by(
            Resume.is_default.desc(), Resume.created_at.desc(), Resume.id
        )

    def get_owned(self, owner_id: uuid.UUID, resume_id: uuid.UUID) -> Resume | None:
        return self.one_or_none(self.readable_by(owner_id).where(Resume.id == resume_id))

    def on_profile(self, owner_id: uuid.UUID) -> Select[Resume]:
        """What the owner chose to show on their profile: visible to any signed-in user."""
        return self.listing(owner_id).where(Resume.visible_on_profile)

    def get_on_profile(self, owner_id: uuid.UUID, resume_id: uuid.UUID) -> Resume | None:
        return self.one_or_none(self.on_profile(owner_id).where(Resume.id == resume_id))

    def has_default(self, owner_id: uuid.UUID) -> bool:
        query = self.readable_by(owner_id).where(Resume.is_default)
        return bool(self.session.scalar(select(exists(query))))

    def clear_default(self, owner_id: uuid.UUID) -> None:
        """Now, in one statement: the unique index allows the new default only once it is done."""
        self.session.execute(
            update(Resume)
            .where(Resume.owner_id == owner_id, Resume.is_default)
            .values(is_default=False)
        )

    def storage_keys(self, owner_id: uuid.UUID) -> list[str]:
        statement = self.readable_by(owner_id).with_only_columns(Resume.storage_key)
        return list(self.session.scalars(statement))

    def save_text(self, resume_id: uuid.UUID, text: str | None, status: TextStatus) -> bool:
        """Conditional: a resume whose text is ready keeps it (a task run twice writes once)."""
        result = self.session.execute(
            update(Resume)
            .where(Resume.id == resume_id, Resume.text_status != TextStatus.READY)
            # Not an edit by the owner: updated_at stays.
            .values(text=text, text_status=status, updated_at=Resume.updated_at)
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(result, "rowcount", 0))
