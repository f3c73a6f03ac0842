"""Rules for accounts' profiles, the people directory and the follow list. Never commits."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from jobtracker.kit.pagination import Pagination
from jobtracker.kit.problems import Conflict, InvalidInput, NotFound
from jobtracker.kit.text import search_key
from jobtracker.users.models import Role, User
from jobtracker.users.repository import FavoriteRepository, UserRepository
from jobtracker.users.schemas import ProfilePatch, ProfileUpdate, PublicProfile

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
    return repository.add(user)


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
    UserRepository(session).update(user, {"email": email, "email_key": email_key(email)})


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
