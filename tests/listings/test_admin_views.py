"""The sources and import-run pages, through real HTTP requests with an admin's browser."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.orm import Session

from jobtracker.users.service import User
from tests.helpers import Account, Accounts
from tests.pages import log_in, submit


@pytest.fixture
def operator(client: TestClient, accounts: Accounts, session: Session) -> Account:
    account = accounts.create("Page Admin")
    session.execute(update(User).where(User.id == account.id).values(role="admin"))
    assert log_in(client, account.email).status_code == 303
    return account


SOURCE = {"kind": "fake", "name": "Acme jobs", "config": json.dumps({"board": "acme"}),
          "every_minutes": "60", "cron": "", "enabled": "true", "priority": "0"}  # fmt: skip


class TestSourcePages:
    def test_an_admin_adds_a_source_and_starts_an_import(
        self, client: TestClient, operator: Account
    ) -> None:
        added = submit(client, "/ops/sources", "/ops/sources", SOURCE)
        assert added.status_code == 303
        page = client.get(added.headers["location"]).text
        assert "Acme jobs" in page and "Import now" in page
        started = submit(
            client, added.headers["location"], f"{added.headers['location']}/import", {}
        )
        assert started.headers["location"].startswith("/ops/imports/")
        run_page = client.get(started.headers["location"]).text
        assert "queued" in run_page and "Acme jobs" in run_page
        assert "Acme jobs" in client.get("/ops/imports").text

    def test_bad_settings_are_shown_beside_the_field(
        self, client: TestClient, operator: Account
    ) -> None:
        bad = {**SOURCE, "config": "{not json"}
        response = submit(client, "/ops/sources", "/ops/sources", bad)
        assert response.status_code == 422 and 'id="error-config"' in response.text
        missing = submit(client, "/ops/sources", "/ops/sources", {**SOURCE, "config": "{}"})
        assert missing.status_code == 422 and "board" in missing.text

    def test_a_user_who_is_not_an_admin_gets_403(
        self, client: TestClient, accounts: Accounts
    ) -> None:
        account = accounts.create()
        log_in(client, account.email)
        assert client.get("/ops/sources").status_code == 403
