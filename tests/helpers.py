"""Small helpers the tests share: make accounts through the real API, read forms' CSRF tokens."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from itertools import count

from fastapi.testclient import TestClient

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
