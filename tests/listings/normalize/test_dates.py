"""Times in every form of feeds.md §10.5, as UTC with their precision."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from jobtracker.listings.normalize import parse_timestamp
from jobtracker.listings.schemas import Precision, Timestamp


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


class TestParseTimestamp:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            (1772000000000, utc(2026, 2, 25, 6, 13, 20)),  # Lever createdAt (ms)
            (1775492000000, utc(2026, 4, 6, 16, 13, 20)),  # Himalayas expiryDate (ms)
            (1772990000, utc(2026, 3, 8, 17, 13, 20)),  # RemoteOK epoch (s)
            (1772812800, utc(2026, 3, 6, 16, 0)),  # Arbeitnow created_at (s)
            ("1772812800", utc(2026, 3, 6, 16, 0)),  # ... typed as a string by some clients
            ("2026-03-04T09:12:44-05:00", utc(2026, 3, 4, 14, 12, 44)),  # Greenhouse
            ("2021-04-30T16:21:55.393+00:00", utc(2021, 4, 30, 16, 21, 55, 393000)),  # Ashby
            ("2026-03-10T14:22:05.117Z", utc(2026, 3, 10, 14, 22, 5, 117000)),  # SmartRecruiters
            ("2026-03-05T21:14:09.512000Z", utc(2026, 3, 5, 21, 14, 9, 512000)),  # The Muse
            ("2026-03-02T11:04:09", utc(2026, 3, 2, 11, 4, 9)),  # Remotive: naive is UTC
            ("2026-09-01 10:00:00 UTC", utc(2026, 9, 1, 10, 0)),  # Recruitee
            ("Mon, 09 Mar 2026 06:10:22 +0000", utc(2026, 3, 9, 6, 10, 22)),  # Jobicy RSS
            ("Tue, 03 Mar 2026 08:45:00 +0100", utc(2026, 3, 3, 7, 45)),  # Teamtailor
            ("Fri, 19 Dec 2014 22:49:39 GMT", utc(2014, 12, 19, 22, 49, 39)),  # Indeed (old)
            ("Thu, 05 Mar 2026 14:00:00 EST", utc(2026, 3, 5, 19, 0)),  # HigherEdJobs
            ("Tue, 03 Mar 2026 08:45:00 CET", utc(2026, 3, 3, 7, 45)),
            ("2026-04-30T23:59:59+02:00", utc(2026, 4, 30, 21, 59, 59)),  # JSON-LD validThrough
        ],
    )
    def test_moments_become_utc(self, value: str | int, expected: datetime) -> None:
        assert parse_timestamp(value) == Timestamp(expected, Precision.DATETIME)

    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("2026-02-03", utc(2026, 2, 3)),  # Workable published_on
            ("2026-03-01", utc(2026, 3, 1)),  # JSON-LD datePosted
            ("2026-04-30", utc(2026, 4, 30)),  # Indeed expirationdate
        ],
    )
    def test_a_date_alone_keeps_its_day(self, value: str, expected: datetime) -> None:
        timestamp = parse_timestamp(value, assume="America/Los_Angeles")
        assert timestamp == Timestamp(expected, Precision.DATE)

    def test_every_result_is_aware_utc(self) -> None:
        for value in ("2026-03-02T11:04:09", "Tue, 03 Mar 2026 08:45:00 +0100", 1772990000):
            timestamp = parse_timestamp(value)
            assert timestamp is not None and timestamp.value.utcoffset() is not None
            assert timestamp.value.tzinfo is UTC

    def test_a_naive_time_can_be_read_in_a_named_zone(self) -> None:
        timestamp = parse_timestamp("2026-03-02T11:04:09", assume="Europe/Berlin")
        assert timestamp is not None and timestamp.value == utc(2026, 3, 2, 10, 4, 9)

    @pytest.mark.parametrize(
        "value",
        ["garbage", "", "   ", None, 0, -5, "0000-00-00", "2026-02-30", "9999-12-31",
         "Tue, 03 Mar 2026", "next week", True],
    )  # fmt: skip
    def test_garbage_and_placeholders_are_none(self, value: str | int | None) -> None:
        assert parse_timestamp(value) is None
