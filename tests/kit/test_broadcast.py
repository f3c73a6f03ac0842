"""The broadcast port: delivery across threads, slow subscribers, clean-up, publish on commit;
and PostgreSQL LISTEN/NOTIFY across two real processes."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import anyio
import httpx
import pytest
from anyio import to_thread
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session

from jobtracker.config import Settings, SettingsError, load_settings
from jobtracker.kit.broadcast import (
    MAX_EVENT_BYTES,
    Broadcast,
    Event,
    EventTooLarge,
    InProcessBroadcast,
    PostgresBroadcast,
    channel_name,
    create_broadcast,
)
from jobtracker.live.service import user_channel
from tests.helpers import private_postgres_schema
from tests.streams import next_event, skip_past_comment

POSTGRES_URL = os.environ.get("JOBTRACKER_TEST_POSTGRES_URL", "")
ON_POSTGRES = os.environ.get("JOBTRACKER_TEST_DATABASE") == "postgres" and bool(POSTGRES_URL)
needs_postgres = pytest.mark.skipif(
    not ON_POSTGRES,
    reason="needs JOBTRACKER_TEST_DATABASE=postgres and JOBTRACKER_TEST_POSTGRES_URL",
)
JOBTRACKER = Path(sys.executable).with_name("jobtracker")
PASSWORD = "correct horse battery"


def new_channel() -> str:
    return f"test:{uuid.uuid4().hex}"


async def receive(events: AsyncIterator[Event], seconds: float = 5.0) -> Event:
    with anyio.fail_after(seconds):
        return await anext(events)


@pytest.fixture
async def broadcast(settings: Settings) -> AsyncIterator[Broadcast]:
    """The adapter the test database selects: in-process on SQLite, LISTEN/NOTIFY on PostgreSQL."""
    broadcast = create_broadcast(settings)
    await broadcast.start()
    yield broadcast
    await broadcast.stop()


@pytest.mark.anyio
class TestDelivery:
    async def test_event_published_from_another_thread_reaches_the_subscriber(
        self, broadcast: Broadcast
    ) -> None:
        channel = new_channel()
        async with broadcast.subscribe(channel) as events:
            await to_thread.run_sync(broadcast.publish, channel, {"type": "hello", "n": 1})
            assert await receive(events) == {"type": "hello", "n": 1}

    async def test_every_subscriber_of_the_channel_gets_it_and_no_other_channel_does(
        self, broadcast: Broadcast
    ) -> None:
        channel, other = new_channel(), new_channel()
        async with (
            broadcast.subscribe(channel) as first,
            broadcast.subscribe(channel) as second,
            broadcast.subscribe(other) as elsewhere,
        ):
            await broadcast.publish_async(channel, {"n": 1})
            await broadcast.publish_async(other, {"n": 2})
            assert await receive(first) == {"n": 1}
            assert await receive(second) == {"n": 1}
            assert await receive(elsewhere) == {"n": 2}

    async def test_ids_and_times_arrive_as_json_text(self, broadcast: Broadcast) -> None:
        channel, ident = new_channel(), uuid.uuid4()
        at = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)
        async with broadcast.subscribe(channel) as events:
            await broadcast.publish_async(channel, {"id": ident, "at": at})
            assert await receive(events) == {"id": str(ident), "at": "2025-03-01T09:30:00Z"}

    async def test_leaving_the_subscription_unsubscribes(self, broadcast: Broadcast) -> None:
        channel = new_channel()
        async with broadcast.subscribe(channel):
            assert broadcast.subscribers(channel) == 1
        assert broadcast.subscribers(channel) == 0
        await broadcast.publish_async(channel, {"n": 1})  # nobody listens: nothing happens

    async def test_stopping_ends_every_subscription(self, settings: Settings) -> None:
        broadcast = create_broadcast(settings)
        await broadcast.start()
        async with broadcast.subscribe(new_channel()) as events:
            await broadcast.stop()
            with anyio.fail_after(5):
                assert [event async for event in events] == []


class TestEvents:
    def test_event_over_the_notify_limit_is_refused_on_every_adapter(self) -> None:
        just_fits = {"text": "x" * (MAX_EVENT_BYTES - len('{"text":""}'))}
        broadcast = InProcessBroadcast()
        broadcast.publish("c", just_fits)
        with pytest.raises(EventTooLarge, match="limited to 7999"):
            broadcast.publish("c", {"text": "x" * MAX_EVENT_BYTES})

    def test_postgres_needs_a_postgres_database(self, tmp_path: Path) -> None:
        with pytest.raises(SettingsError, match="JOBTRACKER_BROADCAST"):
            load_settings(data_dir=tmp_path, broadcast="postgres")

    def test_auto_follows_the_database(self, tmp_path: Path) -> None:
        on_sqlite = Settings(data_dir=tmp_path)
        on_postgres = Settings(data_dir=tmp_path, database_url="postgresql://db/jobtracker")
        assert isinstance(create_broadcast(on_sqlite), InProcessBroadcast)
        assert isinstance(create_broadcast(on_postgres), PostgresBroadcast)


@pytest.mark.anyio
class TestSlowSubscriber:
    async def test_it_keeps_the_newest_events_and_publishers_never_wait(self) -> None:
        broadcast = InProcessBroadcast(queue_size=5)
        async with broadcast.subscribe("c") as slow, broadcast.subscribe("c") as keen:
            with anyio.fail_after(5):
                for n in range(1000):
                    await to_thread.run_sync(broadcast.publish, "c", {"n": n})
                    assert (await anext(keen))["n"] == n
            newest = [(await receive(slow))["n"] for _ in range(5)]
        assert newest == [995, 996, 997, 998, 999]


@pytest.mark.anyio
class TestPublishOnCommit:
    async def test_event_goes_out_when_the_transaction_commits(
        self, broadcast: Broadcast, engine: Engine
    ) -> None:
        channel = new_channel()
        async with broadcast.subscribe(channel) as events:
            with Session(engine) as session:
                broadcast.publish_on_commit(session, channel, {"n": 1})
                session.commit()
            assert await receive(events) == {"n": 1}

    async def test_event_of_a_rolled_back_transaction_never_goes_out(
        self, broadcast: Broadcast, engine: Engine
    ) -> None:
        channel = new_channel()
        async with broadcast.subscribe(channel) as events:
            with Session(engine) as session:
                broadcast.publish_on_commit(session, channel, {"n": 1})
                session.rollback()
                broadcast.publish_on_commit(session, channel, {"n": 2})
                session.commit()
            assert await receive(events) == {"n": 2}

    async def test_event_of_a_rolled_back_savepoint_never_goes_out(
        self, broadcast: Broadcast, engine: Engine
    ) -> None:
        channel = new_channel()
        async with broadcast.subscribe(channel) as events:
            with Session(engine) as session:
                broadcast.publish_on_commit(session, channel, {"n": 1})
                savepoint = session.begin_nested()
                broadcast.publish_on_commit(session, channel, {"n": 2})
                savepoint.rollback()
                with session.begin_nested():
                    broadcast.publish_on_commit(session, channel, {"n": 3})
                session.commit()
            assert [await receive(events), await receive(events)] == [{"n": 1}, {"n": 3}]
            await broadcast.publish_async(channel, {"n": 4})
            assert await receive(events) == {"n": 4}


class TestChannelNames:
    def test_plain_names_are_readable_in_postgres(self) -> None:
        assert channel_name(f"user:{uuid.UUID(int=1)}") == f"jobtracker_user:{uuid.UUID(int=1)}"

    @pytest.mark.parametrize("channel", ["User:A", "x" * 60, "a b", 'quote"d'])
    def test_other_names_become_a_distinct_digest_that_fits(self, channel: str) -> None:
        name = channel_name(channel)
        assert name.startswith("jobtracker#")
        assert len(name.encode()) <= 63
        assert name != channel_name(channel + "!")


@needs_postgres
@pytest.mark.anyio
class TestPostgresListener:
    async def test_events_flow_again_after_the_listener_connection_is_killed(
        self, settings: Settings
    ) -> None:
        prefix, channel = f"jt{uuid.uuid4().hex[:8]}", new_channel()
        broadcast = PostgresBroadcast(settings.sqlalchemy_url, prefix=prefix)
        try:
            async with broadcast.subscribe(channel) as events:
                name = channel_name(channel, prefix)
                assert await to_thread.run_sync(kill_listener, settings.sqlalchemy_url, name) == 1
                with anyio.fail_after(15):
                    assert "n" in await publish_until_received(broadcast, channel, events)
        finally:
            await broadcast.stop()


def kill_listener(url: str, name: str) -> int:
    """Terminate the backend whose last statement LISTENed to `name`; how many were."""
    engine = create_engine(url)
    with engine.begin() as connection:
        killed = connection.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE query = :listen AND pid <> pg_backend_pid()"
            ),
            {"listen": f'LISTEN "{name}"'},
        ).scalar_one()
    engine.dispose()
    return int(killed)


async def publish_until_received(
    broadcast: Broadcast, channel: str, events: AsyncIterator[Event]
) -> Event:
    """Events published while the listener reconnects are lost; keep publishing until one lands."""
    for n in range(1000):
        await broadcast.publish_async(channel, {"n": n})
        with anyio.move_on_after(0.3):
            return await anext(events)
    raise AssertionError("no event arrived")


# -- two processes: an API server, and this test publishing as a worker would --------------------


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh schema for the server process, dropped at the end."""
    with private_postgres_schema(POSTGRES_URL, "jt_bc") as (url, _):
        yield url


