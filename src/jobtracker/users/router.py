"""JSON API for the user's own profile, the people directory and the follow list."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from jobtracker.auth.dependencies import CurrentUser
from jobtracker.db import DbSession
from jobtracker.kit.dependencies import SettingsDep
from jobtracker.kit.pagination import PaginationParams
from jobtracker.kit.schemas import Page
from jobtracker.users import service
from jobtracker.users.schemas import (
    ProfilePatch,
    ProfileRead,
    ProfileUpdate,
    PublicProfile,
    SettingsRead,
    SettingsUpdate,
)

router = APIRouter(prefix="/api", tags=["people"])


@router.get("/user/profile")
def read_profile(user: CurrentUser) -> ProfileRead:
    return ProfileRead.model_validate(user)


@router.put("/user/profile")
def replace_profile(data: ProfileUpdate, user: CurrentUser, session: DbSession) -> ProfileRead:
    return ProfileRead.model_validate(service.update_profile(session, user=user, data=data))


@router.patch("/user/profile")
def patch_profile(data: ProfilePatch, user: CurrentUser, session: DbSession) -> ProfileRead:
    return ProfileRead.model_validate(service.update_profile(session, user=user, data=data))


@router.get("/users")
def search_people(
    user: CurrentUser,
    session: DbSession,
    page: PaginationParams,
    q: Annotated[str, Query(max_length=200, description="Words the name starts with")] = "",
) -> Page[PublicProfile]:
    items, total = service.search_people(session, viewer=user, query=q, page=page)
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


@router.get("/users/{user_id}")
def read_person(user_id: uuid.UUID, user: CurrentUser, session: DbSession) -> PublicProfile:
    return service.get_public_profile(session, viewer=user, user_id=user_id)


@router.get("/user/favorites")
def list_favorites(
    user: CurrentUser, session: DbSession, page: PaginationParams
) -> Page[PublicProfile]:
    items, total = service.list_followed(session, viewer=user, page=page)
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


@router.put("/user/favorites/{user_id}")
def follow(user_id: uuid.UUID, user: CurrentUser, session: DbSession) -> PublicProfile:
    return service.follow(session, viewer=user, user_id=user_id)


@router.delete("/user/favorites/{user_id}", status_code=status.HTTP_204_NO_CONTENT)
def unfollow(user_id: uuid.UUID, user: CurrentUser, session: DbSession) -> Response:
    service.unfollow(session, viewer=user, user_id=user_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/user/settings")
def read_settings(user: CurrentUser, settings: SettingsDep) -> SettingsRead:
    return service.get_settings(settings, user=user)


@router.put("/user/settings")
def replace_settings(
    data: SettingsUpdate, user: CurrentUser, session: DbSession, settings: SettingsDep
) -> SettingsRead:
    return service.update_settings(session, settings, user=user, data=data)


@router.post("/user/calendar-token")
def rotate_calendar_token(
    user: CurrentUser, session: DbSession, settings: SettingsDep
) -> SettingsRead:
    """A new secret address for the calendar feed; the old one stops working."""
    return service.rotate_calendar_token(session, settings, user=user)
