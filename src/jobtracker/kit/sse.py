"""Server-Sent Events: the pieces every streaming endpoint is made of.

FastAPI streams SSE itself: an endpoint declared with `response_class=EventSourceResponse`
that is an async generator of `ServerSentEvent` is sent as `text/event-stream` with
`Cache-Control: no-cache` and `X-Accel-Buffering: no` (no proxy buffering), framed as
`event:`/`id:`/`data:` lines, with a `: ping` comment after 15 s without an event, and the
generator is cancelled when the client goes away. So an endpoint is three lines:

    @router.get("/api/things/stream", response_class=EventSourceResponse)
    async def stream(user: CurrentUser, broadcast: BroadcastDep) -> AsyncIterator[ServerSentEvent]:
        async for message in sse.relay(broadcast, f"user:{user.id}"):
            yield message

or, for figures read again and again, `sse.every(2.0, read_figures)`.

An event's `type` becomes the SSE `event:` name (what `addEventListener` listens for), its `id`
the SSE `id:`, and the whole event the JSON `data:`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping
from typing import Any

import anyio
from fastapi.sse import EventSourceResponse, ServerSentEvent

from jobtracker.kit.broadcast import Broadcast

__all__ = ["EventSourceResponse", "ServerSentEvent", "every", "message", "ready", "relay"]

# How long a browser waits before it reconnects after the stream ends.
RETRY_MILLISECONDS = 3000


def message(event: Mapping[str, Any]) -> ServerSentEvent:
    """The SSE message for an event: `type` is its name, `id` its id, all of it the data."""
    name, ident = event.get("type"), event.get("id")
    return ServerSentEvent(
        data=dict(event),
        event=None if name is None else str(name),
        id=None if ident is None else str(ident),
    )


def ready() -> ServerSentEvent:
    """The first message: the stream is live from here on (a `: ready` comment, which
    EventSource ignores), and how long to wait before reconnecting."""
    return ServerSentEvent(comment="ready", retry=RETRY_MILLISECONDS)


async def relay(broadcast: Broadcast, channel: str) -> AsyncIterator[ServerSentEvent]:
    """The events published on a channel from now on, after a `ready` message."""
    async with broadcast.subscribe(channel) as events:
        yield ready()
        async for event in events:
            yield message(event)


async def every(
    seconds: float, produce: Callable[[], Mapping[str, Any]]
) -> AsyncIterator[ServerSentEvent]:
    """A message from `produce` at once and then every `seconds`. `produce` runs in a worker
    thread, so it may read the database, with a session of its own: the request's has closed
    by the time a stream runs."""
    while True:
        yield message(await anyio.to_thread.run_sync(produce))
        await anyio.sleep(seconds)
