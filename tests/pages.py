"""Helpers for the web pages' tests: fill in and post forms as a browser would (CSRF included)."""

from __future__ import annotations

import re

import httpx
from fastapi.testclient import TestClient

from tests.helpers import PASSWORD, csrf_from

HTML = {"Accept": "text/html"}
HTMX = {"HX-Request": "true"}
_ALERT = re.compile(r'class="alert"[^>]*>(.*?)</(?:p|div)>', re.DOTALL)


def submit(client: TestClient, page: str, action: str, data: dict[str, str]) -> httpx.Response:
    """Open `page`, then post `data` with its CSRF token to `action`; redirects not followed."""
    token = csrf_from(client.get(page).text)
    return client.post(action, data={"csrf_token": token, **data}, follow_redirects=False)


def sign_up(
    client: TestClient, full_name: str, email: str, password: str = PASSWORD
) -> httpx.Response:
    fields = {"full_name": full_name, "email": email, "password": password}
    return submit(client, "/signup", "/signup", fields)


def log_in(
    client: TestClient, email: str, password: str = PASSWORD, next_path: str = "/"
) -> httpx.Response:
    fields = {"email": email, "password": password, "next": next_path}
    return submit(client, "/login", "/login", fields)


def alert_text(html: str) -> str:
    """The error message a page shows, with its markup removed."""
    match = _ALERT.search(html)
    assert match, "the page shows no error message"
    return re.sub(r"<[^>]+>", " ", match.group(1)).strip()


def cookie_header(response: httpx.Response, name: str) -> str:
    """The Set-Cookie header that sets `name`."""
    for header in response.headers.get_list("set-cookie"):
        if header.startswith(f"{name}="):
            return header
    raise AssertionError(f"no Set-Cookie for {name}")
