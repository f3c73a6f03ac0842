"""The errors of the guarded client. HTTP error statuses are not among them: those raise
`httpx.HTTPStatusError`, and connection errors and timeouts stay `httpx.TransportError`, so that
the task engine classifies them as it classifies any other HTTP peer's."""

from __future__ import annotations


class FetchError(Exception):
    """A fetch refused or stopped by the client itself; `url` is the address concerned."""

    def __init__(self, url: str, message: str) -> None:
        super().__init__(url, message)
        self.url = url
        self.message = message

    def __str__(self) -> str:
        return f"{self.url}: {self.message}"


class BlockedAddress(FetchError):
    """Permanent: the address is not public (or not http/https) and not allow-listed."""


class TooLarge(FetchError):
    """Permanent: the body is larger than `max_response_bytes`."""


class TooManyRedirects(FetchError):
    """Permanent: more redirects than the client follows."""


class CircuitOpen(FetchError):
    """Transient: the host failed too often lately; no request was sent. Try again after
    `retry_after` seconds."""

    def __init__(self, url: str, message: str, retry_after: float) -> None:
        super().__init__(url, message)
        # The arguments again, so that the error survives pickling (the task engine stores it).
        self.args = (url, message, retry_after)
        self.retry_after = retry_after
