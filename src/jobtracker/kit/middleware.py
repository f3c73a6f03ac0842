"""ASGI middleware: request ids, one JSON log line per request, metrics, and a JSON body limit.

Pure ASGI rather than BaseHTTPMiddleware so that streaming responses (SSE) pass through untouched.
"""

from __future__ import annotations

import contextvars
import logging
import re
import time
import uuid
from typing import Any

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from jobtracker.kit.metrics import LATENCY, REQUESTS
from jobtracker.kit.problems import problem_response

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
access_log = logging.getLogger("jobtracker.access")
_SAFE_ID = re.compile(r"^[A-Za-z0-9._\-]{1,128}$")


def _incoming_request_id(scope: Scope) -> str:
    candidate = _header(scope, b"x-request-id")
    # Echoed into logs and headers: accept only a plain token, never arbitrary bytes.
    return candidate if _SAFE_ID.match(candidate) else uuid.uuid4().hex


def _route_template(scope: Scope) -> str:
    """The matched route's path template (set on the scope by the router), so metric labels stay
    bounded: `/api/users/{user_id}`, never one label per id."""
    route = scope.get("route")
    return str(getattr(route, "path", "unmatched"))


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _incoming_request_id(scope)
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"].append((b"x-request-id", request_id.encode()))
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            self._record(scope, status, time.perf_counter() - started)
            request_id_var.reset(token)

    def _record(self, scope: Scope, status: int, seconds: float) -> None:
        route = _route_template(scope)
        method = scope["method"]
        REQUESTS.labels(method, route, str(status)).inc()
        LATENCY.labels(method, route).observe(seconds)
        fields: dict[str, Any] = {
            "method": method,
            "path": scope["path"],
            "route": route,
            "status": status,
            "duration_ms": round(seconds * 1000, 2),
            "client": (scope.get("client") or ("-",))[0],
        }
        access_log.info("%s %s %s", method, scope["path"], status, extra={"fields": fields})


class JsonBodyLimitMiddleware:
    """Refuse JSON bodies over the limit with 413, by Content-Length or while streaming."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _is_json(scope):
            await self.app(scope, receive, send)
            return
        if _content_length(scope) > self.max_bytes:
            await self._too_large(scope, receive, send)
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_bytes:
                raise _BodyTooLarge(self.max_bytes)
            return message

        try:
            await self.app(scope, limited_receive, send)
        except _BodyTooLarge:
            await self._too_large(scope, receive, send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = problem_response(
            413, "payload-too-large", "Payload too large",
            f"JSON bodies are limited to {self.max_bytes} bytes.", instance=scope["path"],
        )  # fmt: skip
        await response(scope, receive, send)


class _BodyTooLarge(HTTPException):
    """An HTTPException, because FastAPI turns any other error raised while it reads a body into
    a 400; this one it lets through to the problem handlers (or to the `except` above)."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(413, f"JSON bodies are limited to {max_bytes} bytes.")


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope["headers"]:
        if key == name:
            return str(value.decode("latin-1"))
    return ""


def _is_json(scope: Scope) -> bool:
    return "json" in _header(scope, b"content-type").lower()


def _content_length(scope: Scope) -> int:
    value = _header(scope, b"content-length")
    return int(value) if value.isdigit() else 0
