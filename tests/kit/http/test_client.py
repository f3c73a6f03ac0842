"""The guarded client against real local servers: bodies, headers, conditional requests,
redirects, the size limit and timeouts."""

from __future__ import annotations

import gzip
import time
import tracemalloc
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import httpx
import pytest

from jobtracker.config import Settings
from jobtracker.kit.http import (
    BlockedAddress,
    GuardedClient,
    HostStates,
    TooLarge,
    TooManyRedirects,
)
from jobtracker.tasks.errors import classify
from tests.kit.http.conftest import CHUNK, LocalServer, local_options

FEED = b'<?xml version="1.0"?><source><job><title>Backend engineer</title></job></source>'


def stream_forever(request: BaseHTTPRequestHandler) -> None:
    """A body without Content-Length that never ends (until the client hangs up)."""
    request.send_response(200)
    request.end_headers()
    while True:
        request.wfile.write(CHUNK)


class TestFetch:
    def test_body_status_and_media_type_come_back(
        self, server: LocalServer, client: GuardedClient
    ) -> None:
        server.reply("/feed.xml", body=FEED, headers={"Content-Type": "text/xml; charset=utf-8"})
        result = client.fetch(server.url("/feed.xml"), accept="application/xml")
        assert (result.status, result.body, result.size) == (200, FEED, len(FEED))
        assert result.content_type == "text/xml"
        assert result.headers["content-type"] == "text/xml; charset=utf-8"
        assert result.url == server.url("/feed.xml")
        assert not result.not_modified

    def test_user_agent_names_the_product_and_accept_is_the_callers(
        self, server: LocalServer
    ) -> None:
        settings = Settings(outbound_allowlist=["127.0.0.1"], base_url="https://jobs.example.org")
        server.reply("/jobs", body=b"[]")
        with GuardedClient.from_settings(settings) as client:
            client.fetch(server.url("/jobs"), accept="application/json")
        headers = server.seen[0].headers
        assert headers["User-Agent"] == "Jobtracker/0.1.0 (+https://jobs.example.org)"
        assert headers["Accept"] == "application/json"

    def test_no_cookie_is_carried_from_one_fetch_to_the_next(
        self, server: LocalServer, client: GuardedClient
    ) -> None:
        server.reply("/login", headers={"Set-Cookie": "session=abc; Path=/"})
        server.reply("/jobs", body=b"[]")
        client.fetch(server.url("/login"))
        client.fetch(server.url("/jobs"))
        assert "Cookie" not in server.seen[1].headers

    def test_download_writes_the_body_to_the_destination(
        self, server: LocalServer, client: GuardedClient, tmp_path: Path
    ) -> None:
        body = CHUNK * 48  # 3 MB
        server.reply("/big.xml", body=body)
        path = tmp_path / "feed.xml"
        with path.open("wb") as file:
            result = client.download(server.url("/big.xml"), file)
        assert result.body is None
        assert result.size == len(body)
        assert path.read_bytes() == body

    def test_download_never_holds_the_body_in_memory(
        self, server: LocalServer, client: GuardedClient, tmp_path: Path
    ) -> None:
        def sixteen_megabytes(request: BaseHTTPRequestHandler) -> None:
            request.send_response(200)
            request.end_headers()
            for _ in range(256):
                request.wfile.write(CHUNK)

        server.routes["/huge.xml"] = sixteen_megabytes
        tracemalloc.start()
        try:
            with (tmp_path / "huge.xml").open("wb") as file:
                result = client.download(server.url("/huge.xml"), file)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert result.size == 16 * 1024 * 1024
        assert peak < 4 * 1024 * 1024

    def test_error_status_raises_with_its_body_readable(
        self, server: LocalServer, client: GuardedClient
    ) -> None:
        body = b'{"ok":false,"error":"Document not found"}'
        server.reply("/v0/postings/acme", 404, body, {"Content-Type": "application/json"})
        with pytest.raises(httpx.HTTPStatusError) as error:
            client.fetch(server.url("/v0/postings/acme"))
        assert error.value.response.status_code == 404
        assert error.value.response.json()["error"] == "Document not found"
        assert not classify(error.value).transient

    def test_rate_limit_keeps_retry_after_for_the_task_engine(
        self, server: LocalServer, client: GuardedClient
    ) -> None:
        server.reply("/jobs", 429, b"slow down", {"Retry-After": "120"})
        with pytest.raises(httpx.HTTPStatusError) as error:
            client.fetch(server.url("/jobs"))
        verdict = classify(error.value)
        assert verdict.transient
        assert verdict.retry_after == 120


