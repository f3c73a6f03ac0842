"""Which failures are worth another attempt. Transient: the peer may recover (connection errors,
timeouts, HTTP 408/429/5xx, SMTP 4xx, an open circuit). Permanent: trying again cannot help
(validation, other HTTP 4xx, SMTP 5xx, an address refused, a body too large, a redirect loop)."""

from __future__ import annotations

import email.utils
import smtplib
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
from pydantic import ValidationError

from jobtracker.kit.http import BlockedAddress, CircuitOpen, TooLarge, TooManyRedirects

RETRYABLE_HTTP = {408, 429}
# Errors of the guarded HTTP client that the same request would meet again.
PERMANENT_FETCH = (BlockedAddress, TooLarge, TooManyRedirects)
PERMANENT_BUILTIN = (ValidationError, ValueError, TypeError, KeyError)


class TransientError(Exception):
    """Raise from a step when a later attempt may succeed; `retry_after` in seconds if known."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message, retry_after)
        self.message = message
        self.retry_after = retry_after

    def __str__(self) -> str:
        return self.message


class PermanentError(Exception):
    """Raise from a step when no attempt can succeed; the task fails at once."""


class TaskFailed(Exception):
    """A task's step gave up: the error, how many attempts it took, and whether it was permanent."""

    def __init__(self, message: str, attempts: int, permanent: bool) -> None:
        super().__init__(message, attempts, permanent)
        self.message = message
        self.attempts = attempts
        self.permanent = permanent

    def __str__(self) -> str:
        kind = "permanent error" if self.permanent else f"gave up after {self.attempts} attempts"
        return f"{self.message} ({kind})"


@dataclass(frozen=True)
class Verdict:
    transient: bool
    retry_after: float | None = None


def classify(error: BaseException) -> Verdict:
    """Decide whether an error is worth retrying, and how long the peer asked us to wait."""
    if isinstance(error, (TransientError, CircuitOpen)):
        return Verdict(True, error.retry_after)
    if isinstance(error, (PermanentError, *PERMANENT_FETCH, *PERMANENT_BUILTIN)):
        return Verdict(False)
    if isinstance(error, httpx.HTTPStatusError):
        return _http_verdict(error.response)
    if isinstance(error, smtplib.SMTPResponseException):
        return Verdict(400 <= error.smtp_code < 500)
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        return Verdict(all(400 <= code < 500 for code in codes))
    # Connection errors, timeouts and anything unknown: a bounded number of attempts, then a
    # dead letter that an operator can requeue.
    return Verdict(True)


def _http_verdict(response: httpx.Response) -> Verdict:
    status = response.status_code
    if status in RETRYABLE_HTTP or status >= 500:
        return Verdict(True, retry_after_seconds(response.headers.get("retry-after")))
    return Verdict(False)


def retry_after_seconds(value: str | None) -> float | None:
    """Retry-After as seconds, or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
