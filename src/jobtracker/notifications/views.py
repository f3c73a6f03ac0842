"""Web pages: my notifications (read one, read all), my notification settings, the nav badge."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from jobtracker.auth.dependencies import WebUser
from jobtracker.db import DbSession
from jobtracker.kit import web
from jobtracker.kit.pagination import Pagination
from jobtracker.notifications import service
from jobtracker.notifications.schemas import NotificationKind, PreferenceUpdate

router = APIRouter(include_in_schema=False, dependencies=[Depends(web.require_csrf)])

PAGE_SIZE = 20
# The nav badge listens for this event (HX-Trigger) to refresh its count.
CHANGED = "notifications-changed"


@router.get("/notifications")
def notifications_page(
    request: Request,
    user: WebUser,
    session: DbSession,
    unread: bool = False,
    page: Annotated[int, Query(ge=1)] = 1,
    saved: bool = False,
) -> Response:
    pagination = Pagination(limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    items, total = service.list_notifications(
        session, user_id=user.id, unread=unread, page=pagination
    )
    context = {
        "user": user, "items": items, "total": total, "unread": unread, "page": page,
        "has_next": page * PAGE_SIZE < total, "saved": saved,
        "unread_count": service.unread_count(session, user_id=user.id),
        "preferences": service.get_preferences(session, user_id=user.id),
    }  # fmt: skip
    return web.render(request, "notifications/page.html", context)


@router.get("/notifications/badge")
def unread_badge(request: Request, user: WebUser, session: DbSession) -> Response:
    count = service.unread_count(session, user_id=user.id)
    return web.render(request, "notifications/_badge.html", {"unread_count": count})


@router.post("/notifications/read-all")
def mark_all_read(request: Request, user: WebUser, session: DbSession) -> Response:
    service.mark_all_read(session, user_id=user.id)
    return _changed(web.redirect("/notifications"))


@router.post("/notifications/{notification_id}/read")
def mark_read(
    request: Request, notification_id: uuid.UUID, user: WebUser, session: DbSession
) -> Response:
    item = service.mark_read(session, user_id=user.id, notification_id=notification_id)
    if web.is_htmx(request):
        return _changed(web.render(request, "notifications/_item.html", {"item": item}))
    return web.redirect("/notifications")


@router.post("/notifications/preferences")
async def save_preferences(request: Request, user: WebUser, session: DbSession) -> Response:
    """Checkboxes named `<kind>.email` and `<kind>.in_app`: a box left unticked is off."""
    form = await request.form()
    choices = [
        PreferenceUpdate(kind=kind, email=f"{kind}.email" in form, in_app=f"{kind}.in_app" in form)
        for kind in NotificationKind
    ]
    service.put_preferences(session, user_id=user.id, preferences=choices)
    return web.redirect("/notifications?saved=true#preferences")


def _changed(response: Response) -> Response:
    response.headers["HX-Trigger"] = CHANGED
    return response
