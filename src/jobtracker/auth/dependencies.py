"""Who is asking: bearer tokens for the API, the session cookie for the web pages.

`CurrentUser`, `AdminUser`, `WebUser`, `WebAdmin` and `OptionalWebUser` are the public surface
other domains' routers and views use (the one exception to "only service and schemas", by
contract).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer

from jobtracker.auth import service
from jobtracker.db import DbSession
from jobtracker.kit.dependencies import SettingsDep
from jobtracker.kit.problems import Forbidden, Unauthorized
from jobtracker.users.service import Role, User

SESSION_COOKIE = "jobtracker_session"

# tokenUrl lets the interactive docs at /docs log in with the password form.
_bearer = OAuth2PasswordBearer(tokenUrl="/api/auth/token", auto_error=False)


def _current_user(
    session: DbSession, settings: SettingsDep, token: Annotated[str | None, Depends(_bearer)]
) -> User:
    user = service.user_for_access_token(session, settings=settings, token=token) if token else None
    _end_lookup(session)
    if user is None:
        raise Unauthorized("A valid bearer access token is required.")
    return user


def _end_lookup(session: DbSession) -> None:
    """End the read transaction of the user lookup. On SQLite every transaction holds the write
    lock (BEGIN IMMEDIATE), and a handler may next call the task engine's client, which uses a
    connection of its own: it must not wait for a lock its own request holds."""
    session.commit()


def _admin_user(user: Annotated[User, Depends(_current_user)]) -> User:
    if user.role != Role.ADMIN:
        raise Forbidden("Administrators only.")
    return user


def _optional_web_user(request: Request, session: DbSession) -> User | None:
    token = request.cookies.get(SESSION_COOKIE)
    user = service.user_for_web_session(session, token=token) if token else None
    _end_lookup(session)
    return user


class LoginRequired(Exception):
    """Raised by a page that needs a signed-in user; answered with a redirect to /login."""

    def __init__(self, next_path: str) -> None:
        self.next_path = next_path


def _web_user(request: Request, user: Annotated[User | None, Depends(_optional_web_user)]) -> User:
    if user is None:
        query = f"?{request.url.query}" if request.url.query else ""
        raise LoginRequired(request.url.path + query)
    return user


def _web_admin(user: Annotated[User, Depends(_web_user)]) -> User:
    if user.role != Role.ADMIN:
        raise Forbidden("Administrators only.")
    return user


CurrentUser = Annotated[User, Depends(_current_user)]
AdminUser = Annotated[User, Depends(_admin_user)]
OptionalWebUser = Annotated[User | None, Depends(_optional_web_user)]
WebUser = Annotated[User, Depends(_web_user)]
WebAdmin = Annotated[User, Depends(_web_admin)]
