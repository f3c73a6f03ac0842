"""Server-rendered pages: the template engine, CSRF (double-submit cookie) and safe redirects."""

from __future__ import annotations

import hmac
import secrets
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from jobtracker.kit.problems import Forbidden

PACKAGE_DIR = Path(__file__).resolve().parent.parent
templates = Jinja2Templates(directory=PACKAGE_DIR / "templates")
CSRF_COOKIE = "jobtracker_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class CsrfFailed(Forbidden):
    kind, title = "csrf-failed", "The form expired"


def csrf_token(request: Request) -> str:
    """The browser's CSRF token: from its cookie, or a new one that render() will set."""
    token = request.cookies.get(CSRF_COOKIE) or getattr(request.state, "new_csrf", None)
    if not token:
        token = secrets.token_urlsafe(32)
        request.state.new_csrf = token
    return str(token)


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, status_code: int = 200
) -> HTMLResponse:
    values = {"csrf_token": csrf_token(request), **(context or {})}
    response = templates.TemplateResponse(request, template, values, status_code=status_code)
    new_token = getattr(request.state, "new_csrf", None)
    if new_token:
        settings = request.app.state.settings
        response.set_cookie(
            CSRF_COOKIE, new_token, httponly=True, samesite="lax", secure=settings.secure_cookies
        )
    return response


async def require_csrf(request: Request) -> None:
    """Every unsafe request from a page must echo the cookie's token (form field or htmx header)."""
    if request.method in SAFE_METHODS:
        return
    sent = request.headers.get(CSRF_HEADER)
    if sent is None:
        sent = str((await request.form()).get(CSRF_FIELD) or "")
    cookie = request.cookies.get(CSRF_COOKIE, "")
    if not cookie or not hmac.compare_digest(cookie.encode(), sent.encode()):
        raise CsrfFailed("The form expired or came from another site; reload the page and retry.")


def safe_next(path: str | None, default: str = "/") -> str:
    """Only same-site paths: never an open redirect to another host."""
    if path and path.startswith("/") and not path.startswith(("//", "/\\")):
        return path
    return default


def redirect(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


def is_htmx(request: Request) -> bool:
    """An htmx request for a fragment; restoring history after a cache miss needs the whole page."""
    headers = request.headers
    return (
        headers.get("hx-request") == "true" and headers.get("hx-history-restore-request") != "true"
    )


def render_page_or_fragment(
    request: Request, page: str, fragment: str, context: dict[str, Any]
) -> HTMLResponse:
    """The whole page, or only the fragment htmx asked for, at the same address."""
    response = render(request, fragment if is_htmx(request) else page, context)
    # One URL, two bodies: without Vary the back button can show a cached bare fragment.
    response.headers["Vary"] = "HX-Request, HX-History-Restore-Request"
    return response
