"""What the client keeps per host: a semaphore (at most N requests at once) and a circuit breaker.

Both live in a `HostStates` shared by every client of the process (`PROCESS_HOSTS`), so that the
limit and the circuit hold however many clients the import tasks and the web requests create.
A host is a name and a port: `boards.example.com:443`.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx

from jobtracker.kit.http.errors import CircuitOpen, TooLarge

Clock = Callable[[], float]

# Besides 5xx: the host asks us to slow down or could not answer in time.
FAILING_STATUSES = {408, 429}


@dataclass(frozen=True)
class CircuitPolicy:
    """`failures` consecutive failures within `window_seconds` open the circuit for
    `cooldown_seconds`."""

    failures: int = 5
    window_seconds: float = 60.0
    cooldown_seconds: float = 60.0


def host_answered(error: BaseException) -> bool | None:
    """Whether an error means the host works (True), fails (False), or was never reached
    (None: refused by us, or an error of the caller's own)."""
    if isinstance(error, httpx.HTTPStatusError):
        status = error.response.status_code
        return status < 500 and status not in FAILING_STATUSES
    if isinstance(error, httpx.TransportError):
        return False
    if isinstance(error, TooLarge):
        return True
    return None


class Circuit:
    """One host's circuit breaker. Closed: calls go through and failures are counted; a success
    resets the count. Open: calls fail at once with `CircuitOpen` until the cool-down ends.
    Half-open: one trial call goes through (others still fail at once); its success closes the
    circuit, its failure opens it for another cool-down."""

    def __init__(self, policy: CircuitPolicy, clock: Clock) -> None:
        self._policy = policy
        self._clock = clock
        self._lock = threading.Lock()
        self._failures: deque[float] = deque()
        self._open_until: float | None = None
        self._trial = False

    @contextmanager
    def call(self, url: str) -> Iterator[None]:
        """Let one call through, or raise `CircuitOpen`; the call's outcome is recorded."""
        wait = self._admit()
        if wait is not None:
            message = f"the host failed repeatedly; not asked again for {wait:.0f} s"
            raise CircuitOpen(url, message, wait)
        try:
            yield
        except BaseException as error:
            self._settle(host_answered(error))
            raise
        self._settle(True)

    def _admit(self) -> float | None:
        with self._lock:
            if self._open_until is None:
                return None
            now = self._clock()
            if now < self._open_until:
                return self._open_until - now
            if self._trial:
                return self._policy.cooldown_seconds
            self._trial = True
            return None

    def _settle(self, answered: bool | None) -> None:
        with self._lock:
            if answered is None:
                self._trial = False
            elif answered:
                self._failures.clear()
                self._open_until, self._trial = None, False
            else:
                self._failed(self._clock())

    def _failed(self, now: float) -> None:
        if self._open_until is not None:
            if self._trial:  # the trial failed: another cool-down
                self._open_until, self._trial = now + self._policy.cooldown_seconds, False
            return
        while self._failures and self._failures[0] <= now - self._policy.window_seconds:
            self._failures.popleft()
        self._failures.append(now)
        if len(self._failures) >= self._policy.failures:
            self._failures.clear()
            self._open_until = now + self._policy.cooldown_seconds


class HostStates:
    """The semaphores and circuits of the hosts a process talks to. The first client to ask
    for a host sets its limit and policy."""

    def __init__(self, clock: Clock = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._gates: dict[str, threading.BoundedSemaphore] = {}
        self._circuits: dict[str, Circuit] = {}

    def gate(self, host: str, limit: int) -> threading.BoundedSemaphore:
        with self._lock:
            return self._gates.setdefault(host, threading.BoundedSemaphore(limit))

    def circuit(self, host: str, policy: CircuitPolicy) -> Circuit:
        with self._lock:
            if host not in self._circuits:
                self._circuits[host] = Circuit(policy, self._clock)
            return self._circuits[host]


PROCESS_HOSTS = HostStates()
