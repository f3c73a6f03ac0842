"""Accounts and credentials: registration, login with throttling, refresh-token rotation with
reuse detection, browser sessions. Never commits (the request owns the transaction)."""

from __future__ import annotations

import math
import uuid
from datetime import timedelta

from sqlalchemy.orm import Session

from jobtracker.auth import passwords, tokens
from jobtracker.auth.models import RefreshToken, WebSession
from jobtracker.auth.repository import (
    LoginFailureRepository,
    RefreshTokenRepository,
    WebSessionRepository,
)
from jobtracker.auth.schemas import RegisterRequest, TokenPair
from jobtracker.config import Settings, SignupMode
from jobtracker.kit.clock import utcnow
from jobtracker.kit.problems import Forbidden, InvalidInput, TooManyRequests, Unauthorized
from jobtracker.users import service as users
from jobtracker.users.service import Role, User


class InvalidCredentials(Unauthorized):
    kind, title = "invalid-credentials", "Invalid credentials"
    keeps_changes = True  # the failure is counted for throttling


class InvalidRefreshToken(Unauthorized):
    kind, title = "invalid-refresh-token", "Invalid refresh token"
    keeps_changes = True  # a reused token's family stays revoked


class WrongPassword(Forbidden):
    kind, title = "wrong-password", "Wrong password"
    keeps_changes = True  # the failure is counted for throttling


class SignupClosed(Forbidden):
    kind, title = "signup-closed", "Sign-up is closed"


def register(
    session: Session, *, settings: Settings, data: RegisterRequest, role: Role = Role.USER,
    by_operator: bool = False,
) -> User:  # fmt: skip
    """A new account. Closed sign-up refuses the public; an operator (the CLI) may still add."""
    if settings.signup is SignupMode.CLOSED and not by_operator:
        raise SignupClosed("Sign-up is closed on this server; ask an administrator.")
    broken = passwords.weak_password_rule(data.password, data.email)
    if broken is not None:
        rule, message = broken
        raise InvalidInput(message, field=("body", "password"), rule=rule)
    return users.create_user(
        session,
        email=data.email,
        full_name=data.full_name,
        password_hash=passwords.hash_password(data.password),
        role=role,
    )


def check_credentials(
    session: Session, *, settings: Settings, email: str, password: str, address: str
) -> User:
    """The user these credentials belong to, or InvalidCredentials / TooManyRequests.

    The message never says whether the email exists, and an unknown email costs as much time.
    """
    key = users.email_key(email)
    _refuse_when_throttled(session, settings=settings, email_key=key, address=address)
    user = users.get_user_by_email(session, email=email)
    if user is None:
        passwords.burn_verify_time(password)
    if user is None or not user.is_active or not _password_matches(session, user, password):
        _count_failure(session, email_key=key, address=address)
        raise InvalidCredentials("The email or password is wrong.")
    LoginFailureRepository(session).clear(key, address)
    return user


def check_password(
    session: Session, *, settings: Settings, user: User, password: str, address: str
) -> None:
    """Confirm the signed-in user's password before a grave act (deleting the account).

    A wrong password is WrongPassword and counts as a failed login: the same throttle (and so
    TooManyRequests) applies, so a stolen session cannot be used to guess the password faster.
    """
    _refuse_when_throttled(session, settings=settings, email_key=user.email_key, address=address)
    if not _password_matches(session, user, password):
        _count_failure(session, email_key=user.email_key, address=address)
        raise WrongPassword("The password is wrong.")


def forget_login_failures(session: Session, *, email_key: str) -> None:
    """Drop the failed logins recorded for an email (from every address): a deleted account's
    email must not linger in the throttle table."""
    LoginFailureRepository(session).clear_all(email_key)


