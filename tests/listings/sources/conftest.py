"""Source adapters against a real HTTP server on 127.0.0.1 that serves fixture files in the
vendors' shapes (feeds.md), through the guarded client as the worker builds it."""

from __future__ import annotations

from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest

from jobtracker.config import Settings
from jobtracker.kit.http import ClientOptions, GuardedClient, HostStates
from jobtracker.listings.schemas import ItemError, ListingRecord
from jobtracker.listings.sources.base import Download, SourceAdapter
from tests.kit.http.conftest import LocalServer

FIXTURES = Path(__file__).parent / "fixtures"
ETAG = '"board-v1"'
LAST_MODIFIED = "Mon, 09 Mar 2026 07:00:00 GMT"
JSON = "application/json; charset=utf-8"
Item = ListingRecord | ItemError


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def serve(
    server: LocalServer,
    path: str,
    body: bytes,
    *,
    status: int = 200,
    content_type: str = JSON,
    headers: dict[str, str] | None = None,
    etag: str | None = ETAG,
) -> None:
    """Answer `path` (any query) with `body`, its ETag and Last-Modified; a request that sends
    that ETag back gets 304 Not Modified. `etag=None`: no validators, never a 304."""

    def route(request: BaseHTTPRequestHandler) -> None:
        if etag and request.headers.get("If-None-Match") == etag:
            request.send_response(304)
            request.send_header("ETag", etag)
            request.end_headers()
            return
        request.send_response(status)
        validators = {"ETag": etag, "Last-Modified": LAST_MODIFIED} if etag else {}
        sent = {"Content-Type": content_type, "Content-Length": str(len(body)), **validators,
                **(headers or {})}  # fmt: skip
        for name, value in sent.items():
            request.send_header(name, value)
        request.end_headers()
        request.wfile.write(body)

    server.routes[path] = route


def adapter(
    kind: type[SourceAdapter], server: LocalServer, *, company: str = "Acme", **config: Any
) -> SourceAdapter:
    """An adapter of `kind` whose vendor host is the local server; `company` is the source's
    name, the company of boards whose postings name none."""
    return kind({"base_url": server.url(""), **config}, company=company)


def fetch(
    source: SourceAdapter, client: GuardedClient, folder: Path
) -> tuple[Download, list[Item]]:
    """A download, then the whole parse, as an import run does them."""
    download = source.download(client, folder, etag=None, last_modified=None)
    return download, list(source.parse(download.files))


def by_id(items: list[Item]) -> dict[str, ListingRecord]:
    return {item.external_id: item for item in items if isinstance(item, ListingRecord)}


@pytest.fixture
def server() -> Iterator[LocalServer]:
    local = LocalServer()
    local.start()
    yield local
    local.stop()


@pytest.fixture
def guarded() -> Iterator[GuardedClient]:
    """The guarded client as the worker builds it from the settings, allowed to reach
    127.0.0.1, with host states of its own (no circuit outlives its test)."""
    settings = Settings(outbound_allowlist=["127.0.0.1"])
    with GuardedClient(ClientOptions.from_settings(settings), hosts=HostStates()) as client:
        yield client
