"""RFC 9457 problem details: the one error shape of the API, with a stable `type` per kind."""

from __future__ import annotations

import logging
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

PROBLEM_MEDIA_TYPE = "application/problem+json"
TYPE_PREFIX = "/problems/"
logger = logging.getLogger("jobtracker.errors")


class ProblemError(Exception):
    """Raise from a service or handler; becomes a problem+json response.

    `kind` is the stable slug of `type` (clients switch on it); `detail` is for people.
    """

    status: int = 400
    kind: str = "bad-request"
    title: str = "Bad request"
    # An outcome to record rather than a failure to undo (a failed login is counted, a reused
    # refresh token revokes its family): the request's transaction commits before the response.
    keeps_changes: bool = False

    def __init__(
        self,
        detail: str | None = None,
        *,
        headers: dict[str, str] | None = None,
        **extensions: Any,
    ) -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.headers = headers or {}
        self.extensions = extensions


class NotFound(ProblemError):
    status, kind, title = 404, "not-found", "Not found"


class Conflict(ProblemError):
    status, kind, title = 409, "conflict", "Conflict"


class Unauthorized(ProblemError):
    status, kind, title = 401, "unauthorized", "Authentication required"

    def __init__(self, detail: str | None = None, **extensions: Any) -> None:
        super().__init__(detail, headers={"WWW-Authenticate": "Bearer"}, **extensions)


class Forbidden(ProblemError):
    status, kind, title = 403, "forbidden", "Forbidden"


class InvalidInput(ProblemError):
    """A rule about a value that a schema cannot express; `field` names it like validation does."""

    status, kind, title = 422, "validation-error", "The request is not valid"

    def __init__(self, detail: str, *, field: tuple[str | int, ...], rule: str) -> None:
        errors = [{"loc": list(field), "msg": detail, "type": rule}]
        super().__init__(detail, errors=errors)


class TooManyRequests(ProblemError):
    status, kind, title = 429, "too-many-requests", "Too many requests"

    def __init__(self, detail: str, *, retry_after: int) -> None:
        super().__init__(detail, headers={"Retry-After": str(retry_after)}, retry_after=retry_after)


HtmlRenderer = Callable[[Request, int, str, str], Response]


def _wants_html(request: Request) -> bool:
    """A browser on a web page gets an HTML error page; the API always gets problem+json."""
    if request.url.path.startswith(("/api/", "/healthz", "/readyz", "/metrics")):
        return False
    return "text/html" in request.headers.get("accept", "")


def problem_response(
    status: int,
    kind: str,
    title: str,
    detail: str,
    *,
    instance: str | None = None,
    headers: dict[str, str] | None = None,
    **extensions: Any,
) -> JSONResponse:
    body = {"type": TYPE_PREFIX + kind, "title": title, "status": status, "detail": detail}
    if instance:
        body["instance"] = instance
    body.update(extensions)
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_MEDIA_TYPE)


# Reason phrases change between Python versions (413 is "Content Too Large" from 3.13), but a
# `type` that clients switch on must not.
_STABLE_KINDS = {413: ("payload-too-large", "Payload too large")}


def _kind_and_title(status: int) -> tuple[str, str]:
    phrase = HTTPStatus(status).phrase
    slug = phrase.lower().replace(" ", "-").replace("'", "")
    return _STABLE_KINDS.get(status, (slug, phrase))


def _problem_handler(html: HtmlRenderer | None) -> Callable[..., Any]:
    async def on_problem(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ProblemError)
        if html and _wants_html(request):
            response = html(request, exc.status, exc.title, exc.detail)
            response.headers.update(exc.headers)
            return response
        return problem_response(
            exc.status, exc.kind, exc.title, exc.detail,
            instance=request.url.path, headers=exc.headers, **exc.extensions,
        )  # fmt: skip

    return on_problem


def _http_handler(html: HtmlRenderer | None) -> Callable[..., Any]:
    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        kind, title = _kind_and_title(exc.status_code)
        detail = exc.detail if isinstance(exc.detail, str) else title
        if html and _wants_html(request):
            return html(request, exc.status_code, title, detail)
        return problem_response(
            exc.status_code, kind, title, detail,
            instance=request.url.path, headers=dict(exc.headers or {}),
        )  # fmt: skip

    return on_http


def _validation_handler(html: HtmlRenderer | None) -> Callable[..., Any]:
    async def on_validation(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        errors = [
            {"loc": list(error["loc"]), "msg": error["msg"], "type": error["type"]}
            for error in exc.errors()
        ]
        fields = ", ".join(".".join(str(part) for part in error["loc"]) for error in errors)
        if html and _wants_html(request):
            return html(request, 422, "That address is not valid", f"Check: {fields}.")
        return problem_response(
            422, "validation-error", "The request is not valid", f"Invalid fields: {fields}",
            instance=request.url.path, errors=errors,
        )  # fmt: skip

    return on_validation


async def _on_unexpected(request: Request, exc: Exception) -> Response:
    logger.exception("unhandled error on %s", request.url.path, exc_info=exc)
    return problem_response(
        500, "internal-error", "Internal server error", "Something went wrong on our side.",
        instance=request.url.path,
    )  # fmt: skip


def install_problem_handlers(app: FastAPI, *, html_renderer: HtmlRenderer | None = None) -> None:
    app.add_exception_handler(ProblemError, _problem_handler(html_renderer))
    app.add_exception_handler(StarletteHTTPException, _http_handler(html_renderer))
    app.add_exception_handler(RequestValidationError, _validation_handler(html_renderer))
    app.add_exception_handler(Exception, _on_unexpected)
