"""Web pages: my contacts (live search), a new contact, a contact (view, edit, delete)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Form, Query, Request, Response
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session

from jobtracker.applications import service as applications
from jobtracker.auth.dependencies import WebUser
from jobtracker.contacts import service
from jobtracker.contacts.schemas import ContactCreate, ContactRead, ContactUpdate
from jobtracker.db import DbSession
from jobtracker.kit import web
from jobtracker.kit.forms import labelled_errors
from jobtracker.kit.pagination import Pagination
from jobtracker.kit.problems import InvalidInput
from jobtracker.users.service import User

router = APIRouter(include_in_schema=False, dependencies=[Depends(web.require_csrf)])

PAGE_SIZE = 20


class ContactForm(BaseModel):
    """The form as posted: emails, phones and links one per line, applications as checkboxes."""

    name: str = ""
    position: str = ""
    company: str = ""
    emails: str = ""
    phones: str = ""
    social_links: str = ""
    notes: str = ""
    application_ids: list[str] = []


@router.get("/contacts")
def contacts_page(
    request: Request,
    user: WebUser,
    session: DbSession,
    q: Annotated[str, Query(max_length=200)] = "",
    company: Annotated[str, Query(max_length=200)] = "",
    page: Annotated[int, Query(ge=1)] = 1,
    deleted: bool = False,
) -> Response:
    pagination = Pagination(limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    contacts, total = service.list_contacts(
        session, owner=user, page=pagination, query=q, company=company
    )
    context = {
        "user": user, "contacts": contacts, "total": total, "q": q, "company": company,
        "page": page, "has_next": page * PAGE_SIZE < total, "deleted": deleted,
    }  # fmt: skip
    return web.render_page_or_fragment(
        request, "contacts/list.html", "contacts/_results.html", context
    )


@router.get("/contacts/new")
def new_contact_page(
    request: Request, user: WebUser, session: DbSession, application_id: uuid.UUID | None = None
) -> Response:
    """`application_id` ticks that application: the application page's "add a contact"."""
    form = ContactForm(application_ids=[str(application_id)] if application_id else [])
    return _form_page(request, session, user, None, form.model_dump())


@router.post("/contacts/new")
def create_contact(
    request: Request, user: WebUser, session: DbSession, form: Annotated[ContactForm, Form()]
) -> Response:
    try:
        data = ContactCreate.model_validate(_contact_values(form))
        contact = service.create_contact(session, owner=user, data=data)
    except (ValidationError, InvalidInput) as error:
        return _form_page(request, session, user, None, form.model_dump(), _errors(error))
    return web.redirect(f"/contacts/{contact.id}?saved=true")


@router.get("/contacts/{contact_id}")
def contact_page(
    request: Request, contact_id: uuid.UUID, user: WebUser, session: DbSession, saved: bool = False
) -> Response:
    contact = service.get_contact(session, owner=user, contact_id=contact_id)
    return _form_page(request, session, user, contact, _form_from(contact), saved=saved)


@router.post("/contacts/{contact_id}")
def save_contact(
    request: Request,
    contact_id: uuid.UUID,
    user: WebUser,
    session: DbSession,
    form: Annotated[ContactForm, Form()],
) -> Response:
    try:
        data = ContactUpdate.model_validate(_contact_values(form))
        service.update_contact(session, owner=user, contact_id=contact_id, data=data)
    except (ValidationError, InvalidInput) as error:
        contact = service.get_contact(session, owner=user, contact_id=contact_id)
        return _form_page(request, session, user, contact, form.model_dump(), _errors(error))
    return web.redirect(f"/contacts/{contact_id}?saved=true")


@router.post("/contacts/{contact_id}/delete")
def delete_contact(
    request: Request, contact_id: uuid.UUID, user: WebUser, session: DbSession
) -> Response:
    service.delete_contact(session, owner=user, contact_id=contact_id)
    if web.is_htmx(request):  # asked after hx-confirm: htmx navigates on HX-Redirect
        return Response(status_code=204, headers={"HX-Redirect": "/contacts?deleted=true"})
    return web.redirect("/contacts?deleted=true")


def _form_page(
    request: Request,
    session: Session,
    user: User,
    contact: ContactRead | None,
    form: dict[str, Any],
    errors: Sequence[tuple[str, str]] = (),
    *,
    saved: bool = False,
) -> Response:
    """The contact (when it exists) beside its form; with errors, the form as sent and a 422."""
    choices = applications.choices(session, owner_id=user.id)
    context = {
        "user": user, "contact": contact, "form": form, "saved": saved,
        "choices": [(str(id), label) for id, label in choices],
        "errors": [message for _, message in errors], "invalid": {field for field, _ in errors},
    }  # fmt: skip
    return web.render(request, "contacts/contact.html", context, 422 if errors else 200)


def _form_from(contact: ContactRead) -> dict[str, Any]:
    links = "\n".join(f"{link.label} {link.url}" for link in contact.social_links)
    return {
        "name": contact.name, "position": contact.position or "",
        "company": contact.company or "", "emails": "\n".join(contact.emails),
        "phones": "\n".join(contact.phones), "social_links": links, "notes": contact.notes or "",
        "application_ids": [str(id) for id in contact.application_ids],
    }  # fmt: skip


def _contact_values(form: ContactForm) -> dict[str, Any]:
    """Form text to API shape: empty means unset; emails, phones and links one per line."""
    return {
        "name": form.name, "position": form.position or None, "company": form.company or None,
        "notes": form.notes or None, "emails": _lines(form.emails), "phones": _lines(form.phones),
        "social_links": [_link(line) for line in _lines(form.social_links)],
        "application_ids": form.application_ids,
    }  # fmt: skip


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _link(line: str) -> dict[str, str]:
    """ "GitHub https://github.com/ana" -> label and url; a bare address is labelled by its host."""
    *label_words, url = line.split()
    label = " ".join(label_words) or urlsplit(url).hostname or url
    return {"label": label, "url": url}


FIELD_LABELS = {
    "name": "Name", "position": "Position", "company": "Company", "emails": "Emails",
    "phones": "Phones", "social_links": "Links", "notes": "Notes",
    "application_ids": "Applications",
}  # fmt: skip
ITEM_LABELS = {"emails": "Email", "phones": "Phone", "social_links": "Link"}


def _errors(error: ValidationError | InvalidInput) -> list[tuple[str, str]]:
    return labelled_errors(error, FIELD_LABELS, ITEM_LABELS)
