"""Rules for accounts' profiles, the people directory and the follow list. Never commits."""

from __future__ import annotations

import hmac
import uuid
from typing import Any

from sqlalchemy.orm import Session

from jobtracker.config import Settings
from jobtracker.kit.events import raise_event
from jobtracker.kit.pagination import Pagination
from jobtracker.kit.problems import Conflict, InvalidInput, NotFound
from jobtracker.kit.text import search_key
from jobtracker.users.models import Role, User, new_calendar_salt
from jobtracker.users.repository import FavoriteRepository, UserRepository
from jobtracker.users.schemas import (
    ProfilePatch,
    ProfileRead,
    ProfileUpdate,
    PublicProfile,
    SettingsChanged,
    SettingsRead,
    SettingsUpdate,
    UserEmailChanged,
    UserRegistered,
)

__all__ = ["Role", "User"]

REQUIRED_FIELDS = ("full_name", "email")


def email_key(email: str) -> str:
    return email.strip().lower()


def get_active_user(session: Session, *, user_id: uuid.UUID) -> User | None:
    return UserRepository(session).get_active(user_id)


def get_user_by_email(session: Session, *, email: str) -> User | None:
    return UserRepository(session).get_by_email_key(email_key(email))


def create_user(
    session: Session, *, email: str, full_name: str, password_hash: str, role: Role = Role.USER
) -> User:
    """A new account with its empty profile; a taken email (any case) is a Conflict."""
    repository = UserRepository(session)
    if repository.get_by_email_key(email_key(email)):
        raise Conflict("An account with this email already exists.")
    user = User(
        email=email.strip(),
        email_key=email_key(email),
        full_name=full_name,
        search_name=search_key(full_name),
        password_hash=password_hash,
        role=role,
    )
    repository.add(user)
    raise_event(session, UserRegistered(user_id=user.id, email_key=user.email_key))
    return user


def set_password_hash(session: Session, *, user: User, password_hash: str) -> None:
    UserRepository(session).update(user, {"password_hash": password_hash})


def update_profile(session: Session, *, user: User, data: ProfileUpdate | ProfilePatch) -> User:
    """Apply a PUT (every field) or a PATCH (the fields sent) to the user's own profile."""
    values = data.model_dump(mode="json", exclude_unset=isinstance(data, ProfilePatch))
    for name in REQUIRED_FIELDS:
        if name in values and values[name] is None:
            raise InvalidInput(f"{name} cannot be empty", field=("body", name), rule="required")
    if "email" in values:
        _change_email(session, user=user, email=values.pop("email"))
    if "full_name" in values:
        values["search_name"] = search_key(values["full_name"])
    return UserRepository(session).update(user, values)


def _change_email(session: Session, *, user: User, email: str) -> None:
    other = UserRepository(session).get_by_email_key(email_key(email))
    if other is not None and other.id != user.id:
        raise Conflict("An account with this email already exists.")
    changed = user.email_key != email_key(email)
    UserRepository(session).update(user, {"email": email, "email_key": email_key(email)})
    if changed:
        raise_event(session, UserEmailChanged(user_id=user.id, email_key=user.email_key))


def delete_user(session: Session, *, user: User) -> None:
    """Delete the account. Every row of the user's data goes with it: each table that holds
    some refers to `users.id` with ON DELETE CASCADE, so the database removes it."""
    UserRepository(session).delete(user)


def export_profile(user: User) -> dict[str, Any]:
    """The user's own profile as in `GET /api/user/profile` (JSON-able), for the export."""
    return ProfileRead.model_validate(user).model_dump(mode="json")


def export_following(session: Session, *, owner_id: uuid.UUID) -> list[dict[str, Any]]:
    """The people the owner follows (id, name, since when), for the export."""
    rows = session.execute(FavoriteRepository(session).follows_of(owner_id))
    return [
        {"id": str(user_id), "full_name": full_name, "followed_at": since.isoformat()}
        for user_id, full_name, since in rows
    ]


