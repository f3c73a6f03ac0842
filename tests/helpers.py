"""Small helpers the tests share: make accounts through the real API, read forms' CSRF tokens."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import count

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

PASSWORD = "correct horse battery"
_numbers = count(1)
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Account:
    id: uuid.UUID
    email: str
    full_name: str
    password: str
    access_token: str
    refresh_token: str
    headers: dict[str, str] = field(default_factory=dict)


class Accounts:
    """Registers and logs in users through the public API, as a client would."""

    def __init__(self, client: TestClient) -> None:
        self.client = client

    def create(self, full_name: str | None = None, *, email: str | None = None) -> Account:
        number = next(_numbers)
        email = email or f"user{number}@example.com"
        full_name = full_name or f"Test User {number}"
        body = {"email": email, "password": PASSWORD, "full_name": full_name}
        created = self.client.post("/api/auth/register", json=body)
        assert created.status_code == 201, created.text
        tokens = self.login(email, PASSWORD)
        return Account(
            id=uuid.UUID(created.json()["id"]),
            email=email,
            full_name=full_name,
            password=PASSWORD,
            access_token=tokens["access_token"],
            refresh_token=tokens["refresh_token"],
            headers={"Authorization": f"Bearer {tokens['access_token']}"},
        )

    def login(self, email: str, password: str) -> dict[str, str]:
        response = self.client.post("/api/auth/login", json={"email": email, "password": password})
        assert response.status_code == 200, response.text
        tokens: dict[str, str] = response.json()
        return tokens


def csrf_from(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "the page has no CSRF field"
    return match.group(1)


@contextmanager
def private_postgres_schema(url: str, prefix: str) -> Iterator[tuple[str, str]]:
    """A new schema (and the task engine's `<schema>_dbos` beside it), both dropped at the end;
    yields the URL that uses it and its name."""
    schema = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    separator = "&" if "?" in url else "?"
    try:
        yield f"{url}{separator}options=-csearch_path%3D{schema}", schema
    finally:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA IF EXISTS {schema}_dbos CASCADE"))
            connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        admin.dispose()
