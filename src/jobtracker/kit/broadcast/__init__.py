"""Live updates: the broadcast port every Server-Sent Events endpoint listens on.

An event is a small JSON object published on a named channel (`"user:<id>"`, `"ops:queues"`)
and handed to whoever is subscribed to that channel at that moment. Delivery is live and best
effort: nothing is stored, a subscriber sees only what is published while it listens, and one
that falls behind loses its oldest events rather than slow anybody down. Clients treat an event
as "this changed" and read the API again after a reconnect.

Two adapters behind `Broadcast` (its docstring is the contract), chosen by the `broadcast`
setting: `InProcessBroadcast` for the embedded default (one process) and `PostgresBroadcast`
(LISTEN/NOTIFY) for scale-out, where an event raised in a worker process reaches a browser
connected to an API process.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from sqlalchemy.orm import Session

from jobtracker.config import Settings
from jobtracker.kit.broadcast.base import (
    MAX_EVENT_BYTES,
    Broadcast,
    Event,
    EventTooLarge,
    encode_event,
)
from jobtracker.kit.broadcast.memory import InProcessBroadcast
from jobtracker.kit.broadcast.postgres import (
    PostgresBroadcast,
    channel_name,
    publish_in_transaction,
)

__all__ = [
    "MAX_EVENT_BYTES",
    "Broadcast",
    "Event",
    "EventTooLarge",
    "InProcessBroadcast",
    "PostgresBroadcast",
    "broadcast_lifespan",
    "channel_name",
    "create_broadcast",
    "encode_event",
    "publish_in_transaction",
    "publish_on_commit",
]

# The broadcast of this process's app, while it runs: services and tasks publish through it
# without holding a reference to the app.
_running: Broadcast | None = None


def create_broadcast(settings: Settings) -> Broadcast:
    """The adapter the settings choose; "auto" is LISTEN/NOTIFY when the database is PostgreSQL.

    The in-process adapter reaches only this process's subscribers: with several API or worker
    processes, run on PostgreSQL."""
    kind = settings.broadcast
    if kind == "auto":
        kind = "memory" if settings.is_sqlite else "postgres"
    if kind == "memory":
        return InProcessBroadcast()
    # config.py refuses "postgres" with a SQLite database, so this is a PostgreSQL URL.
    return PostgresBroadcast(settings.sqlalchemy_url)


@asynccontextmanager
async def broadcast_lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Start `app.state.broadcast` for the app's life; main.py's lifespan enters this."""
    global _running  # noqa: PLW0603 - one running broadcast per process, like the app
    broadcast: Broadcast = app.state.broadcast
    await broadcast.start()
    _running = broadcast
    try:
        yield
    finally:
        if _running is broadcast:  # another app of this process (tests) may have taken over
            _running = None
        await broadcast.stop()


def publish_on_commit(session: Session, channel: str, event: Mapping[str, Any]) -> None:
    """Publish when the session's transaction commits, from any service or task.

    Through this process's running broadcast; in a process without one (a worker), NOTIFY on
    PostgreSQL still reaches the API processes; on SQLite without an app nobody can listen."""
    if _running is not None:
        _running.publish_on_commit(session, channel, event)
    elif session.get_bind().dialect.name == "postgresql":
        publish_in_transaction(session.connection(), channel, event)
