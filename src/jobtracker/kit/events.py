"""Domain events raised inside the transaction of the write that causes them.

A domain raises an event (`raise_event(session, ApplicationCreated(...))`); every handler that
subscribed to its type runs at once, in the same session, so what it writes commits or rolls back
with the cause. Handlers that need slow or fallible work enqueue a task (also in-transaction).
Events are plain frozen dataclasses of ids and values, declared in the raising domain's schemas.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy.orm import Session

EventT = TypeVar("EventT")
Handler = Callable[[Session, Any], None]

_handlers: dict[type, list[Handler]] = defaultdict(list)


def subscribe(event_type: type[EventT]) -> Callable[[Callable[[Session, EventT], None]], Any]:
    """Declare a handler: `@subscribe(UserRegistered)` above `def link(session, event)`."""

    def register(handler: Callable[[Session, EventT], None]) -> Callable[[Session, EventT], None]:
        if handler not in _handlers[event_type]:
            _handlers[event_type].append(handler)
        return handler

    return register


def raise_event(session: Session, event: object) -> None:
    """Run every handler of the event's type now, inside the caller's transaction."""
    for handler in _handlers[type(event)]:
        handler(session, event)
