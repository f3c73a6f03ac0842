"""The signed-in user's live events as Server-Sent Events."""

from __future__ import annotations

from collections.abc import AsyncIterator

from fastapi import APIRouter

from jobtracker.auth.dependencies import CurrentUser
from jobtracker.kit import sse
from jobtracker.kit.dependencies import BroadcastDep
from jobtracker.live.service import user_channel

router = APIRouter(prefix="/api/events", tags=["live"])


@router.get(
    "/stream",
    response_class=sse.EventSourceResponse,
    responses={401: {"description": "No valid bearer access token"}},
)
async def stream_events(
    user: CurrentUser, broadcast: BroadcastDep
) -> AsyncIterator[sse.ServerSentEvent]:
    """The user's events as they happen (notifications, dashboard changes), as
    `text/event-stream`: `event:` is the kind, `data:` the event as JSON. A `: ready` comment
    opens the stream, and a `: ping` comment follows 15 s without events. Nothing is replayed:
    after a reconnect, read again what the page shows."""
    async for message in sse.relay(broadcast, user_channel(user.id)):
        yield message