class TestConditionalRequests:
    @staticmethod
    def versioned(request: BaseHTTPRequestHandler) -> None:
        """ETag "v1": 304 to a client that has it, the feed to one that has not."""
        validators = {"ETag": '"v1"', "Last-Modified": "Tue, 03 Jun 2025 10:00:00 GMT"}
        fresh = (
            request.headers.get("If-None-Match") == '"v1"'
            or request.headers.get("If-Modified-Since") == validators["Last-Modified"]
        )
        request.send_response(304 if fresh else 200)
        for name, value in validators.items():
            request.send_header(name, value)
        request.send_header("Content-Length", "0" if fresh else str(len(FEED)))
        request.end_headers()
        if not fresh:
            request.wfile.write(FEED)

    def test_the_responses_validators_are_returned(
        self, server: LocalServer, client: GuardedClient
    ) -> None:
        server.routes["/feed"] = self.versioned
        result = client.fetch(server.url("/feed"))
        assert result.etag == '"v1"'
        assert result.last_modified == "Tue, 03 Jun 2025 10:00:00 GMT"

    def test_a_known_etag_gives_not_modified_and_no_body(
        self, server: LocalServer, client: GuardedClient
    ) -> None:
        server.routes["/feed"] = self.versioned
        result = client.fetch(server.url("/feed"), etag='"v1"')
        assert server.seen[0].headers["If-None-Match"] == '"v1"'
        assert (result.status, result.not_modified, result.body, result.size) == (
            304,
            True,
            None,
            0,
        )
        assert result.etag == '"v1"'

    def test_last_modified_is_sent_as_if_modified_since(
        self, server: LocalServer, client: GuardedClient
    ) -> None:
        server.routes["/feed"] = self.versioned
        result = client.fetch(server.url("/feed"), last_modified="Tue, 03 Jun 2025 10:00:00 GMT")
        assert result.not_modified
        assert "If-None-Match" not in server.seen[0].headers

    def test_a_304_without_validators_keeps_the_ones_sent(
        self, server: LocalServer, client: GuardedClient
    ) -> None:
        server.reply("/feed", 304)
        result = client.fetch(server.url("/feed"), etag='"v7"', last_modified="yesterday")
        assert (result.etag, result.last_modified) == ('"v7"', "yesterday")

    def test_not_modified_writes_nothing_to_the_destination(
        self, server: LocalServer, client: GuardedClient, tmp_path: Path
    ) -> None:
        server.routes["/feed"] = self.versioned
        path = tmp_path / "feed.xml"
        with path.open("wb") as file:
            assert client.download(server.url("/feed"), file, etag='"v1"').not_modified
        assert path.read_bytes() == b""


class TestRedirects:
    def test_five_redirects_are_followed_to_the_final_url(
        self, server: LocalServer, client: GuardedClient
    ) -> None:
        for hop in range(1, 5):
            server.redirect(f"/r{hop}", f"/r{hop + 1}", status=301 if hop % 2 else 307)
        server.redirect("/r5", server.url("/final"))  # absolute this time
        server.reply("/final", body=FEED)
        result = client.fetch(server.url("/r1"))
        assert result.body == FEED
        assert result.url == server.url("/final")
        assert server.paths() == ["/r1", "/r2", "/r3", "/r4", "/r5", "/final"]

    def test_a_sixth_redirect_is_refused(self, server: LocalServer, client: GuardedClient) -> None:
        for hop in range(1, 7):
            server.redirect(f"/r{hop}", f"/r{hop + 1}")
        server.reply("/r7", body=FEED)
        with pytest.raises(TooManyRedirects) as error:
            client.fetch(server.url("/r1"))
        assert error.value.url == server.url("/r1")
        assert len(server.seen) == 6
        assert not classify(error.value).transient

    def test_a_redirect_loop_ends(self, server: LocalServer, client: GuardedClient) -> None:
        server.redirect("/a", "/b")
        server.redirect("/b", "/a")
        with pytest.raises(TooManyRedirects):
            client.fetch(server.url("/a"))

    def test_a_redirect_to_another_scheme_is_refused(
        self, server: LocalServer, client: GuardedClient
    ) -> None:
        server.redirect("/jobs", "file:///etc/passwd")
        with pytest.raises(BlockedAddress) as error:
            client.fetch(server.url("/jobs"))
        assert error.value.url.startswith("file:")


