"""The account as a whole: everything of a user in one export, and the account's deletion.

Privacy owns no table. It asks each domain's service for the user's rows, and leaves the
deletion of rows to the database (every table of user data cascades from `users.id`).
Never commits.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from jobtracker.applications import service as applications
from jobtracker.auth import service as auth
from jobtracker.config import Settings
from jobtracker.contacts import service as contacts
from jobtracker.files import service as files
from jobtracker.interviews import service as interviews
from jobtracker.kit.clock import utcnow
from jobtracker.notifications import service as notifications
from jobtracker.privacy.schemas import AccountExport
from jobtracker.users import service as users
from jobtracker.users.service import User


class RowsExporter(Protocol):
    """A domain's `export_rows`: the owner's rows, JSON-able, the soft-deleted ones included."""

    def __call__(self, session: Session, *, owner_id: uuid.UUID) -> list[dict[str, Any]]: ...


class DeleteHook(Protocol):
    """Removes what the database cannot cascade (stored files) before the account goes.
    It runs in the deletion's transaction: raising aborts the deletion."""

    def __call__(self, session: Session, *, owner_id: uuid.UUID) -> None: ...


# The workspace sections of the export (AccountExport's field names) and who fills each.
# A domain with user data adds its `export_rows` here; a section left out exports empty.
WORKSPACE_EXPORTERS: tuple[tuple[str, RowsExporter], ...] = (
    ("applications", applications.export_rows),
    ("interviews", interviews.export_rows),
    ("contacts", contacts.export_rows),
    ("resumes", files.export_rows),
)

# Run, in order, before the user's rows are deleted.
BEFORE_DELETE: tuple[DeleteHook, ...] = (files.delete_all_files,)


def export_account(session: Session, settings: Settings, *, user: User) -> AccountExport:
    """Everything of the user: profile, settings, follow list, notifications, workspace."""
    owner_id = user.id
    document: dict[str, Any] = {
        "exported_at": utcnow(),
        "profile": users.export_profile(user),
        "settings": users.get_settings(settings, user=user).model_dump(mode="json"),
        "following": users.export_following(session, owner_id=owner_id),
        "notifications": notifications.export_rows(session, owner_id=owner_id),
        "notification_preferences": notifications.export_preferences(session, owner_id=owner_id),
    }
    for section, exporter in WORKSPACE_EXPORTERS:
        document[section] = exporter(session, owner_id=owner_id)
    return AccountExport.model_validate(document)


def export_filename(user: User, exported_at: datetime) -> str:
    """`jobtracker-export-YYYY-MM-DD.json`, dated in the user's time zone (their "today")."""
    day = exported_at.astimezone(ZoneInfo(user.time_zone)).date()
    return f"jobtracker-export-{day.isoformat()}.json"


def delete_account(
    session: Session, settings: Settings, *, user: User, password: str, address: str
) -> None:
    """Delete the account and all its data, once the password is confirmed.

    A wrong password is `auth.service.WrongPassword` (403) and counts towards the login
    throttle (then 429). The user's tokens and sessions stop working at once: their rows go
    with the account, and an access token is honoured only for an existing user.
    """
    auth.check_password(session, settings=settings, user=user, password=password, address=address)
    for hook in BEFORE_DELETE:
        hook(session, owner_id=user.id)
    auth.forget_login_failures(session, email_key=user.email_key)
    users.delete_user(session, user=user)