@pytest.fixture
def server(postgres_url: str, tmp_path: Path) -> Iterator[str]:
    """`jobtracker migrate`, then the app under uvicorn in a process of its own; its base URL."""
    schema = postgres_url.rpartition("%3D")[2]
    env = {
        **{name: value for name, value in os.environ.items() if not name.startswith("JOBTRACKER")},
        "JOBTRACKER_DATABASE_URL": postgres_url,
        "JOBTRACKER_DATA_DIR": str(tmp_path / "data"),
        "JOBTRACKER_TASKS_SCHEMA": f"{schema}_dbos",
        "JOBTRACKER_LOG_LEVEL": "WARNING",
    }
    migrated = subprocess.run(
        [str(JOBTRACKER), "migrate"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert migrated.returncode == 0, migrated.stderr
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", "jobtracker.main:create_app", "--factory"]
    process = subprocess.Popen(
        [*command, "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"], env=env
    )
    try:
        base_url = f"http://127.0.0.1:{port}"
        wait_until_up(base_url, process)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_until_up(base_url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert process.poll() is None, "the server process exited"
        try:
            if httpx.get(f"{base_url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError("the server did not come up in 30 s")


def signed_up(http: httpx.Client) -> tuple[uuid.UUID, dict[str, str]]:
    account = {"email": "live@example.com", "password": PASSWORD, "full_name": "Live Reader"}
    created = http.post("/api/auth/register", json=account)
    assert created.status_code == 201, created.text
    login = {"email": account["email"], "password": PASSWORD}
    tokens = http.post("/api/auth/login", json=login)
    assert tokens.status_code == 200, tokens.text
    headers = {"Authorization": f"Bearer {tokens.json()['access_token']}"}
    return uuid.UUID(created.json()["id"]), headers


@needs_postgres
class TestAcrossProcesses:
    def test_event_published_here_reaches_a_browser_of_another_process(
        self, server: str, postgres_url: str
    ) -> None:
        publisher = PostgresBroadcast(postgres_url)  # this process: a worker, say
        event = {"type": "notification", "id": "n-1", "title": "Interview tomorrow"}
        with httpx.Client(base_url=server, timeout=10) as http:
            user_id, headers = signed_up(http)
            with http.stream("GET", "/api/events/stream", headers=headers) as response:
                assert response.status_code == 200
                lines = response.iter_lines()
                skip_past_comment(lines, "ready")
                sent = time.monotonic()
                publisher.publish(user_channel(user_id), event)
                received = next_event(lines)
                elapsed = time.monotonic() - sent
        asyncio.run(publisher.stop())
        assert json.loads(received.pop("data")) == event
        assert received == {"event": "notification", "id": "n-1"}
        assert elapsed < 2