class TestSizeLimit:
    def test_a_declared_length_over_the_limit_is_refused_before_reading(
        self, server: LocalServer, hosts: HostStates
    ) -> None:
        def declares_a_gigabyte(request: BaseHTTPRequestHandler) -> None:
            request.send_response(200)
            request.send_header("Content-Length", str(1024**3))
            request.end_headers()
            server.release.wait(timeout=30)  # and sends nothing: reading would time out

        server.routes["/feed"] = declares_a_gigabyte
        options = local_options(max_response_bytes=1024 * 1024, read_timeout=2.0)
        with GuardedClient(options, hosts=hosts) as client, pytest.raises(TooLarge) as error:
            client.fetch(server.url("/feed"))
        assert "declares 1073741824 bytes" in str(error.value)
        assert not classify(error.value).transient

    def test_an_endless_body_is_stopped_past_the_limit(
        self, server: LocalServer, hosts: HostStates, tmp_path: Path
    ) -> None:
        server.routes["/feed"] = stream_forever
        options = local_options(max_response_bytes=1024 * 1024)
        path = tmp_path / "feed.xml"
        with (
            GuardedClient(options, hosts=hosts) as client,
            path.open("wb") as file,
            pytest.raises(TooLarge),
        ):
            client.download(server.url("/feed"), file)
        assert path.stat().st_size <= 1024 * 1024

    def test_a_body_of_exactly_the_limit_is_accepted(
        self, server: LocalServer, hosts: HostStates
    ) -> None:
        server.reply("/feed", body=CHUNK * 16)
        options = local_options(max_response_bytes=len(CHUNK) * 16)
        with GuardedClient(options, hosts=hosts) as client:
            assert client.fetch(server.url("/feed")).size == len(CHUNK) * 16

    def test_a_compressed_body_is_measured_unpacked(
        self, server: LocalServer, hosts: HostStates
    ) -> None:
        bomb = gzip.compress(b"\0" * (8 * 1024 * 1024))  # 8 KB on the wire
        server.reply("/feed", body=bomb, headers={"Content-Encoding": "gzip"})
        options = local_options(max_response_bytes=1024 * 1024)
        with GuardedClient(options, hosts=hosts) as client, pytest.raises(TooLarge):
            client.fetch(server.url("/feed"))


class TestTimeouts:
    def test_a_silent_server_times_out(self, server: LocalServer, hosts: HostStates) -> None:
        server.hold("/feed")
        options = local_options(read_timeout=0.2)
        with GuardedClient(options, hosts=hosts) as client, pytest.raises(httpx.ReadTimeout):
            client.fetch(server.url("/feed"))

    def test_a_trickling_body_stops_at_the_total_time(
        self, server: LocalServer, hosts: HostStates
    ) -> None:
        def trickle(request: BaseHTTPRequestHandler) -> None:
            request.send_response(200)
            request.end_headers()
            while not server.release.is_set():
                request.wfile.write(b"<")
                request.wfile.flush()
                time.sleep(0.02)

        server.routes["/feed"] = trickle
        with (
            GuardedClient(local_options(total_timeout=0.5), hosts=hosts) as client,
            pytest.raises(httpx.ReadTimeout, match="total time"),
        ):
            client.fetch(server.url("/feed"))
