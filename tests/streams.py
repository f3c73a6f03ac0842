"""Reading a Server-Sent Events stream line by line, as a browser's EventSource does."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any


def skip_past_comment(lines: Iterator[str], comment: str) -> None:
    """Read up to the comment line `: <comment>` (`ready` says the stream is live)."""
    for line in lines:
        if line == f": {comment}":
            return
    raise AssertionError(f"the stream ended before ': {comment}'")


def next_event(lines: Iterator[str]) -> dict[str, str]:
    """The next dispatched event's fields (`event`, `id`, `data`); comments are skipped, and so
    are blocks without data, which EventSource does not dispatch either."""
    fields: dict[str, str] = {}
    for line in lines:
        if not line:
            if "data" in fields:
                return fields
            fields = {}
        elif not line.startswith(":"):
            name, _, value = line.partition(":")
            value = value.removeprefix(" ")
            fields[name] = f"{fields[name]}\n{value}" if name in fields else value
    raise AssertionError("the stream ended before an event")


def next_data(lines: Iterator[str]) -> Any:
    return json.loads(next_event(lines)["data"])