def _refuse_when_throttled(
    session: Session, *, settings: Settings, email_key: str, address: str
) -> None:
    window = timedelta(minutes=settings.login_window_minutes)
    recent = LoginFailureRepository(session).recent(email_key, address, since=utcnow() - window)
    if len(recent) >= settings.login_max_failures:
        wait = recent[-settings.login_max_failures] + window - utcnow()
        raise TooManyRequests(
            "Too many failed logins; try again later.",
            retry_after=max(1, math.ceil(wait.total_seconds())),
        )


def _count_failure(session: Session, *, email_key: str, address: str) -> None:
    failures = LoginFailureRepository(session)
    failures.add(failures.model(email_key=email_key, address=address))


def _password_matches(session: Session, user: User, password: str) -> bool:
    valid, new_hash = passwords.verify_and_update(password, user.password_hash)
    if valid and new_hash:
        users.set_password_hash(session, user=user, password_hash=new_hash)
    return valid


def login(
    session: Session, *, settings: Settings, email: str, password: str, address: str
) -> TokenPair:
    user = check_credentials(
        session, settings=settings, email=email, password=password, address=address
    )
    return _issue_pair(session, settings=settings, user=user, family_id=uuid.uuid4())


def refresh(session: Session, *, settings: Settings, refresh_token: str) -> TokenPair:
    """Rotate: the presented token is spent; a spent token presented again revokes its family."""
    repository = RefreshTokenRepository(session)
    token = repository.get_by_hash(tokens.digest(refresh_token))
    if token is None or token.expires_at <= utcnow() or token.revoked_at is not None:
        raise InvalidRefreshToken("The refresh token is not valid.")
    if not repository.claim_for_rotation(token):
        repository.revoke_family(token.family_id)
        raise InvalidRefreshToken("The refresh token was already used; please log in again.")
    user = users.get_active_user(session, user_id=token.user_id)
    if user is None:
        raise InvalidRefreshToken("The refresh token is not valid.")
    return _issue_pair(session, settings=settings, user=user, family_id=token.family_id)


def logout(session: Session, *, refresh_token: str) -> None:
    """Revoke the token's whole family. An unknown token is not an error (nothing to reveal)."""
    repository = RefreshTokenRepository(session)
    token = repository.get_by_hash(tokens.digest(refresh_token))
    if token is not None:
        repository.revoke_family(token.family_id)


def _issue_pair(
    session: Session, *, settings: Settings, user: User, family_id: uuid.UUID
) -> TokenPair:
    refresh_token = tokens.new_opaque_token()
    RefreshTokenRepository(session).add(
        RefreshToken(
            user_id=user.id,
            family_id=family_id,
            token_hash=tokens.digest(refresh_token),
            expires_at=tokens.expiry(settings.refresh_token_days),
        )
    )
    access = tokens.issue_access_token(
        user_id=user.id,
        role=user.role,
        key=settings.signing_key,
        minutes=settings.access_token_minutes,
    )
    return TokenPair(
        access_token=access,
        refresh_token=refresh_token,
        expires_in=settings.access_token_minutes * 60,
    )


def user_for_access_token(session: Session, *, settings: Settings, token: str) -> User | None:
    user_id = tokens.read_access_token(token, key=settings.signing_key)
    return users.get_active_user(session, user_id=user_id) if user_id else None


def start_web_session(session: Session, *, settings: Settings, user: User) -> str:
    """A browser session for the user; returns the cookie value."""
    token = tokens.new_opaque_token()
    WebSessionRepository(session).add(
        WebSession(
            user_id=user.id,
            token_hash=tokens.digest(token),
            expires_at=tokens.expiry(settings.session_days),
        )
    )
    return token


def user_for_web_session(session: Session, *, token: str) -> User | None:
    web_session = WebSessionRepository(session).get_live(tokens.digest(token))
    if web_session is None:
        return None
    return users.get_active_user(session, user_id=web_session.user_id)


def end_web_session(session: Session, *, token: str) -> None:
    WebSessionRepository(session).delete_by_hash(tokens.digest(token))
