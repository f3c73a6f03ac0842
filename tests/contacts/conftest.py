"""Helpers for the contacts tests: contacts through the API, applications and people to link."""

from __future__ import annotations

import uuid
from itertools import count
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from jobtracker.applications.models import Application
from jobtracker.kit.clock import utcnow
from jobtracker.kit.text import fold
from tests.helpers import PASSWORD, Account

_people = count(1)


def add_contact(client: TestClient, account: Account, name: str = "Ana", **fields: Any) -> Any:
    """A contact created through the API; its JSON."""
    response = client.post("/api/contacts", json={"name": name, **fields}, headers=account.headers)
    assert response.status_code == 201, response.text
    return response.json()


def read_contact(client: TestClient, account: Account, contact_id: str) -> Any:
    response = client.get(f"/api/contacts/{contact_id}", headers=account.headers)
    assert response.status_code == 200, response.text
    return response.json()


def add_application(
    session: Session,
    owner: Account,
    company: str = "Acme",
    position: str = "Engineer",
    *,
    binned: bool = False,
) -> uuid.UUID:
    """An application row (the applications API comes with its own work); binned = in the bin."""
    application = Application(
        owner_id=owner.id, company=company, position=position,
        search_text=f" {fold(company)} {fold(position)} ", deleted_at=utcnow() if binned else None,
    )  # fmt: skip
    session.add(application)
    session.flush()
    return application.id


def register(client: TestClient, email: str, full_name: str = "Registered Person") -> uuid.UUID:
    """Someone signing up through the public API (never logged in: only the registration)."""
    body = {"email": email, "password": PASSWORD, "full_name": full_name}
    response = client.post("/api/auth/register", json=body)
    assert response.status_code == 201, response.text
    return uuid.UUID(response.json()["id"])


def new_email() -> str:
    return f"contact{next(_people)}@people.example.com"
