"""`jobtracker serve` is the whole product in one process: pages, API and background work."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

JOBTRACKER = Path(sys.executable).with_name("jobtracker")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class TestServe:
    def test_serves_pages_and_runs_tasks_then_stops_on_sigint(self, tmp_path: Path) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("JOBTRACKER_")}
        port = _free_port()
        env.update(JOBTRACKER_DATA_DIR=str(tmp_path), JOBTRACKER_TASK_POLLING_SECONDS="0.1",
                   JOBTRACKER_BASE_URL=f"http://127.0.0.1:{port}")  # fmt: skip
        subprocess.run([JOBTRACKER, "demo"], env=env, check=True, capture_output=True)
        server = subprocess.Popen(
            [JOBTRACKER, "serve", "--port", str(port)],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            outbox = tmp_path / "outbox"
            deadline = time.monotonic() + 30
            # The demo's three notifications, and one per application with no news, in any
            # order: wait for the welcome itself.
            while time.monotonic() < deadline and "Welcome to Jobtracker" not in _sent(outbox):
                time.sleep(0.2)
            assert "Welcome to Jobtracker" in _sent(outbox), "the demo's emails were not sent"
            assert _get_when_listening(f"http://127.0.0.1:{port}/login").status_code == 200
            # The demo's sample sources, served by this very server, are imported by its worker.
            listings = f"http://127.0.0.1:{port}/api/listings?limit=1"
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and httpx.get(listings).json()["total"] < 300:
                time.sleep(0.5)
            assert httpx.get(listings).json()["total"] >= 300
            server.send_signal(signal.SIGINT)
            assert server.wait(timeout=20) == 0
        finally:
            server.kill()
            server.wait()


def _get_when_listening(url: str, seconds: float = 30) -> httpx.Response:
    """The worker can finish its first tasks before the web server listens (on a busy machine)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            return httpx.get(url)
        except httpx.ConnectError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def _sent(outbox: Path) -> str:
    return "".join(path.read_text() for path in outbox.glob("*.eml"))
