"""The guarded client: GET with the guard, limits, redirects by hand and conditional requests."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from http.cookiejar import CookieJar, DefaultCookiePolicy
from typing import BinaryIO

import httpx

from jobtracker import __version__
from jobtracker.config import Settings
from jobtracker.kit.http.errors import BlockedAddress, TooLarge, TooManyRedirects
from jobtracker.kit.http.guard import (
    AddressGuard,
    Allowlist,
    Refused,
    Resolver,
    guarded_transport,
    system_resolver,
)
from jobtracker.kit.http.hosts import PROCESS_HOSTS, CircuitPolicy, HostStates

MAX_REDIRECTS = 5
REDIRECTS = {301, 302, 303, 307, 308}
DEFAULT_PORTS = {"http": 80, "https": 443}
ERROR_PREVIEW_BYTES = 64 * 1024
# Headers that describe the body as sent, not the preview kept in an error.
_BODY_HEADERS = {"content-encoding", "content-length", "transfer-encoding"}


@dataclass(frozen=True)
class ClientOptions:
    """The client's limits; `from_settings` reads them from the JOBTRACKER_* settings."""

    user_agent: str
    allowlist: Allowlist = field(default_factory=Allowlist)
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    total_timeout: float = 900.0
    max_response_bytes: int = 200 * 1024 * 1024
    per_host_concurrency: int = 2
    circuit: CircuitPolicy = field(default_factory=CircuitPolicy)

    @classmethod
    def from_settings(cls, settings: Settings) -> ClientOptions:
        return cls(
            user_agent=f"Jobtracker/{__version__} (+{settings.base_url})",
            allowlist=Allowlist.from_entries(
                settings.outbound_allowlist, own_url=settings.base_url
            ),
            connect_timeout=settings.outbound_connect_timeout_seconds,
            read_timeout=settings.outbound_read_timeout_seconds,
            total_timeout=settings.outbound_total_timeout_seconds,
            max_response_bytes=settings.max_response_bytes,
            per_host_concurrency=settings.outbound_per_host_concurrency,
            circuit=CircuitPolicy(
                failures=settings.outbound_circuit_failures,
                window_seconds=settings.outbound_circuit_window_seconds,
                cooldown_seconds=settings.outbound_circuit_cooldown_seconds,
            ),
        )


@dataclass(frozen=True)
class FetchResult:
    """A successful fetch. `url` is the final one, after redirects; `content_type` the bare
    media type ("application/xml"; the charset is in `headers`); `etag` and `last_modified`
    are the validators to send next time (a 304 without them keeps the ones sent); `body` is
    None after a 304 and for `download`; `size` counts the body's bytes once decompressed."""

    url: str
    status: int
    headers: httpx.Headers
    content_type: str | None
    etag: str | None
    last_modified: str | None
    not_modified: bool
    body: bytes | None
    size: int


@dataclass(frozen=True)
class _Call:
    """One fetch in progress: what was asked, where the body goes, and by when."""

    headers: dict[str, str]
    destination: BinaryIO
    deadline: float
    etag: str | None
    last_modified: str | None

    def seconds_left(self, url: httpx.URL) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise httpx.ReadTimeout(
                f"{url}: took longer than the total time allowed",
                request=httpx.Request("GET", url),
            )
        return left


