"""The broadcast port, the event encoding all adapters share, and publish-on-commit."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Any

from pydantic_core import to_jsonable_python
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session, SessionTransaction

Event = dict[str, Any]

# PostgreSQL refuses a NOTIFY payload of 8000 bytes or more; every adapter keeps to it, so that
# what works on the embedded default also works in scale-out.
MAX_EVENT_BYTES = 7999

logger = logging.getLogger(__name__)


class EventTooLarge(ValueError):
    """The event's JSON is over MAX_EVENT_BYTES: send ids and let the client fetch the rest."""


def encode_event(event: Mapping[str, Any]) -> str:
    """The event as compact JSON (UUIDs, datetimes and enums as pydantic writes them)."""
    payload = json.dumps(to_jsonable_python(dict(event)), separators=(",", ":"))
    if len(payload) > MAX_EVENT_BYTES:  # ASCII-only JSON: characters are bytes
        raise EventTooLarge(
            f"event of {len(payload)} bytes; live events are limited to {MAX_EVENT_BYTES}"
        )
    return payload


class Broadcast:
    """The port. Adapters keep to this contract:

    - `publish(channel, event)` may be called from synchronous code in any thread (request
      handlers and task threads are synchronous) and never waits for subscribers;
      `await publish_async(channel, event)` is the same for coroutines. An event is a mapping
      that encodes to JSON of at most MAX_EVENT_BYTES (`EventTooLarge` otherwise, at once).
    - `publish_on_commit(session, channel, event)` is what domain code calls inside a
      transaction: the event goes out only if, and when, the transaction commits, and not at
      all if it (or the SAVEPOINT it was raised in) rolls back. The in-process adapter holds the
      event in the session until SQLAlchemy's `after_commit`; the PostgreSQL adapter issues the
      NOTIFY in the transaction itself (`publish_in_transaction`), which PostgreSQL delivers at
      COMMIT. One call, right on both, so no caller has to know which adapter runs.
    - `async with subscribe(channel) as events:` then `async for event in events:` yields, on the
      running event loop, each event published on the channel while the block is open, in
      order, each a fresh dict. A subscriber more than `queue_size` events behind loses the
      oldest. Leaving the block unsubscribes; the iterator ends when the broadcast stops.
    - `await start()` and `await stop()` bracket the app's life (`broadcast_lifespan`); subscribe
      in between. Publishing needs no start(): a worker process may only publish.
    """

    def publish(self, channel: str, event: Mapping[str, Any]) -> None:
        self._send(channel, encode_event(event))

    async def publish_async(self, channel: str, event: Mapping[str, Any]) -> None:
        await self._send_async(channel, encode_event(event))

    def publish_on_commit(self, session: Session, channel: str, event: Mapping[str, Any]) -> None:
        _hold_until_commit(session, self._send, channel, encode_event(event))

    def subscribe(self, channel: str) -> AbstractAsyncContextManager[AsyncIterator[Event]]:
        raise NotImplementedError

    def subscribers(self, channel: str) -> int:
        """How many subscribers this process has on the channel (for health pages and tests)."""
        raise NotImplementedError

    async def start(self) -> None:
        """Get ready to serve subscribers."""

    async def stop(self) -> None:
        """End every subscription and release connections."""

    def _send(self, channel: str, payload: str) -> None:
        raise NotImplementedError

    async def _send_async(self, channel: str, payload: str) -> None:
        self._send(channel, payload)


_PENDING = "jobtracker.broadcast.pending"
Send = Callable[[str, str], None]


@dataclass
class _Held:
    owner: SessionTransaction
    send: Send
    channel: str
    payload: str


def _hold_until_commit(session: Session, send: Send, channel: str, payload: str) -> None:
    if session.get_transaction() is None:
        session.begin()  # what the next statement would do; gives the event its transaction
    owner = session.get_nested_transaction() or session.get_transaction()
    assert owner is not None
    if _PENDING not in session.info:
        session.info[_PENDING] = []
        sa_event.listen(session, "after_commit", _send_held)
        sa_event.listen(session, "after_soft_rollback", _drop_held)
    session.info[_PENDING].append(_Held(owner, send, channel, payload))


def _send_held(session: Session) -> None:
    if session.get_nested_transaction() is not None:
        return  # a SAVEPOINT was released: its events wait for the outermost COMMIT
    held: list[_Held] = session.info[_PENDING]
    session.info[_PENDING] = []
    for item in held:
        try:
            item.send(item.channel, item.payload)
        except Exception:  # the data is committed; a lost live event must not fail the request
            logger.exception("could not publish a live event on %s", item.channel)


def _drop_held(session: Session, previous: SessionTransaction) -> None:
    held: list[_Held] = session.info[_PENDING]
    session.info[_PENDING] = [item for item in held if not _within(item.owner, previous)]


def _within(transaction: SessionTransaction | None, ancestor: SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is ancestor:
            return True
        transaction = transaction.parent
    return False
