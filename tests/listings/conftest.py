"""Fixtures of the catalogue's tests: an admin, and sources served by the fake adapter."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.orm import Session

from jobtracker.listings.sources.fake import FAKE_BOARDS
from jobtracker.users.service import User
from tests.helpers import Accounts


@pytest.fixture
def admin_headers(client: TestClient, accounts: Accounts, session: Session) -> dict[str, str]:
    account = accounts.create("Catalogue Admin")
    session.execute(update(User).where(User.id == account.id).values(role="admin"))
    return account.headers


@pytest.fixture(autouse=True)
def _fake_boards() -> Iterator[None]:
    yield
    FAKE_BOARDS.clear()
