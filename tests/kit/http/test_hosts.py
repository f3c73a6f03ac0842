"""Per host: at most two requests at once, across threads and clients; and the circuit breaker,
on a clock the tests move instead of sleeping."""

from __future__ import annotations

import pickle
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler

import httpx
import pytest

from jobtracker.kit.http import CircuitOpen, CircuitPolicy, GuardedClient, HostStates
from jobtracker.tasks.errors import classify
from tests.kit.http.conftest import FakeClock, LocalServer, local_options


def fetch_in_threads(clients: list[GuardedClient], urls: list[str]) -> list[BaseException]:
    """Fetch every URL at once, each in a thread, round-robin over the clients; the errors."""
    errors: list[BaseException] = []

    def fetch(client: GuardedClient, url: str) -> None:
        try:
            client.fetch(url)
        except Exception as error:  # reported to the test
            errors.append(error)

    threads = [
        threading.Thread(target=fetch, args=(clients[index % len(clients)], url))
        for index, url in enumerate(urls)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return errors


def slow_boards(server: LocalServer) -> list[str]:
    """Six paths that each hold their request until a third one arrives (or 0.3 s), so that
    requests let through together are seen together."""

    def route(request: BaseHTTPRequestHandler) -> None:
        server.wait_for_active(3, timeout=0.3)
        request.send_response(200)
        request.send_header("Content-Length", "2")
        request.end_headers()
        request.wfile.write(b"ok")

    for number in range(6):
        server.routes[f"/board/{number}"] = route
    return [server.url(f"/board/{number}") for number in range(6)]


class TestPerHostLimit:
    def test_at_most_two_requests_reach_a_host_at_once(
        self, server: LocalServer, client: GuardedClient
    ) -> None:
        assert fetch_in_threads([client], slow_boards(server)) == []
        assert len(server.seen) == 6
        assert server.most_active == 2

    def test_the_clients_of_a_process_share_the_limit(
        self, server: LocalServer, hosts: HostStates
    ) -> None:
        urls = slow_boards(server)
        with (
            GuardedClient(local_options(), hosts=hosts) as first,
            GuardedClient(local_options(), hosts=hosts) as second,
        ):
            assert fetch_in_threads([first, second], urls) == []
        assert server.most_active == 2

    def test_a_busy_host_does_not_hold_back_another(
        self, server: LocalServer, other_server: LocalServer, client: GuardedClient
    ) -> None:
        server.hold("/slow")
        other_server.reply("/fast", body=b"ok")
        threads = [
            threading.Thread(target=client.fetch, args=(server.url("/slow"),)) for _ in range(2)
        ]
        for thread in threads:
            thread.start()
        assert server.wait_for_active(2)
        assert client.fetch(other_server.url("/fast")).body == b"ok"
        server.release.set()
        for thread in threads:
            thread.join(timeout=30)


POLICY = CircuitPolicy(failures=3, window_seconds=60, cooldown_seconds=30)


@pytest.fixture
def breaking(hosts: HostStates) -> Iterator[GuardedClient]:
    """A client whose circuits open after 3 failures in a minute, for 30 s."""
    with GuardedClient(local_options(circuit=POLICY, read_timeout=0.2), hosts=hosts) as client:
        yield client


def fail_times(client: GuardedClient, url: str, times: int) -> None:
    for _ in range(times):
        with pytest.raises((httpx.HTTPStatusError, httpx.TransportError)):
            client.fetch(url)


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class TestCircuitBreaker:
    def test_consecutive_failures_open_the_circuit(
        self, server: LocalServer, breaking: GuardedClient
    ) -> None:
        server.reply("/jobs", 503)
        fail_times(breaking, server.url("/jobs"), 3)
        with pytest.raises(CircuitOpen) as error:
            breaking.fetch(server.url("/jobs"))
        assert error.value.retry_after == 30
        assert len(server.seen) == 3  # the fourth call never reached the host

    def test_an_open_circuit_counts_down(
        self, server: LocalServer, breaking: GuardedClient, clock: FakeClock
    ) -> None:
        server.reply("/jobs", 503)
        fail_times(breaking, server.url("/jobs"), 3)
        clock.advance(10)
        with pytest.raises(CircuitOpen) as error:
            breaking.fetch(server.url("/jobs"))
        assert error.value.retry_after == 20
        assert classify(error.value).transient
        assert classify(error.value).retry_after == 20

    def test_after_the_cooldown_a_successful_trial_closes_it(
        self, server: LocalServer, breaking: GuardedClient, clock: FakeClock
    ) -> None:
        server.reply("/jobs", 503)
        fail_times(breaking, server.url("/jobs"), 3)
        clock.advance(30)
        server.reply("/jobs", body=b"[]")
        assert breaking.fetch(server.url("/jobs")).body == b"[]"
        server.reply("/jobs", 503)
        fail_times(breaking, server.url("/jobs"), 3)  # counted from nothing: all three reach it
        assert len(server.seen) == 7

    def test_a_failed_trial_opens_it_for_another_cooldown(
        self, server: LocalServer, breaking: GuardedClient, clock: FakeClock
    ) -> None:
        server.reply("/jobs", 503)
        fail_times(breaking, server.url("/jobs"), 3)
        clock.advance(31)
        fail_times(breaking, server.url("/jobs"), 1)
        with pytest.raises(CircuitOpen) as error:
            breaking.fetch(server.url("/jobs"))
        assert error.value.retry_after == 30
        assert len(server.seen) == 4

    def test_only_one_trial_goes_through_at_a_time(
        self, server: LocalServer, breaking: GuardedClient, clock: FakeClock
    ) -> None:
        server.reply("/jobs", 503)
        fail_times(breaking, server.url("/jobs"), 3)
        clock.advance(30)
        server.hold("/jobs")
        trial = threading.Thread(target=breaking.fetch, args=(server.url("/jobs"),))
        trial.start()
        assert server.wait_for_active(1)
        with pytest.raises(CircuitOpen):
            breaking.fetch(server.url("/jobs"))
        server.release.set()
        trial.join(timeout=30)
        assert breaking.fetch(server.url("/jobs")).body == b"ok"

    def test_failures_spread_wider_than_the_window_do_not_open_it(
        self, server: LocalServer, breaking: GuardedClient, clock: FakeClock
    ) -> None:
        server.reply("/jobs", 503)
        for _ in range(4):
            fail_times(breaking, server.url("/jobs"), 1)
            clock.advance(31)
        assert len(server.seen) == 4

    def test_a_success_between_failures_starts_the_count_again(
        self, server: LocalServer, breaking: GuardedClient
    ) -> None:
        server.reply("/jobs", 503)
        server.reply("/health", body=b"ok")
        fail_times(breaking, server.url("/jobs"), 2)
        breaking.fetch(server.url("/health"))
        fail_times(breaking, server.url("/jobs"), 2)
        assert len(server.seen) == 5

    def test_client_errors_do_not_count(self, server: LocalServer, breaking: GuardedClient) -> None:
        server.reply("/gone", 404)
        for _ in range(5):
            with pytest.raises(httpx.HTTPStatusError):
                breaking.fetch(server.url("/gone"))
        assert len(server.seen) == 5

    def test_refused_connections_count(self, breaking: GuardedClient) -> None:
        url = f"http://127.0.0.1:{closed_port()}/jobs"
        fail_times(breaking, url, 3)
        with pytest.raises(CircuitOpen):
            breaking.fetch(url)

    @pytest.mark.parametrize("status", [429, 500, 502])
    def test_rate_limits_and_server_errors_count(
        self, server: LocalServer, breaking: GuardedClient, status: int
    ) -> None:
        server.reply("/jobs", status)
        fail_times(breaking, server.url("/jobs"), 3)
        with pytest.raises(CircuitOpen):
            breaking.fetch(server.url("/jobs"))

    def test_timeouts_count(self, server: LocalServer, breaking: GuardedClient) -> None:
        server.hold("/jobs")
        fail_times(breaking, server.url("/jobs"), 3)
        with pytest.raises(CircuitOpen):
            breaking.fetch(server.url("/jobs"))

    def test_one_hosts_open_circuit_leaves_others_alone(
        self, server: LocalServer, other_server: LocalServer, breaking: GuardedClient
    ) -> None:
        server.reply("/jobs", 503)
        other_server.reply("/jobs", body=b"[]")
        fail_times(breaking, server.url("/jobs"), 3)
        assert breaking.fetch(other_server.url("/jobs")).body == b"[]"

    def test_an_open_circuit_survives_pickling(self) -> None:
        error = CircuitOpen("https://boards.example.com/jobs", "failed repeatedly", 12.5)
        copy = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own bytes
        assert (copy.url, copy.retry_after, str(copy)) == (error.url, 12.5, str(error))
