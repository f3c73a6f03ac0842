"""SQL for contacts. Every query of a user's contacts starts from `readable_by(owner)`; the two
that cross owners (a person registers or changes email) only move `linked_user_id`."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import Select, select

from jobtracker.contacts.models import Contact, ContactApplication, ContactEmail
from jobtracker.kit.repository import Repository
from jobtracker.kit.text import fold, like_escape


def _contains(term: str) -> str:
    """A LIKE pattern for a folded substring, the user's wildcards taken literally."""
    return f"%{like_escape(' '.join(fold(term).split()))}%"


class ContactRepository(Repository[Contact]):
    model = Contact

    def readable_by(self, owner_id: uuid.UUID) -> Select[Contact]:
        return self.select().where(Contact.owner_id == owner_id)

    def get_owned(self, owner_id: uuid.UUID, contact_id: uuid.UUID) -> Contact | None:
        return self.one_or_none(self.readable_by(owner_id).where(Contact.id == contact_id))

    def search(
        self,
        owner_id: uuid.UUID,
        *,
        query: str = "",
        company: str = "",
        application_id: uuid.UUID | None = None,
    ) -> Select[Contact]:
        """The owner's contacts matching every filter given, by name (search_text starts with
        the folded name)."""
        statement = self.readable_by(owner_id)
        if query.strip():
            statement = statement.where(Contact.search_text.like(_contains(query), escape="\\"))
        if company.strip():
            statement = statement.where(Contact.company_key.like(_contains(company), escape="\\"))
        if application_id is not None:
            linked = ContactApplication.application_id == application_id
            statement = statement.where(Contact.application_links.any(linked))
        return statement.order_by(Contact.search_text, Contact.id)

    def all_owned(
        self, owner_id: uuid.UUID, *, application_id: uuid.UUID | None = None
    ) -> list[Contact]:
        """Every contact of the owner's (related to this application, when given), by name."""
        return list(self.session.scalars(self.search(owner_id, application_id=application_id)))

    def carrying_email(self, email_key: str, *, unlinked: bool) -> list[Contact]:
        """Contacts of every owner with this email: a person who registers is linked from
        all the address books that know them."""
        carriers = select(ContactEmail.contact_id).where(ContactEmail.email_key == email_key)
        statement = self.select().where(Contact.id.in_(carriers))
        if unlinked:
            statement = statement.where(Contact.linked_user_id.is_(None))
        return list(self.session.scalars(statement))

    def linked_to(self, user_id: uuid.UUID) -> list[Contact]:
        """Contacts of every owner linked to this user."""
        statement = self.select().where(Contact.linked_user_id == user_id)
        return list(self.session.scalars(statement))

    def set_linked_user(self, contact: Contact, user_id: uuid.UUID | None) -> None:
        if contact.linked_user_id != user_id:
            self.update(contact, {"linked_user_id": user_id})
            # The relationship is read-only: reload it from the new id when next read.
            self.session.expire(contact, ["linked_user"])

    def replace_emails(self, contact: Contact, emails: Sequence[tuple[str, str]]) -> None:
        """The (email, email_key) pairs, in order. The old rows go first: the unit of work
        inserts before it deletes, and a kept address would break unique(contact_id, email_key)."""
        contact.emails.clear()
        self.session.flush()
        contact.emails.extend(
            ContactEmail(email=email, email_key=key, position=index)
            for index, (email, key) in enumerate(emails)
        )
        self.session.flush()

    def replace_applications(self, contact: Contact, ids: Sequence[uuid.UUID]) -> None:
        """The linked applications in this order (old rows first deleted, as for emails)."""
        contact.application_links.clear()
        self.session.flush()
        contact.application_links.extend(
            ContactApplication(application_id=id, position=index) for index, id in enumerate(ids)
        )
        self.session.flush()
