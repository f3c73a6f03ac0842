"""Helpers of the XML and page sources' tests: serve a document (XML by default, validators
only when given), then download and parse it as an import run does. Fixtures are in conftest."""

from __future__ import annotations

from http.server import BaseHTTPRequestHandler
from pathlib import Path

from jobtracker.kit.http import GuardedClient
from jobtracker.listings.schemas import ItemError, ListingRecord
from jobtracker.listings.sources.base import SourceAdapter
from tests.kit.http.conftest import LocalServer


def serve(
    server: LocalServer,
    path: str,
    body: bytes,
    *,
    content_type: str = "application/xml; charset=utf-8",
    status: int = 200,
    etag: str | None = None,
    last_modified: str | None = None,
    headers: dict[str, str] | None = None,
) -> None:
    """Answer `path` with `body`. With an `etag` or `last_modified`, a request that sends it
    back (If-None-Match, If-Modified-Since) gets 304 Not Modified."""
    validators = {"ETag": etag, "Last-Modified": last_modified}
    validators = {name: value for name, value in validators.items() if value}

    def route(request: BaseHTTPRequestHandler) -> None:
        sent_back = (request.headers.get("If-None-Match"), request.headers.get("If-Modified-Since"))
        if any(value in sent_back for value in validators.values()):
            request.send_response(304)
            for name, value in validators.items():
                request.send_header(name, value)
            request.end_headers()
            return
        request.send_response(status)
        sent = {"Content-Type": content_type, "Content-Length": str(len(body)), **validators}
        sent |= headers or {}
        for name, value in sent.items():
            request.send_header(name, value)
        request.end_headers()
        request.wfile.write(body)

    server.routes[path] = route


def download_and_parse(
    adapter: SourceAdapter, client: GuardedClient, folder: Path
) -> list[ListingRecord | ItemError]:
    """What an import run does with a source: download it, then parse all it downloaded."""
    download = adapter.download(client, folder, etag=None, last_modified=None)
    return list(adapter.parse(download.files))


def records(items: list[ListingRecord | ItemError]) -> dict[str, ListingRecord]:
    """The listings by external id (item errors left out)."""
    return {item.external_id: item for item in items if isinstance(item, ListingRecord)}
