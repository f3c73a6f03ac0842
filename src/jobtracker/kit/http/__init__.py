"""Outbound HTTP: the guarded client that sources and "clip a job from a URL" fetch through.

    client = GuardedClient.from_settings(settings)  # one per process, shared by threads
    result = client.fetch(url, accept="application/json", etag=previous.etag,
                          last_modified=previous.last_modified)
    if not result.not_modified:
        parse(result.body)
    with path.open("wb") as file:  # a feed too large for memory
        client.download(url, file, accept="application/xml")

`client.py` holds the client and its result, `guard.py` the SSRF guard, `hosts.py` the
per-host semaphore and circuit breaker, `errors.py` the errors.
"""

from jobtracker.kit.http.client import ClientOptions, FetchResult, GuardedClient
from jobtracker.kit.http.errors import (
    BlockedAddress,
    CircuitOpen,
    FetchError,
    TooLarge,
    TooManyRedirects,
)
from jobtracker.kit.http.guard import Allowlist, system_resolver
from jobtracker.kit.http.hosts import PROCESS_HOSTS, CircuitPolicy, HostStates

__all__ = [
    "PROCESS_HOSTS",
    "Allowlist",
    "BlockedAddress",
    "CircuitOpen",
    "CircuitPolicy",
    "ClientOptions",
    "FetchError",
    "FetchResult",
    "GuardedClient",
    "HostStates",
    "TooLarge",
    "TooManyRedirects",
    "system_resolver",
]
