"""JSON API for contacts."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from jobtracker.auth.dependencies import CurrentUser
from jobtracker.contacts import service
from jobtracker.contacts.schemas import ContactCreate, ContactPatch, ContactRead, ContactUpdate
from jobtracker.db import DbSession
from jobtracker.kit.pagination import PaginationParams
from jobtracker.kit.schemas import Page

router = APIRouter(prefix="/api", tags=["contacts"])


@router.post("/contacts", status_code=status.HTTP_201_CREATED)
def create_contact(data: ContactCreate, user: CurrentUser, session: DbSession) -> ContactRead:
    return service.create_contact(session, owner=user, data=data)


@router.get("/contacts")
def list_contacts(
    user: CurrentUser,
    session: DbSession,
    page: PaginationParams,
    q: Annotated[
        str, Query(max_length=200, description="Part of the name, company or position")
    ] = "",
    company: Annotated[str, Query(max_length=200, description="Part of the company")] = "",
    application_id: Annotated[
        uuid.UUID | None, Query(description="Only contacts related to this application")
    ] = None,
) -> Page[ContactRead]:
    items, total = service.list_contacts(
        session, owner=user, page=page, query=q, company=company, application_id=application_id
    )
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


@router.get("/contacts/{contact_id}")
def read_contact(contact_id: uuid.UUID, user: CurrentUser, session: DbSession) -> ContactRead:
    return service.get_contact(session, owner=user, contact_id=contact_id)


@router.put("/contacts/{contact_id}")
def replace_contact(
    contact_id: uuid.UUID, data: ContactUpdate, user: CurrentUser, session: DbSession
) -> ContactRead:
    return service.update_contact(session, owner=user, contact_id=contact_id, data=data)


@router.patch("/contacts/{contact_id}")
def patch_contact(
    contact_id: uuid.UUID, data: ContactPatch, user: CurrentUser, session: DbSession
) -> ContactRead:
    return service.update_contact(session, owner=user, contact_id=contact_id, data=data)


@router.delete("/contacts/{contact_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_contact(contact_id: uuid.UUID, user: CurrentUser, session: DbSession) -> Response:
    service.delete_contact(session, owner=user, contact_id=contact_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
