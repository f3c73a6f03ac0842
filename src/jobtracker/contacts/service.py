"""Rules for contacts: search, the applications they relate to, and the link to the Jobtracker
user whose email a contact carries (kept up to date by the users' events). Never commits."""

from __future__ import annotations

import uuid
from collections.abc import Container, Sequence
from typing import Any

from sqlalchemy.orm import Session

from jobtracker.applications import service as applications
from jobtracker.contacts.models import Contact
from jobtracker.contacts.repository import ContactRepository
from jobtracker.contacts.schemas import ContactCreate, ContactPatch, ContactRead, ContactUpdate
from jobtracker.kit.clock import utcnow
from jobtracker.kit.events import subscribe
from jobtracker.kit.pagination import Pagination
from jobtracker.kit.problems import InvalidInput, NotFound
from jobtracker.kit.text import fold
from jobtracker.users import service as users
from jobtracker.users.schemas import UserEmailChanged, UserRegistered
from jobtracker.users.service import User

LIST_FIELDS = ("emails", "phones", "social_links", "application_ids")


def create_contact(session: Session, *, owner: User, data: ContactCreate) -> ContactRead:
    """A new contact of the owner's, linked to the user whose email it carries, if any."""
    values = _values(data)
    application_ids = _owned_applications(session, owner.id, values.pop("application_ids"))
    emails = values.pop("emails")
    now = utcnow()
    contact = Contact(
        owner_id=owner.id, created_at=now, updated_at=now, **values, **_search_keys(values)
    )
    ContactRepository(session).add(contact)
    _replace_links(session, contact, emails=emails, application_ids=application_ids)
    return _read(session, owner.id, [contact])[0]


def list_contacts(
    session: Session,
    *,
    owner: User,
    page: Pagination,
    query: str = "",
    company: str = "",
    application_id: uuid.UUID | None = None,
) -> tuple[list[ContactRead], int]:
    """The owner's contacts by name; `query` matches name, company or position and `company`
    the company, both as substrings ignoring case and accents."""
    repository = ContactRepository(session)
    statement = repository.search(
        owner.id, query=query, company=company, application_id=application_id
    )
    contacts, total = repository.page(statement, page)
    return _read(session, owner.id, contacts), total


def list_for_application(
    session: Session, *, owner: User, application_id: uuid.UUID
) -> list[ContactRead]:
    """The owner's contacts related to this application, by name (none for another's)."""
    contacts = ContactRepository(session).all_owned(owner.id, application_id=application_id)
    return _read(session, owner.id, contacts)


def get_contact(session: Session, *, owner: User, contact_id: uuid.UUID) -> ContactRead:
    """The owner's contact; any other id (someone else's, unknown) is NotFound."""
    return _read(session, owner.id, [_owned(session, owner.id, contact_id)])[0]


def update_contact(
    session: Session, *, owner: User, contact_id: uuid.UUID, data: ContactUpdate | ContactPatch
) -> ContactRead:
    """Apply a PUT (every field) or a PATCH (the fields sent); new emails re-check the link."""
    contact = _owned(session, owner.id, contact_id)
    values = _values(data)
    application_ids = values.pop("application_ids", None)
    if application_ids is not None:
        application_ids = _owned_applications(session, owner.id, application_ids)
        application_ids += _binned_links(session, owner.id, contact)
    emails = values.pop("emails", None)
    current = {"name": contact.name, "company": contact.company, "position": contact.position}
    values |= _search_keys(current | values) | {"updated_at": utcnow()}
    ContactRepository(session).update(contact, values)
    _replace_links(session, contact, emails=emails, application_ids=application_ids)
    return _read(session, owner.id, [contact])[0]


def delete_contact(session: Session, *, owner: User, contact_id: uuid.UUID) -> None:
    """Delete the owner's contact with its emails and application links (NotFound otherwise)."""
    ContactRepository(session).delete(_owned(session, owner.id, contact_id))


def export_rows(session: Session, *, owner_id: uuid.UUID) -> list[dict[str, Any]]:
    """Every contact of the owner's as JSON-ready dicts (the account export), with the ids of
    all its applications, binned ones included."""
    contacts = ContactRepository(session).all_owned(owner_id)
    return [_to_read(contact, visible=None).model_dump(mode="json") for contact in contacts]


@subscribe(UserRegistered)
def link_registered_user(session: Session, event: UserRegistered) -> None:
    """A person who registers is linked from every address book that carries their email."""
    _link_unlinked(session, user_id=event.user_id, email_key=event.email_key)


@subscribe(UserEmailChanged)
def move_links_of_user(session: Session, event: UserEmailChanged) -> None:
    """Contacts that no longer carry the user's email lose the link (or find another user's);
    contacts that carry the new one gain it."""
    for contact in ContactRepository(session).linked_to(event.user_id):
        _refresh_link(session, contact)
    _link_unlinked(session, user_id=event.user_id, email_key=event.email_key)


