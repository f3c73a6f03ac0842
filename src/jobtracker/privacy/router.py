"""JSON API for the account as a whole: export everything, delete everything."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from jobtracker.auth.dependencies import CurrentUser
from jobtracker.db import DbSession
from jobtracker.kit.dependencies import ClientAddress, SettingsDep
from jobtracker.privacy import service
from jobtracker.privacy.schemas import AccountDeletion, AccountExport

router = APIRouter(prefix="/api/user", tags=["privacy"])


@router.get("/export")
def export_account(
    user: CurrentUser, session: DbSession, settings: SettingsDep, response: Response
) -> AccountExport:
    """Everything of yours as one JSON document, offered as a file to save."""
    document = service.export_account(session, settings, user=user)
    filename = service.export_filename(user, document.exported_at)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return document


@router.delete(
    "",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={403: {"description": "Wrong password"}, 429: {"description": "Too many tries"}},
)
def delete_account(
    data: AccountDeletion,
    user: CurrentUser,
    session: DbSession,
    settings: SettingsDep,
    address: ClientAddress,
) -> Response:
    """Delete your account and all its data for good; asks for the password again."""
    service.delete_account(session, settings, user=user, password=data.password, address=address)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