def search_people(
    session: Session, *, viewer: User, query: str, page: Pagination
) -> tuple[list[PublicProfile], int]:
    """Other users whose name has a word starting with each word of the query."""
    repository = UserRepository(session)
    users, total = repository.page(repository.search(query, exclude=viewer.id), page)
    followed = FavoriteRepository(session).followed_among(viewer.id, [user.id for user in users])
    return [_public(session, viewer, user, followed=user.id in followed) for user in users], total


def get_public_profile(session: Session, *, viewer: User, user_id: uuid.UUID) -> PublicProfile:
    user = UserRepository(session).get_active(user_id)
    if user is None:
        raise NotFound("No such person.")
    return _public(session, viewer, user)


def follow(session: Session, *, viewer: User, user_id: uuid.UUID) -> PublicProfile:
    """Add a person to the viewer's follow list; following twice changes nothing."""
    if user_id == viewer.id:
        raise InvalidInput("You cannot follow yourself.", field=("path", "user_id"), rule="self")
    profile = get_public_profile(session, viewer=viewer, user_id=user_id)
    FavoriteRepository(session).follow(viewer.id, user_id)
    return profile.model_copy(update={"followed": True})


def unfollow(session: Session, *, viewer: User, user_id: uuid.UUID) -> None:
    FavoriteRepository(session).unfollow(viewer.id, user_id)


def list_followed(
    session: Session, *, viewer: User, page: Pagination
) -> tuple[list[PublicProfile], int]:
    repository = FavoriteRepository(session)
    users, total = UserRepository(session).page(repository.followed_users(viewer.id), page)
    return [_public(session, viewer, user, followed=True) for user in users], total


def _public(
    session: Session, viewer: User, user: User, *, followed: bool | None = None
) -> PublicProfile:
    if followed is None:
        followed = FavoriteRepository(session).is_following(viewer.id, user.id)
    fields: dict[str, Any] = {
        "id": user.id,
        "full_name": user.full_name,
        "position": user.position,
        "location": user.location,
        "bio": user.bio,
        "skills": user.skills,
        "social_links": user.social_links,
        "email": user.email if user.show_email else None,
        "phone": user.phone if user.show_phone else None,
        "followed": followed,
        "profile_url": f"/people/{user.id}",
    }
    return PublicProfile.model_validate(fields)


def get_settings(settings: Settings, *, user: User) -> SettingsRead:
    return SettingsRead(
        time_zone=user.time_zone,
        reminder_offsets_minutes=user.reminder_offsets_minutes,
        stale_after_days=user.stale_after_days,
        calendar_url=calendar_url(settings, user=user),
    )


def update_settings(
    session: Session, settings: Settings, *, user: User, data: SettingsUpdate
) -> SettingsRead:
    UserRepository(session).update(user, data.model_dump())
    raise_event(session, SettingsChanged(user_id=user.id))
    return get_settings(settings, user=user)


def calendar_token(settings: Settings, *, user: User) -> str:
    """The calendar feed's secret: the user id and an HMAC of the user's salt under the app's
    key, so that a copy of the database alone cannot forge or read anyone's feed address."""
    digest = hmac.new(
        settings.signing_key.encode(), f"{user.id}:{user.calendar_salt}".encode(), "sha256"
    )
    return f"{user.id.hex}.{digest.hexdigest()[:40]}"


def calendar_url(settings: Settings, *, user: User) -> str:
    base = settings.base_url.rstrip("/")
    return f"{base}/api/interviews/calendar.ics?token={calendar_token(settings, user=user)}"


def rotate_calendar_token(session: Session, settings: Settings, *, user: User) -> SettingsRead:
    """A new feed address; the old one stops working at once."""
    UserRepository(session).update(user, {"calendar_salt": new_calendar_salt()})
    return get_settings(settings, user=user)


def user_for_calendar_token(session: Session, settings: Settings, *, token: str) -> User | None:
    user_hex, _, _ = token.partition(".")
    try:
        user_id = uuid.UUID(hex=user_hex)
    except ValueError:
        return None
    user = UserRepository(session).get_active(user_id)
    if user is None or not hmac.compare_digest(calendar_token(settings, user=user), token):
        return None
    return user
