"""The signed-in user's live event stream, on the broadcast the test database selects."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from jobtracker.config import Settings
from jobtracker.kit.broadcast import Broadcast
from jobtracker.live.service import user_channel
from jobtracker.main import create_app
from jobtracker.notifications.schemas import NotificationKind
from jobtracker.notifications.service import notify
from tests.helpers import Accounts
from tests.pages import log_in
from tests.streams import next_data, next_event, skip_past_comment

STREAM = "/api/events/stream"


def broadcast_of(app: FastAPI) -> Broadcast:
    broadcast: Broadcast = app.state.broadcast
    return broadcast


class TestEventStream:
    def test_event_for_the_user_arrives_on_their_stream(
        self, client: TestClient, accounts: Accounts, app: FastAPI
    ) -> None:
        reader = accounts.create()
        with client.stream("GET", STREAM, headers=reader.headers) as response:
            assert response.status_code == 200
            lines = response.iter_lines()
            skip_past_comment(lines, "ready")
            broadcast_of(app).publish(user_channel(reader.id), {"type": "notification", "n": 1})
            event = next_event(lines)
        assert event["event"] == "notification"

    def test_another_users_events_do_not_arrive(
        self, client: TestClient, accounts: Accounts, app: FastAPI
    ) -> None:
        reader, other = accounts.create(), accounts.create()
        with client.stream("GET", STREAM, headers=reader.headers) as response:
            lines = response.iter_lines()
            skip_past_comment(lines, "ready")
            broadcast_of(app).publish(user_channel(other.id), {"for": "other"})
            broadcast_of(app).publish(user_channel(reader.id), {"for": "reader"})
            assert next_data(lines) == {"for": "reader"}

    def test_closing_the_stream_unsubscribes(
        self, client: TestClient, accounts: Accounts, app: FastAPI
    ) -> None:
        reader = accounts.create()
        with client.stream("GET", STREAM, headers=reader.headers) as response:
            lines = response.iter_lines()  # held: a dropped line iterator closes the stream
            skip_past_comment(lines, "ready")
            assert broadcast_of(app).subscribers(user_channel(reader.id)) == 1
        assert broadcast_of(app).subscribers(user_channel(reader.id)) == 0

    def test_without_a_token_is_401(self, client: TestClient) -> None:
        response = client.get(STREAM)
        assert response.status_code == 401
        assert response.headers["content-type"] == "application/problem+json"


class TestPageEvents:
    """Through an app whose requests really commit: on PostgreSQL an event is a NOTIFY, which
    goes out only when the transaction commits (never inside a rolled-back test)."""

    @pytest.fixture
    def browser_client(
        self, settings: Settings, engine: Engine, committed: sessionmaker[Session]
    ) -> Iterator[TestClient]:
        with TestClient(create_app(settings, engine=engine, session_factory=committed)) as client:
            yield client

    def test_signed_in_page_gets_a_notification_event_when_one_is_committed(
        self, browser_client: TestClient, committed: sessionmaker[Session]
    ) -> None:
        account = Accounts(browser_client).create("Lin Page")
        assert log_in(browser_client, account.email).status_code == 303
        with browser_client.stream("GET", "/events") as response:
            assert response.status_code == 200
            lines = response.iter_lines()
            skip_past_comment(lines, "ready")
            with committed.begin() as session:
                notify(
                    session, user_id=account.id, kind=NotificationKind.SYSTEM,
                    title="Welcome", body="Hello",
                )  # fmt: skip
            event = next_event(lines)
        assert event["event"] == "notification"
        assert json.loads(event["data"])["title"] == "Welcome"

    def test_an_anonymous_browser_is_sent_to_log_in(self, client: TestClient) -> None:
        response = client.get("/events", follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/login")
