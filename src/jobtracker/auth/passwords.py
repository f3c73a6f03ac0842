"""Password hashing (argon2 through pwdlib) and the password rules."""

from __future__ import annotations

from functools import lru_cache

from pwdlib import PasswordHash

MIN_LENGTH = 10


@lru_cache(maxsize=1)
def _hasher() -> PasswordHash:
    return PasswordHash.recommended()


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password: str, password_hash: str) -> bool:
    return _hasher().verify(password, password_hash)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return hash_password("not-a-real-password-but-same-cost")


def burn_verify_time(password: str) -> None:
    """Spend a verification's time when there is no account, so timing does not reveal it."""
    verify_password(password, _dummy_hash())


def weak_password_rule(password: str, email: str) -> tuple[str, str] | None:
    """The first rule the password breaks, as (rule, message), or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return "too_short", f"Password must be at least {MIN_LENGTH} characters."
    if password.isdigit():
        return "only_digits", "Password must not be only digits."
    if password.strip().lower() == email.strip().lower():
        return "equals_email", "Password must not be the email address."
    return None


def verify_and_update(password: str, password_hash: str) -> tuple[bool, str | None]:
    """Verify, and give a fresh hash when the stored one uses outdated parameters."""
    return _hasher().verify_and_update(password, password_hash)
