"""Helpers for the interviews tests: applications to link to, interviews and settings through
the API as a client would, and a real SMTP server."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from jobtracker.applications.models import Application
from jobtracker.kit.clock import utcnow
from jobtracker.kit.text import fold
from tests.helpers import Account
from tests.notifications.conftest import SmtpTestServer


@pytest.fixture
def smtp() -> Iterator[SmtpTestServer]:
    """A real SMTP server on 127.0.0.1 (the notifications tests' own)."""
    server = SmtpTestServer()
    server.start()
    yield server
    server.stop()


def make_application(
    session: Session, owner_id: uuid.UUID, company: str = "Acme", position: str = "Backend Engineer"
) -> uuid.UUID:
    """An application of the owner's (its own API comes from another branch of the work)."""
    row = Application(
        owner_id=owner_id, company=company, position=position,
        search_text=f" {fold(company)} {fold(position)} ",
    )  # fmt: skip
    session.add(row)
    session.flush()
    return row.id


def in_minutes(minutes: float) -> datetime:
    return utcnow() + timedelta(minutes=minutes)


def iso(moment: datetime) -> str:
    return moment.isoformat()


def schedule(client: TestClient, account: Account, **fields: Any) -> dict[str, Any]:
    """A new interview of the account through the API; company, position, time and type have
    sensible defaults."""
    body = {
        "company": "Acme", "position": "Backend Engineer", "type": "online",
        "starts_at": iso(in_minutes(3 * 24 * 60)), **fields,
    }  # fmt: skip
    response = client.post("/api/interviews", json=body, headers=account.headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def use_settings(client: TestClient, account: Account, **fields: Any) -> dict[str, Any]:
    """PUT the workspace settings (time zone, reminder offsets, stale days)."""
    current = client.get("/api/user/settings", headers=account.headers).json()
    body = {
        key: current[key] for key in ("time_zone", "reminder_offsets_minutes", "stale_after_days")
    }
    response = client.put("/api/user/settings", json={**body, **fields}, headers=account.headers)
    assert response.status_code == 200, response.text
    saved: dict[str, Any] = response.json()
    return saved


def offsets_of(interview: dict[str, Any]) -> list[int]:
    return sorted(reminder["offset_minutes"] for reminder in interview["reminders"])
