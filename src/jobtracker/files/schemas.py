"""API shapes for resumes."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from pydantic import Field, StringConstraints, computed_field

from jobtracker.files.models import ResumeKind, TextStatus
from jobtracker.kit.schemas import Schema

__all__ = ["ResumeKind", "TextStatus"]

Title = Annotated[str, StringConstraints(min_length=1, max_length=200)]


class ResumeRead(Schema):
    id: uuid.UUID
    title: str
    filename: str = Field(description="The uploaded file's name, sanitised")
    content_type: str
    kind: ResumeKind = Field(description="What the content is, whatever the name said")
    size_bytes: int
    sha256: str = Field(description="SHA-256 of the file, hexadecimal")
    is_default: bool
    visible_on_profile: bool
    text_status: TextStatus = Field(description="Text extraction: pending, ready or failed")
    created_at: datetime
    updated_at: datetime

    @computed_field  # type: ignore[prop-decorator]
    @property
    def download_url(self) -> str:
        return f"/api/resumes/{self.id}/file"


class ResumeDetail(ResumeRead):
    text: str | None = Field(description="The text found in the file, once extracted")


class ResumeUpdate(Schema):
    """PUT: the whole of what can change (the file itself cannot: upload another)."""

    title: Title
    is_default: bool = Field(description="Make it the default; only one resume is the default")
    visible_on_profile: bool = Field(description="Any signed-in user may download it")


class ResumePatch(Schema):
    """Only the fields sent change (the pages' buttons)."""

    title: Title | None = None
    is_default: bool | None = None
    visible_on_profile: bool | None = None


class PublicResume(Schema):
    """A resume its owner shows on their profile, as another user sees it."""

    id: uuid.UUID
    owner_id: uuid.UUID
    title: str
    filename: str
    kind: ResumeKind
    size_bytes: int
    created_at: datetime

    @computed_field  # type: ignore[prop-decorator]
    @property
    def download_url(self) -> str:
        return f"/api/users/{self.owner_id}/resumes/{self.id}/file"


@dataclass(frozen=True)
class Download:
    """A file to send: a short-lived address of the store (`url`), or its chunks to stream."""

    filename: str
    content_type: str
    size_bytes: int
    url: str | None = None
    chunks: Iterator[bytes] | None = None
