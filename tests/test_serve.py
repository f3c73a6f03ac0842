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
        env.update(JOBTRACKER_DATA_DIR=str(tmp_path), JOBTRACKER_TASK_POLLING_SECONDS="0.1")
        subprocess.run([JOBTRACKER, "demo"], env=env, check=True, capture_output=True)
        port = _free_port()
        server = subprocess.Popen(
            [JOBTRACKER, "serve", "--port", str(port)],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            outbox = tmp_path / "outbox"
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and len(list(outbox.glob("*.eml"))) < 3:
                time.sleep(0.2)
            assert len(list(outbox.glob("*.eml"))) == 3, "the demo's emails were not sent"
            assert httpx.get(f"http://127.0.0.1:{port}/login").status_code == 200
            server.send_signal(signal.SIGINT)
            assert server.wait(timeout=20) == 0
        finally:
            server.kill()
            server.wait()
