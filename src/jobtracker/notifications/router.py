"""JSON API: the user's notifications and preferences, and the outbox for administrators."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from jobtracker.auth.dependencies import AdminUser, CurrentUser
from jobtracker.db import DbSession
from jobtracker.kit.dependencies import SettingsDep
from jobtracker.kit.pagination import PaginationParams
from jobtracker.kit.schemas import Page
from jobtracker.notifications import service
from jobtracker.notifications.schemas import (
    NotificationPage,
    NotificationRead,
    OutboxMessage,
    PreferenceList,
    PreferenceRead,
    ReadAllResult,
)

router = APIRouter(prefix="/api", tags=["notifications"])


@router.get("/notifications")
def list_notifications(
    user: CurrentUser,
    session: DbSession,
    page: PaginationParams,
    unread: Annotated[bool, Query(description="Only the unread ones")] = False,
) -> NotificationPage:
    """Newest first, with the number of unread notifications."""
    items, total = service.list_notifications(session, user_id=user.id, unread=unread, page=page)
    unread_count = service.unread_count(session, user_id=user.id)
    return NotificationPage(
        items=items, total=total, limit=page.limit, offset=page.offset, unread_count=unread_count
    )


@router.post("/notifications/read-all")
def mark_all_read(user: CurrentUser, session: DbSession) -> ReadAllResult:
    return ReadAllResult(marked_read=service.mark_all_read(session, user_id=user.id))


@router.post("/notifications/{notification_id}/read")
def mark_read(
    notification_id: uuid.UUID, user: CurrentUser, session: DbSession
) -> NotificationRead:
    return service.mark_read(session, user_id=user.id, notification_id=notification_id)


@router.get("/user/notification-preferences")
def read_preferences(user: CurrentUser, session: DbSession) -> list[PreferenceRead]:
    return service.get_preferences(session, user_id=user.id)


@router.put("/user/notification-preferences")
def replace_preferences(
    preferences: PreferenceList, user: CurrentUser, session: DbSession
) -> list[PreferenceRead]:
    """Email and in-app on or off per kind; a kind left out goes back to its defaults."""
    return service.put_preferences(session, user_id=user.id, preferences=preferences)


@router.get("/ops/outbox", tags=["operations"])
def list_outbox(
    user: AdminUser, settings: SettingsDep, page: PaginationParams
) -> Page[OutboxMessage]:
    """Email written to the outbox folder (the embedded default), newest first."""
    items, total = service.list_outbox(settings, page=page)
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)
