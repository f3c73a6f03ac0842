"""Which failures are retried, and how long a task waits before the next attempt."""

from __future__ import annotations

import smtplib
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from jobtracker.config import TaskPolicy
from jobtracker.kit.http import BlockedAddress, CircuitOpen, TooLarge, TooManyRedirects
from jobtracker.tasks.errors import PermanentError, TransientError, classify, retry_after_seconds
from jobtracker.tasks.retry import backoff_delay


def http_error(status: int, headers: dict[str, str] | None = None) -> httpx.HTTPStatusError:
    request = httpx.Request("GET", "https://board.example/jobs")
    response = httpx.Response(status, headers=headers, request=request)
    return httpx.HTTPStatusError("failed", request=request, response=response)


class TestClassify:
    @pytest.mark.parametrize("status", [408, 429, 500, 502, 503])
    def test_retryable_http_statuses_are_transient(self, status: int) -> None:
        assert classify(http_error(status)).transient

    @pytest.mark.parametrize("status", [400, 401, 403, 404, 410, 422])
    def test_other_client_errors_are_permanent(self, status: int) -> None:
        assert not classify(http_error(status)).transient

    def test_retry_after_of_a_429_is_kept(self) -> None:
        assert classify(http_error(429, {"Retry-After": "120"})).retry_after == 120

    def test_connection_errors_and_timeouts_are_transient(self) -> None:
        assert classify(httpx.ConnectError("refused")).transient
        assert classify(httpx.ReadTimeout("slow")).transient
        assert classify(ConnectionRefusedError()).transient

    def test_smtp_4xx_is_transient_and_5xx_permanent(self) -> None:
        assert classify(smtplib.SMTPResponseException(451, b"try later")).transient
        assert not classify(smtplib.SMTPResponseException(550, b"no such user")).transient

    def test_refused_recipients_follow_their_codes(self) -> None:
        refused = smtplib.SMTPRecipientsRefused({"a@example.com": (550, b"unknown")})
        assert not classify(refused).transient

    def test_validation_and_declared_errors(self) -> None:
        assert not classify(ValueError("bad feed")).transient
        assert not classify(PermanentError("gone")).transient
        assert classify(TransientError("busy", retry_after=3)).retry_after == 3

    @pytest.mark.parametrize("error", [BlockedAddress, TooLarge, TooManyRedirects])
    def test_guarded_client_refusals_are_permanent(self, error: type[BlockedAddress]) -> None:
        assert not classify(error("http://10.0.0.1/feed", "refused")).transient

    def test_an_open_circuit_is_transient_with_its_wait(self) -> None:
        verdict = classify(CircuitOpen("https://boards.example/jobs", "failing", 42.0))
        assert verdict.transient
        assert verdict.retry_after == 42.0


class TestRetryAfter:
    def test_seconds_and_http_dates_are_read(self) -> None:
        assert retry_after_seconds("30") == 30
        later = datetime.now(UTC) + timedelta(seconds=90)
        assert 80 < (retry_after_seconds(format_datetime(later, usegmt=True)) or 0) <= 90

    def test_unreadable_values_are_ignored(self) -> None:
        assert retry_after_seconds("soon") is None
        assert retry_after_seconds(None) is None


class TestBackoff:
    policy = TaskPolicy(first_delay_seconds=2, backoff=2, max_delay_seconds=60)

    def test_delay_grows_exponentially_with_jitter(self) -> None:
        for attempt, ceiling in [(1, 2), (2, 4), (3, 8), (4, 16)]:
            delays = {backoff_delay(self.policy, attempt, None) for _ in range(50)}
            assert all(ceiling / 2 <= delay <= ceiling for delay in delays)
            assert len(delays) > 1  # jittered: a fleet does not retry in lockstep

    def test_delay_never_passes_the_maximum(self) -> None:
        assert backoff_delay(self.policy, 20, None) <= 60

    def test_a_peers_retry_after_is_honoured(self) -> None:
        assert backoff_delay(self.policy, 1, 30) == 30
        assert backoff_delay(self.policy, 1, 3600) == 60  # but capped by the policy