def _owned(session: Session, owner_id: uuid.UUID, contact_id: uuid.UUID) -> Contact:
    contact = ContactRepository(session).get_owned(owner_id, contact_id)
    if contact is None:
        raise NotFound("No such contact.")
    return contact


def _values(data: ContactCreate | ContactPatch) -> dict[str, Any]:
    values = data.model_dump(mode="json", exclude_unset=isinstance(data, ContactPatch))
    if "name" in values and values["name"] is None:
        raise InvalidInput("name cannot be empty", field=("body", "name"), rule="required")
    for name in LIST_FIELDS:
        if name in values and values[name] is None:
            values[name] = []
    if "application_ids" in values:
        values["application_ids"] = [uuid.UUID(id) for id in values["application_ids"]]
    return values


def _search_keys(fields: dict[str, Any]) -> dict[str, str]:
    parts = (fields.get("name"), fields.get("company"), fields.get("position"))
    return {
        "search_text": " " + " ".join(_folded(part) for part in parts if part) + " ",
        "company_key": _folded(fields.get("company") or ""),
    }


def _folded(text: str) -> str:
    """Folded, with runs of spaces as one: "José  Pérez" is found by "jose perez"."""
    return " ".join(fold(text).split())


def _owned_applications(
    session: Session, owner_id: uuid.UUID, ids: list[uuid.UUID]
) -> list[uuid.UUID]:
    owned = applications.owned_application_ids(session, owner_id=owner_id, ids=ids)
    unknown = [str(id) for id in ids if id not in owned]
    if unknown:
        raise InvalidInput(
            f"Not one of your applications: {', '.join(unknown)}",
            field=("body", "application_ids"), rule="unknown_application",
        )  # fmt: skip
    return ids


def _binned_links(session: Session, owner_id: uuid.UUID, contact: Contact) -> list[uuid.UUID]:
    """Links to applications in the bin: not shown, so not replaced; a restore brings them back."""
    linked = [link.application_id for link in contact.application_links]
    live = applications.owned_application_ids(session, owner_id=owner_id, ids=linked)
    return [id for id in linked if id not in live]


def _replace_links(
    session: Session,
    contact: Contact,
    *,
    emails: Sequence[str] | None,
    application_ids: Sequence[uuid.UUID] | None,
) -> None:
    repository = ContactRepository(session)
    if emails is not None:
        repository.replace_emails(contact, [(email, users.email_key(email)) for email in emails])
        _refresh_link(session, contact)
    if application_ids is not None:
        repository.replace_applications(contact, application_ids)


def _refresh_link(session: Session, contact: Contact) -> None:
    """Link to the active user of one of the contact's emails; a link that still matches stays."""
    keys = [email.email_key for email in contact.emails]
    current = contact.linked_user
    if current is not None and current.is_active and current.email_key in keys:
        return
    ContactRepository(session).set_linked_user(contact, _user_with_email(session, keys))


def _user_with_email(session: Session, keys: Sequence[str]) -> uuid.UUID | None:
    for key in keys:
        user = users.get_user_by_email(session, email=key)
        if user is not None and user.is_active:
            return user.id
    return None


def _link_unlinked(session: Session, *, user_id: uuid.UUID, email_key: str) -> None:
    repository = ContactRepository(session)
    for contact in repository.carrying_email(email_key, unlinked=True):
        repository.set_linked_user(contact, user_id)


def _read(session: Session, owner_id: uuid.UUID, contacts: list[Contact]) -> list[ContactRead]:
    """Reads of the owner's contacts, showing only links to live applications (one query)."""
    linked = list({link.application_id for c in contacts for link in c.application_links})
    live = applications.owned_application_ids(session, owner_id=owner_id, ids=linked)
    return [_to_read(contact, visible=live) for contact in contacts]


def _to_read(contact: Contact, *, visible: Container[uuid.UUID] | None) -> ContactRead:
    """`visible`: the application ids to show (None: all)."""
    application_ids = [link.application_id for link in contact.application_links]
    user = contact.linked_user if contact.linked_user_id else None
    fields = {
        "id": contact.id, "name": contact.name, "position": contact.position,
        "company": contact.company, "emails": [email.email for email in contact.emails],
        "phones": contact.phones, "social_links": contact.social_links, "notes": contact.notes,
        "application_ids": [id for id in application_ids if visible is None or id in visible],
        "linked_user": _linked_user(user) if user is not None and user.is_active else None,
        "created_at": contact.created_at, "updated_at": contact.updated_at,
    }  # fmt: skip
    return ContactRead.model_validate(fields)


def _linked_user(user: User) -> dict[str, Any]:
    return {"id": user.id, "name": user.full_name, "profile_url": f"/people/{user.id}"}
