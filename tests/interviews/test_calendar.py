"""The calendar feed: a valid iCalendar document behind a secret, rotatable address."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from icalendar import Calendar, Event

from jobtracker.config import Settings
from tests.helpers import Account, Accounts
from tests.interviews.conftest import in_minutes, iso, schedule, use_settings

DAY = 24 * 60


@pytest.fixture
def me(accounts: Accounts) -> Account:
    return accounts.create("Ines Candidate")


def feed_path(client: TestClient, account: Account) -> str:
    """The path and query of the account's secret feed address (from its settings)."""
    url = client.get("/api/user/settings", headers=account.headers).json()["calendar_url"]
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def fetch(client: TestClient, account: Account) -> Calendar:
    response = client.get(feed_path(client, account))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def events_by_summary(calendar: Calendar) -> dict[str, Event]:
    return {str(event["SUMMARY"]): event for event in calendar.walk("VEVENT")}


class TestCalendarFeed:
    def test_feed_is_a_calendar_named_for_subscribers(
        self, client: TestClient, me: Account
    ) -> None:
        calendar = fetch(client, me)
        assert calendar["VERSION"] == "2.0"
        assert "Jobtracker" in str(calendar["PRODID"])
        assert calendar["X-WR-CALNAME"] == "Jobtracker interviews"
        assert calendar.refresh_interval == timedelta(hours=1)
        assert calendar["X-PUBLISHED-TTL"] == "PT1H"
        assert list(calendar.walk("VEVENT")) == []

    def test_each_interview_is_an_event_in_utc(
        self, client: TestClient, me: Account, settings: Settings
    ) -> None:
        use_settings(client, me, time_zone="Europe/Madrid")
        created = schedule(
            client, me, company="Acme", position="Backend Engineer", type="on_site",
            starts_at="2030-03-04T10:00", duration_minutes=90, location="Calle Mayor 1, Madrid",
            details="Meet Ana at the front desk",
        )  # fmt: skip
        [event] = fetch(client, me).walk("VEVENT")
        assert event["UID"] == f"{created['id']}@jobtracker"
        assert event["SUMMARY"] == "Interview: Backend Engineer at Acme"
        assert event.start == datetime(2030, 3, 4, 9, 0, tzinfo=UTC)
        assert event.end == datetime(2030, 3, 4, 10, 30, tzinfo=UTC)
        assert event["LOCATION"] == "Calle Mayor 1, Madrid"
        assert "On site" in event["DESCRIPTION"]
        assert "Meet Ana at the front desk" in event["DESCRIPTION"]
        assert event["URL"] == f"{settings.base_url}/interviews/{created['id']}"
        assert event["DTSTAMP"].dt.tzinfo is not None
        assert event["LAST-MODIFIED"].dt == datetime.fromisoformat(created["updated_at"]).replace(
            microsecond=0
        )

    def test_each_reminder_offset_is_an_alarm(self, client: TestClient, me: Account) -> None:
        use_settings(client, me, reminder_offsets_minutes=[DAY, 60, 15])
        schedule(client, me)
        [event] = fetch(client, me).walk("VEVENT")
        triggers = sorted(alarm["TRIGGER"].dt for alarm in event.walk("VALARM"))
        assert triggers == [timedelta(days=-1), timedelta(hours=-1), timedelta(minutes=-15)]
        assert {str(alarm["ACTION"]) for alarm in event.walk("VALARM")} == {"DISPLAY"}

    def test_interviews_from_the_last_90_days_onwards(
        self, client: TestClient, me: Account
    ) -> None:
        schedule(client, me, company="Old", starts_at=iso(in_minutes(-91 * DAY)))
        schedule(client, me, company="Recent", starts_at=iso(in_minutes(-89 * DAY)))
        schedule(client, me, company="Ahead", starts_at=iso(in_minutes(3 * DAY)))
        summaries = set(events_by_summary(fetch(client, me)))
        assert summaries == {
            "Interview: Backend Engineer at Recent",
            "Interview: Backend Engineer at Ahead",
        }

    def test_a_moved_interview_moves_in_the_feed(self, client: TestClient, me: Account) -> None:
        created = schedule(client, me, starts_at="2030-03-04T10:00:00Z")
        client.patch(
            f"/api/interviews/{created['id']}", json={"starts_at": "2030-03-05T12:00:00Z"},
            headers=me.headers,
        )  # fmt: skip
        [event] = fetch(client, me).walk("VEVENT")
        assert event.start == datetime(2030, 3, 5, 12, 0, tzinfo=UTC)

    def test_feed_shows_only_its_owner_s_interviews(
        self, client: TestClient, me: Account, accounts: Accounts
    ) -> None:
        other = accounts.create()
        schedule(client, me, company="Mine")
        schedule(client, other, company="Theirs")
        assert set(events_by_summary(fetch(client, me))) == {"Interview: Backend Engineer at Mine"}

    def test_text_is_escaped_not_injected(self, client: TestClient, me: Account) -> None:
        schedule(client, me, company="Acme; Inc, \\ Ltd", details="line one\nEND:VCALENDAR")
        [event] = fetch(client, me).walk("VEVENT")
        assert event["SUMMARY"] == "Interview: Backend Engineer at Acme; Inc, \\ Ltd"
        assert "line one\nEND:VCALENDAR" in event["DESCRIPTION"]


class TestCalendarToken:
    def test_needs_no_login(self, client: TestClient, me: Account) -> None:
        path = feed_path(client, me)
        assert "Authorization" not in client.headers
        assert client.get(path).status_code == 200

    @pytest.mark.parametrize(
        "token", ["", "nonsense", "0" * 32 + ".abc", "../../etc/passwd"],
        ids=["empty", "nonsense", "forged", "path"],
    )  # fmt: skip
    def test_a_bad_token_is_404(self, client: TestClient, token: str) -> None:
        response = client.get("/api/interviews/calendar.ics", params={"token": token})
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"

    def test_another_user_s_id_with_my_signature_is_404(
        self, client: TestClient, me: Account, accounts: Accounts
    ) -> None:
        other = accounts.create()
        _, signature = feed_path(client, me).split("token=")[1].split(".")
        response = client.get(
            "/api/interviews/calendar.ics", params={"token": f"{other.id.hex}.{signature}"}
        )
        assert response.status_code == 404

    def test_a_rotated_token_ends_the_old_address(self, client: TestClient, me: Account) -> None:
        old = feed_path(client, me)
        rotated: dict[str, Any] = client.post("/api/user/calendar-token", headers=me.headers).json()
        new = urlsplit(rotated["calendar_url"])
        assert client.get(old).status_code == 404
        assert client.get(f"{new.path}?{new.query}").status_code == 200
