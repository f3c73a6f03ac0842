"""API shapes for the account as a whole: its export and the request to delete it."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import Field

from jobtracker.auth.schemas import Password
from jobtracker.kit.schemas import Schema

Rows = list[dict[str, Any]]


class AccountExport(Schema):
    """Everything of one user, as one JSON document (`GET /api/user/export`).

    Each workspace section holds the rows its domain exports; a section is empty until its
    domain registers an exporter in `privacy.service.WORKSPACE_EXPORTERS`.
    """

    format: Literal["jobtracker-export"] = "jobtracker-export"
    version: Literal[1] = 1
    exported_at: datetime
    profile: dict[str, Any]
    settings: dict[str, Any] = Field(description="Includes the calendar feed's secret address")
    following: Rows = Field(description="The people you follow: id, name, since when")
    notifications: Rows = Field(description="In-app and email-only, oldest first")
    notification_preferences: Rows
    applications: Rows = Field(default=[], description="Each with its status history")
    interviews: Rows = []
    contacts: Rows = []
    resumes: Rows = []


class AccountDeletion(Schema):
    """`DELETE /api/user`: the password again, so a forgotten open session cannot do it."""

    password: Password
