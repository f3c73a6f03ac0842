"""Access tokens (short-lived JWT) and opaque random tokens stored only as their SHA-256."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import datetime, timedelta

import jwt

from jobtracker.kit.clock import utcnow

ALGORITHM = "HS256"
AUDIENCE = "jobtracker-api"


def new_opaque_token() -> str:
    return secrets.token_urlsafe(32)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_access_token(*, user_id: uuid.UUID, role: str, key: str, minutes: int) -> str:
    now = utcnow()
    claims = {
        "sub": str(user_id),
        "role": role,
        "aud": AUDIENCE,
        "iat": now,
        "exp": now + timedelta(minutes=minutes),
    }
    return jwt.encode(claims, key, algorithm=ALGORITHM)


def read_access_token(token: str, *, key: str) -> uuid.UUID | None:
    """The user id in a valid, unexpired token; None for anything else."""
    try:
        claims = jwt.decode(token, key, algorithms=[ALGORITHM], audience=AUDIENCE)
        return uuid.UUID(claims["sub"])
    except (jwt.PyJWTError, KeyError, ValueError):
        return None


def expiry(days: int) -> datetime:
    return utcnow() + timedelta(days=days)
