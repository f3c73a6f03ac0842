"""JSON API for accounts and tokens (routes are a contract: see issue 2)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response, status
from fastapi.security import OAuth2PasswordRequestForm

from jobtracker.auth import service
from jobtracker.auth.schemas import (
    LoginRequest,
    RefreshRequest,
    RegisterRequest,
    TokenPair,
    UserRead,
)
from jobtracker.db import DbSession
from jobtracker.kit.dependencies import ClientAddress, SettingsDep

router = APIRouter(prefix="/api/auth", tags=["auth"])


@router.post("/register", status_code=status.HTTP_201_CREATED)
def register(data: RegisterRequest, session: DbSession, settings: SettingsDep) -> UserRead:
    user = service.register(session, settings=settings, data=data)
    return UserRead.model_validate(user)


@router.post("/login")
def login(
    data: LoginRequest, session: DbSession, settings: SettingsDep, address: ClientAddress
) -> TokenPair:
    return service.login(
        session, settings=settings, email=data.email, password=data.password, address=address
    )


@router.post("/token", summary="Log in with the OAuth2 password form (for /docs)")
def token(
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    session: DbSession,
    settings: SettingsDep,
    address: ClientAddress,
) -> TokenPair:
    return service.login(
        session, settings=settings, email=form.username, password=form.password, address=address
    )


@router.post("/refresh")
def refresh(data: RefreshRequest, session: DbSession, settings: SettingsDep) -> TokenPair:
    return service.refresh(session, settings=settings, refresh_token=data.refresh_token)


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
def logout(data: RefreshRequest, session: DbSession) -> Response:
    service.logout(session, refresh_token=data.refresh_token)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
