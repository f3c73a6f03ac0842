"""The signed-in browser's live events (EventSource sends the session cookie, not a token)."""

from __future__ import annotations

from collections.abc import AsyncIterator

from fastapi import APIRouter

from jobtracker.auth.dependencies import WebUser
from jobtracker.kit import sse
from jobtracker.kit.dependencies import BroadcastDep
from jobtracker.live.service import user_channel

router = APIRouter(include_in_schema=False)


@router.get("/events", response_class=sse.EventSourceResponse)
async def page_events(user: WebUser, broadcast: BroadcastDep) -> AsyncIterator[sse.ServerSentEvent]:
    """What `static/live.js` listens to: the same events as `/api/events/stream`."""
    async for message in sse.relay(broadcast, user_channel(user.id)):
        yield message
