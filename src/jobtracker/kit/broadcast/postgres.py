"""PostgreSQL LISTEN/NOTIFY broadcast: scale-out, across every process on one database."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import random
import re
from collections import Counter
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg import sql
from sqlalchemy import Connection, create_engine, text
from sqlalchemy.orm import Session

from jobtracker.kit.broadcast.base import Broadcast, Event, encode_event
from jobtracker.kit.broadcast.memory import InProcessBroadcast

DEFAULT_PREFIX = "jobtracker"

_PG_NOTIFY = text("SELECT pg_notify(:channel, :payload)")
_PLAIN_CHANNEL = re.compile(r"[a-z0-9_:.\-]+")
_PG_NAME_BYTES = 63

logger = logging.getLogger(__name__)


def channel_name(channel: str, prefix: str = DEFAULT_PREFIX) -> str:
    """The PostgreSQL channel for a broadcast channel: `<prefix>_<channel>` when that is plain
    and fits PostgreSQL's 63-byte names, else `<prefix>#<digest>`. One-to-one either way ('#' is
    never plain), so no two channels share a NOTIFY channel."""
    plain = f"{prefix}_{channel}"
    if _PLAIN_CHANNEL.fullmatch(channel) and len(plain) <= _PG_NAME_BYTES:
        return plain
    return f"{prefix}#{hashlib.sha256(channel.encode()).hexdigest()[:40]}"


def publish_in_transaction(
    connection: Connection, channel: str, event: Mapping[str, Any], *, prefix: str = DEFAULT_PREFIX
) -> None:
    """NOTIFY on the caller's PostgreSQL connection: delivered at COMMIT, dropped on ROLLBACK
    (also of the SAVEPOINT it ran in). `PostgresBroadcast.publish_on_commit` uses this."""
    _notify(connection, channel_name(channel, prefix), encode_event(event))


def _notify(connection: Connection, name: str, payload: str) -> None:
    connection.execute(_PG_NOTIFY, {"channel": name, "payload": payload})


@dataclass
class _Listening:
    """The channels the listener connection LISTENs to, and a condition to await a change."""

    names: set[str] = field(default_factory=set)
    changed: asyncio.Condition = field(default_factory=asyncio.Condition)

    async def become(self, names: set[str]) -> None:
        async with self.changed:
            self.names = names
            self.changed.notify_all()

    async def wait_for(self, name: str, seconds: float) -> bool:
        try:
            async with asyncio.timeout(seconds), self.changed:
                await self.changed.wait_for(lambda: name in self.names)
        except TimeoutError:
            return False
        return True


class PostgresBroadcast(Broadcast):
    """One listener connection per process (opened at the first subscription) LISTENs to the
    channels that have subscribers here and fans out through an `InProcessBroadcast`; publishing
    runs `pg_notify` on a small pool of its own. When the listener's connection drops, it
    reconnects with backoff and LISTENs again; events published in the gap are lost, as any
    live event may be. Channels are per database: two installations sharing one database need
    different prefixes."""

    def __init__(
        self,
        url: str,
        *,
        prefix: str = DEFAULT_PREFIX,
        queue_size: int = 100,
        poll_seconds: float = 0.25,
        max_retry_seconds: float = 30.0,
    ) -> None:
        if not _PLAIN_CHANNEL.fullmatch(prefix) or len(prefix) > 20:
            raise ValueError(f"broadcast prefix {prefix!r}: up to 20 of a-z 0-9 _ : . -")
        self._conninfo = url.replace("postgresql+psycopg://", "postgresql://", 1)
        self._prefix = prefix
        self._poll_seconds = poll_seconds  # at most this long before a new LISTEN is issued
        self._max_retry_seconds = max_retry_seconds
        self._local = InProcessBroadcast(queue_size=queue_size)
        self._engine = create_engine(
            "postgresql+psycopg://" + self._conninfo.removeprefix("postgresql://"),
            pool_size=1,
            max_overflow=4,
            pool_pre_ping=True,
        )
        self._wanted: Counter[str] = Counter()
        self._listening = _Listening()
        self._listener: asyncio.Task[None] | None = None

    def publish_on_commit(self, session: Session, channel: str, event: Mapping[str, Any]) -> None:
        publish_in_transaction(session.connection(), channel, event, prefix=self._prefix)

    @asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[AsyncIterator[Event]]:
        name = channel_name(channel, self._prefix)
        self._ensure_listener()
        async with self._local.subscribe(name) as events:
            self._wanted[name] += 1
            try:
                if not await self._listening.wait_for(name, seconds=5.0):
                    logger.warning("live events on %s wait for the database to answer", channel)
                yield events
            finally:
                self._wanted[name] -= 1
                if not self._wanted[name]:
                    del self._wanted[name]

    def subscribers(self, channel: str) -> int:
        return self._local.subscribers(channel_name(channel, self._prefix))

    async def stop(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            await asyncio.gather(self._listener, return_exceptions=True)
            self._listener = None
        await self._local.stop()
        self._engine.dispose()

    def _send(self, channel: str, payload: str) -> None:
        with self._engine.begin() as connection:
            _notify(connection, channel_name(channel, self._prefix), payload)

    async def _send_async(self, channel: str, payload: str) -> None:
        await asyncio.to_thread(self._send, channel, payload)

    def _ensure_listener(self) -> None:
        if self._listener is None:
            self._listening = _Listening()
            self._listener = asyncio.create_task(self._listen_forever())

    async def _listen_forever(self) -> None:
        delay = first_delay = 0.5
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(
                    self._conninfo,
                    autocommit=True,
                    application_name="jobtracker broadcast",
                    # A dead peer is noticed by TCP keepalives even when no notification is due.
                    keepalives=1,
                    keepalives_idle=30,
                    keepalives_interval=10,
                ) as connection:
                    delay = first_delay
                    await self._relay(connection)
            except psycopg.Error as error:
                logger.warning("live events: listener connection lost (%s)", error)
            except Exception:  # a bug here must not end live updates for the process's life
                logger.exception("live events: listener failed")
            await self._listening.become(set())
            await asyncio.sleep(delay * random.uniform(0.5, 1.0))  # noqa: S311 - jitter
            delay = min(delay * 2, self._max_retry_seconds)

    async def _relay(self, connection: psycopg.AsyncConnection[Any]) -> None:
        while True:
            await self._apply_listens(connection)
            # notifies() holds the connection until its timeout; LISTENs are issued in between.
            async for notify in connection.notifies(timeout=self._poll_seconds):
                if _is_json_object(notify.payload):
                    self._local.deliver(notify.channel, notify.payload)
                else:
                    logger.warning("live events: ignored a non-JSON NOTIFY on %s", notify.channel)

    async def _apply_listens(self, connection: psycopg.AsyncConnection[Any]) -> None:
        wanted, listening = set(self._wanted), self._listening.names
        for name in wanted - listening:
            await connection.execute(sql.SQL("LISTEN {}").format(sql.Identifier(name)))
        for name in listening - wanted:
            await connection.execute(sql.SQL("UNLISTEN {}").format(sql.Identifier(name)))
        if wanted != listening:
            await self._listening.become(wanted)


def _is_json_object(payload: str) -> bool:
    try:
        return isinstance(json.loads(payload), dict)
    except ValueError:
        return False
