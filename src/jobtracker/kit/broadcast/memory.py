"""In-process broadcast: the embedded default, and the fan-out inside every other adapter."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from jobtracker.kit.broadcast.base import Broadcast, Event


@dataclass(eq=False)
class _Subscriber:
    """One subscriber's bounded queue, fed on the event loop it subscribed from."""

    loop: asyncio.AbstractEventLoop
    queue: asyncio.Queue[str | None]

    def offer(self, payload: str | None) -> None:
        if self.queue.full():
            self.queue.get_nowait()  # drop the oldest: a slow reader never holds anyone up
        self.queue.put_nowait(payload)

    def __aiter__(self) -> _Subscriber:
        return self

    async def __anext__(self) -> Event:
        payload = await self.queue.get()
        if payload is None:
            raise StopAsyncIteration
        event: Event = json.loads(payload)
        return event


class InProcessBroadcast(Broadcast):
    """Subscribers of this process only: an asyncio queue each, fed through
    `loop.call_soon_threadsafe`, so publishers in any thread never touch a queue themselves."""

    def __init__(self, *, queue_size: int = 100) -> None:
        self._queue_size = queue_size
        self._lock = threading.Lock()  # publishers run in any thread
        self._channels: dict[str, set[_Subscriber]] = {}

    def deliver(self, channel: str, payload: str | None) -> None:
        """Hand an encoded event (None: the end) to the channel's subscribers, from any thread."""
        with self._lock:
            subscribers = tuple(self._channels.get(channel, ()))
        for subscriber in subscribers:
            try:
                subscriber.loop.call_soon_threadsafe(subscriber.offer, payload)
            except RuntimeError:  # its event loop has closed, and the subscriber with it
                continue

    @asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[AsyncIterator[Event]]:
        subscriber = _Subscriber(asyncio.get_running_loop(), asyncio.Queue(self._queue_size))
        with self._lock:
            self._channels.setdefault(channel, set()).add(subscriber)
        try:
            yield subscriber
        finally:
            with self._lock:
                others = self._channels[channel]
                others.discard(subscriber)
                if not others:
                    del self._channels[channel]

    def subscribers(self, channel: str) -> int:
        with self._lock:
            return len(self._channels.get(channel, ()))

    async def stop(self) -> None:
        with self._lock:
            channels = list(self._channels)
        for channel in channels:
            self.deliver(channel, None)

    def _send(self, channel: str, payload: str) -> None:
        self.deliver(channel, payload)
