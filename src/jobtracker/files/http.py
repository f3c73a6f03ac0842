"""HTTP pieces that the API and the pages share: the upload body limit and the download answer.

Not in the fixed set of a domain's files: both the router and the views need them, and neither
should import the other.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.responses import RedirectResponse, StreamingResponse
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException
from starlette.types import Message, Receive

from jobtracker.files.formats import human_size
from jobtracker.files.schemas import Download
from jobtracker.files.storage import content_disposition
from jobtracker.kit import web

# Room for the multipart framing and the small fields beside the file (title, CSRF token).
FORM_OVERHEAD_BYTES = 64 * 1024
Handler = Callable[[Request], Coroutine[Any, Any, Response]]


class BodyTooLarge(HTTPException):
    """An HTTPException, because FastAPI turns any other error raised while it reads a body into
    a 400; this one reaches the problem handlers as a 413 (type /problems/payload-too-large)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"Files are limited to {human_size(limit)}.")


class UploadLimitRoute(APIRoute):
    """A route whose request body is counted as it arrives and refused past the upload limit
    (plus the form around the file), before it is all read or spooled to disk. Content-Length
    is a claim: it may refuse early, never admit."""

    def get_route_handler(self) -> Handler:
        handler = super().get_route_handler()

        async def limited(request: Request) -> Response:
            limit: int = request.app.state.settings.max_upload_bytes
            try:
                if _declared_length(request) > limit + FORM_OVERHEAD_BYTES:
                    raise BodyTooLarge(limit)
                receive = _counted(request.receive, limit + FORM_OVERHEAD_BYTES, limit)
                return await handler(Request(request.scope, receive))
            except BodyTooLarge as error:
                return self.too_large(error)

        return limited

    def too_large(self, error: BodyTooLarge) -> Response:
        raise error


class UploadPageRoute(UploadLimitRoute):
    """For the pages: back to the resumes page, which says why (its form cannot show a 413)."""

    def too_large(self, error: BodyTooLarge) -> Response:
        return web.redirect("/resumes?error=too-large")


def _declared_length(request: Request) -> int:
    value = request.headers.get("content-length", "")
    return int(value) if value.isdigit() else 0


def _counted(receive: Receive, cap: int, limit: int) -> Receive:
    received = 0

    async def counted() -> Message:
        nonlocal received
        message = await receive()
        received += len(message.get("body", b""))
        if received > cap:
            raise BodyTooLarge(limit)
        return message

    return counted


def file_response(download: Download) -> Response:
    """A 302 to the store's short-lived address, or the bytes as an attachment that a browser
    can neither sniff into another type nor run as a page of this site."""
    if download.url is not None:
        return RedirectResponse(download.url, 302, headers={"Cache-Control": "no-store"})
    assert download.chunks is not None
    headers = {
        "Content-Disposition": content_disposition(download.filename),
        "Content-Length": str(download.size_bytes),
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox",
        "Cache-Control": "private, no-store",
    }
    return StreamingResponse(download.chunks, media_type=download.content_type, headers=headers)
