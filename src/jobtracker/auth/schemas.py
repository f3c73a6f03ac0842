"""API shapes for registration and tokens."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import EmailStr, StringConstraints

from jobtracker.kit.schemas import Schema

Password = Annotated[str, StringConstraints(min_length=1, max_length=1024, strip_whitespace=False)]


class RegisterRequest(Schema):
    email: EmailStr
    password: Password
    full_name: Annotated[str, StringConstraints(min_length=1, max_length=200)]


class LoginRequest(Schema):
    email: Annotated[str, StringConstraints(min_length=1, max_length=320)]
    password: Password


class RefreshRequest(Schema):
    refresh_token: Annotated[str, StringConstraints(min_length=1, max_length=200)]


class TokenPair(Schema):
    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105
    expires_in: int


class UserRead(Schema):
    id: uuid.UUID
    email: str
    full_name: str
    role: str
    created_at: datetime
