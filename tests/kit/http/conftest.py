"""Real HTTP servers on 127.0.0.1 whose answers each test sets by path, a clock the tests move,
and a client that may reach 127.0.0.1."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from jobtracker.kit.http import Allowlist, ClientOptions, GuardedClient, HostStates

Route = Callable[[BaseHTTPRequestHandler], None]
CHUNK = b"x" * 65536


@dataclass(frozen=True)
class Seen:
    path: str
    headers: dict[str, str]


class LocalServer:
    """A ThreadingHTTPServer that answers each path with the route a test set, records the
    requests it saw, and counts how many it was answering at once. Routes that hold a request
    open wait on `release`, which is set when the server stops."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.seen: list[Seen] = []
        self.active = 0
        self.most_active = 0
        self.release = threading.Event()
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._http = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._http.daemon_threads = True
        self.port = self._http.server_address[1]
        self._thread = threading.Thread(
            target=self._http.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def url(self, path: str = "/", host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def reply(
        self, path: str, status: int = 200, body: bytes = b"", headers: dict[str, str] | None = None
    ) -> None:
        """Answer `path` with a fixed response (with its Content-Length)."""

        def route(request: BaseHTTPRequestHandler) -> None:
            request.send_response(status)
            for name, value in {"Content-Length": str(len(body)), **(headers or {})}.items():
                request.send_header(name, value)
            request.end_headers()
            request.wfile.write(body)

        self.routes[path] = route

    def hold(self, path: str) -> None:
        """Keep requests to `path` open until `release` is set (or the server stops)."""

        def route(request: BaseHTTPRequestHandler) -> None:
            self.release.wait(timeout=30)
            request.send_response(200)
            request.send_header("Content-Length", "2")
            request.end_headers()
            request.wfile.write(b"ok")

        self.routes[path] = route

    def redirect(self, path: str, location: str, status: int = 302) -> None:
        self.reply(path, status, headers={"Location": location})

    def paths(self) -> list[str]:
        return [request.path for request in self.seen]

    def wait_for_active(self, count: int, timeout: float = 10.0) -> bool:
        """Wait until `count` requests are being answered at once; False if they never were."""
        with self._changed:
            return self._changed.wait_for(lambda: self.active >= count, timeout=timeout)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self.release.set()
        self._http.shutdown()
        self._http.server_close()

    def _answer(self, request: BaseHTTPRequestHandler) -> None:
        with self._changed:
            self.seen.append(Seen(request.path, dict(request.headers.items())))
            self.active += 1
            self.most_active = max(self.most_active, self.active)
            self._changed.notify_all()
        try:
            route = self.routes.get(request.path.split("?")[0])
            if route is None:
                request.send_error(404)
            else:
                route(request)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client hung up, as it should past a limit
        finally:
            with self._changed:
                self.active -= 1

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server._answer(self)

            def log_message(self, format: str, *args: object) -> None:
                pass

        return Handler


class FakeClock:
    """Monotonic seconds that move only when a test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def local_options(**changes: object) -> ClientOptions:
    """Options of a client that may reach 127.0.0.1, with short timeouts."""
    base: dict[str, object] = {
        "user_agent": "Jobtracker-tests",
        "allowlist": Allowlist.from_entries(["127.0.0.1/32"]),
        "read_timeout": 5.0,
        "total_timeout": 30.0,
    }
    return ClientOptions(**{**base, **changes})  # type: ignore[arg-type]


@pytest.fixture
def server() -> Iterator[LocalServer]:
    local = LocalServer()
    local.start()
    yield local
    local.stop()


@pytest.fixture
def other_server() -> Iterator[LocalServer]:
    local = LocalServer()
    local.start()
    yield local
    local.stop()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def hosts(clock: FakeClock) -> HostStates:
    """Per-host state of the test's own, so that no circuit outlives its test."""
    return HostStates(clock=clock)


@pytest.fixture
def client(hosts: HostStates) -> Iterator[GuardedClient]:
    with GuardedClient(local_options(), hosts=hosts) as guarded:
        yield guarded