class GuardedClient:
    """The one way out to the network for sources and for clipping a job from a URL.

    GET only. Every connection passes the SSRF guard (`guard.py`): private, loopback,
    link-local, multicast and reserved addresses are refused unless allow-listed. Redirects are
    followed by hand, at most 5, each hop checked again (http and https only). Bodies are
    streamed and stopped past `max_response_bytes`. At most `per_host_concurrency` requests run
    at once per host, and a host that keeps failing has its circuit opened (`hosts.py`).

    Errors: `BlockedAddress`, `TooLarge`, `TooManyRedirects` (permanent), `CircuitOpen`
    (transient, `retry_after`); `httpx.HTTPStatusError` for any status but 2xx and 304 (its
    response holds the first 64 KB of the body); `httpx.TransportError` for connection errors
    and timeouts. No cookies are kept, no proxy is used. Thread-safe: make one per process
    and share it.
    """

    def __init__(
        self,
        options: ClientOptions,
        *,
        hosts: HostStates = PROCESS_HOSTS,
        resolver: Resolver = system_resolver,
    ) -> None:
        self._options = options
        self._hosts = hosts
        guard = AddressGuard(options.allowlist, resolver)
        self._http = httpx.Client(
            transport=guarded_transport(guard, httpx.Limits()),
            headers={"User-Agent": options.user_agent},
            follow_redirects=False,
            # No cookie is kept: the client is shared, and one user's clip must not carry a
            # site's cookies into another's.
            cookies=CookieJar(DefaultCookiePolicy(allowed_domains=[])),
        )

    @classmethod
    def from_settings(cls, settings: Settings) -> GuardedClient:
        return cls(ClientOptions.from_settings(settings))

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> GuardedClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def fetch(
        self,
        url: str,
        *,
        accept: str = "*/*",
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> FetchResult:
        """GET `url` into memory. Pass the `etag` and `last_modified` of the previous fetch to
        get `not_modified=True` (and no body) when nothing changed."""
        buffer = io.BytesIO()
        result = self.download(url, buffer, accept=accept, etag=etag, last_modified=last_modified)
        return result if result.not_modified else replace(result, body=buffer.getvalue())

    def download(
        self,
        url: str,
        destination: BinaryIO,
        *,
        accept: str = "*/*",
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> FetchResult:
        """GET `url`, writing the body to `destination` as it arrives (a 1 GB feed never sits
        in memory). Nothing is written after a 304; after an error the destination may hold
        part of a body, to be thrown away."""
        headers = {"Accept": accept}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        deadline = time.monotonic() + self._options.total_timeout
        call = _Call(headers, destination, deadline, etag, last_modified)
        hop = _parse(url)
        for _ in range(MAX_REDIRECTS + 1):
            outcome = self._hop(call, hop)
            if isinstance(outcome, FetchResult):
                return outcome
            hop = outcome
        raise TooManyRedirects(url, f"more than {MAX_REDIRECTS} redirects")

    def _hop(self, call: _Call, url: httpx.URL) -> FetchResult | httpx.URL:
        """One request: the result, or the URL it redirects to."""
        if url.scheme not in DEFAULT_PORTS or not url.host:
            raise BlockedAddress(str(url), "only http:// and https:// addresses are fetched")
        with self._host_slot(call, url), self._open(call, url) as response:
            location = response.headers.get("location")
            if response.status_code in REDIRECTS and location:
                return _parse(location, base=url)
            return self._receive(call, response)

    @contextmanager
    def _host_slot(self, call: _Call, url: httpx.URL) -> Iterator[None]:
        host = f"{url.host}:{url.port or DEFAULT_PORTS[url.scheme]}"
        limit = self._options.per_host_concurrency
        gate = self._hosts.gate(host, limit)
        if not gate.acquire(timeout=call.seconds_left(url)):
            message = f"{url}: waited too long for one of the {limit} requests allowed per host"
            raise httpx.PoolTimeout(message, request=httpx.Request("GET", url))
        try:
            with self._hosts.circuit(host, self._options.circuit).call(str(url)):
                yield
        finally:
            gate.release()

    @contextmanager
    def _open(self, call: _Call, url: httpx.URL) -> Iterator[httpx.Response]:
        left = call.seconds_left(url)
        connect, read = self._options.connect_timeout, self._options.read_timeout
        timeout = httpx.Timeout(min(read, left), connect=min(connect, left), pool=left)
        try:
            with self._http.stream("GET", url, headers=call.headers, timeout=timeout) as response:
                yield response
        except Refused as refused:
            raise BlockedAddress(str(url), str(refused)) from None

    def _receive(self, call: _Call, response: httpx.Response) -> FetchResult:
        if response.status_code == 304:
            return _not_modified(call, response)
        if not response.is_success:
            raise _status_error(response)
        limit, url = self._options.max_response_bytes, response.request.url
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise TooLarge(str(url), f"declares {int(declared)} bytes, over the {limit} allowed")
        size = 0
        # Counted once decompressed: a small gzip body can unpack to gigabytes.
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > limit:
                raise TooLarge(str(url), f"the body passed the {limit} bytes allowed")
            call.seconds_left(url)
            call.destination.write(chunk)
        return _result(response, size)


def _parse(text: str, base: httpx.URL | None = None) -> httpx.URL:
    try:
        return base.join(text) if base else httpx.URL(text)
    except httpx.InvalidURL as error:
        raise BlockedAddress(text, f"not a valid address ({error})") from None


def _result(response: httpx.Response, size: int) -> FetchResult:
    media_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    return FetchResult(
        url=str(response.request.url),
        status=response.status_code,
        headers=response.headers,
        content_type=media_type or None,
        etag=response.headers.get("etag"),
        last_modified=response.headers.get("last-modified"),
        not_modified=False,
        body=None,
        size=size,
    )


def _not_modified(call: _Call, response: httpx.Response) -> FetchResult:
    result = _result(response, 0)
    return replace(
        result,
        etag=result.etag or call.etag,
        last_modified=result.last_modified or call.last_modified,
        not_modified=True,
    )


def _status_error(response: httpx.Response) -> httpx.HTTPStatusError:
    """The error for a status that is not a success; its response keeps the headers
    (Retry-After) and the first 64 KB of the body, so that callers can read both."""
    preview = bytearray()
    try:
        for chunk in response.iter_bytes():
            preview += chunk
            if len(preview) >= ERROR_PREVIEW_BYTES:
                break
    except httpx.TransportError:
        pass  # the status is what matters; a body cut short does not hide it
    headers = [(k, v) for k, v in response.headers.multi_items() if k not in _BODY_HEADERS]
    request = response.request
    kept = httpx.Response(
        response.status_code,
        headers=headers,
        content=bytes(preview[:ERROR_PREVIEW_BYTES]),
        request=request,
    )
    message = f"{request.url} answered {response.status_code} {response.reason_phrase}"
    return httpx.HTTPStatusError(message, request=request, response=kept)
