"""Server-Sent Events as every streaming endpoint sends them: headers, framing, heartbeat,
periodic figures, and an end when the client goes away."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from itertools import count

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from jobtracker.kit import sse
from jobtracker.kit.broadcast import InProcessBroadcast
from tests.streams import next_data, next_event, skip_past_comment


def streaming_app(broadcast: InProcessBroadcast) -> FastAPI:
    """Two endpoints made as the real ones are: a relayed channel, and figures every 10 ms."""
    app = FastAPI()
    figures = count(1)

    @app.get("/relay", response_class=sse.EventSourceResponse)
    async def relayed() -> AsyncIterator[sse.ServerSentEvent]:
        async for message in sse.relay(broadcast, "channel"):
            yield message

    @app.get("/figures", response_class=sse.EventSourceResponse)
    async def periodic() -> AsyncIterator[sse.ServerSentEvent]:
        async for message in sse.every(0.01, lambda: {"type": "figures", "n": next(figures)}):
            yield message

    return app


@pytest.fixture
def broadcast() -> InProcessBroadcast:
    return InProcessBroadcast()


@pytest.fixture
def client(broadcast: InProcessBroadcast) -> Iterator[TestClient]:
    with TestClient(streaming_app(broadcast)) as client:
        yield client


class TestRelay:
    def test_stream_is_an_unbuffered_event_stream(self, client: TestClient) -> None:
        with client.stream("GET", "/relay") as response:
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/event-stream")
            assert response.headers["cache-control"] == "no-cache"
            assert response.headers["x-accel-buffering"] == "no"

    def test_event_is_framed_with_its_name_id_and_json(
        self, client: TestClient, broadcast: InProcessBroadcast
    ) -> None:
        with client.stream("GET", "/relay") as response:
            lines = response.iter_lines()
            skip_past_comment(lines, "ready")
            broadcast.publish("channel", {"type": "status", "id": 7, "text": "two\nlines"})
            event = next_event(lines)
        assert event["event"] == "status"
        assert event["id"] == "7"
        assert json.loads(event["data"]) == {"type": "status", "id": 7, "text": "two\nlines"}

    def test_event_without_a_type_is_a_plain_message(
        self, client: TestClient, broadcast: InProcessBroadcast
    ) -> None:
        with client.stream("GET", "/relay") as response:
            lines = response.iter_lines()
            skip_past_comment(lines, "ready")
            broadcast.publish("channel", {"n": 1})
            event = next_event(lines)
        assert event == {"data": '{"n": 1}'}

    def test_the_stream_tells_the_browser_when_to_reconnect(self, client: TestClient) -> None:
        with client.stream("GET", "/relay") as response:
            lines = response.iter_lines()
            skip_past_comment(lines, "ready")
            assert next(lines) == f"retry: {sse.RETRY_MILLISECONDS}"

    def test_an_idle_stream_sends_a_heartbeat_comment(
        self, client: TestClient, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # FastAPI's interval is 15 s; its own comment invites tests to shorten it.
        monkeypatch.setattr("fastapi.routing._PING_INTERVAL", 0.05)
        with client.stream("GET", "/relay") as response:
            skip_past_comment(response.iter_lines(), "ping")

    def test_the_client_going_away_ends_the_subscription(
        self, client: TestClient, broadcast: InProcessBroadcast
    ) -> None:
        with client.stream("GET", "/relay") as response:
            lines = response.iter_lines()  # held: a dropped line iterator closes the stream
            skip_past_comment(lines, "ready")
            assert broadcast.subscribers("channel") == 1
        assert broadcast.subscribers("channel") == 0


class TestEvery:
    def test_figures_are_sent_again_and_again(self, client: TestClient) -> None:
        with client.stream("GET", "/figures") as response:
            lines = response.iter_lines()
            numbers = [next_data(lines)["n"] for _ in range(3)]
        assert numbers == [1, 2, 3]
