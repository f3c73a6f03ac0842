"""Workspace settings: the API (`/api/user/settings`, the calendar token) and the /settings page
with its calendar address, the export download and the account's deletion, through real HTTP."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.helpers import PASSWORD, Account, Accounts, csrf_from
from tests.pages import HTML, alert_text, cookie_header, log_in, submit

PROBLEM = "application/problem+json"
DEFAULTS = {"time_zone": "UTC", "reminder_offsets_minutes": [1440, 60], "stale_after_days": 14}
SETTINGS_FORM = {"time_zone": "Europe/Madrid", "stale_after_days": "21"}
_CALENDAR_URL = re.compile(r'id="calendar-url" value="([^"]+)"')


def read(client: TestClient, account: Account) -> dict[str, Any]:
    response = client.get("/api/user/settings", headers=account.headers)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def put(client: TestClient, account: Account, **fields: Any) -> Any:
    return client.put("/api/user/settings", json=fields, headers=account.headers)


def error_locations(response: Any) -> list[list[Any]]:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM
    return [error["loc"] for error in response.json()["errors"]]


def save_form(client: TestClient, offsets: list[int], **fields: str) -> Any:
    """Post the settings form as a browser does: one `reminder_offsets_minutes` per ticked box."""
    token = csrf_from(client.get("/settings").text)
    data: dict[str, Any] = {"csrf_token": token, **SETTINGS_FORM, **fields}
    data["reminder_offsets_minutes"] = [str(minutes) for minutes in offsets]
    return client.post("/settings", data=data, follow_redirects=False)


def calendar_url_on_page(html: str) -> str:
    match = _CALENDAR_URL.search(html)
    assert match, "the page shows no calendar address"
    return match.group(1).replace("&amp;", "&")


@pytest.fixture
def owner(accounts: Accounts) -> Account:
    return accounts.create()


@pytest.fixture
def me(client: TestClient, accounts: Accounts) -> Account:
    """The signed-in user of the browser (the `client`)."""
    account = accounts.create("Sam Settings")
    assert log_in(client, account.email).status_code == 303
    return account


class TestSettingsApi:
    def test_a_new_account_has_the_defaults_and_a_calendar_address(
        self, client: TestClient, owner: Account
    ) -> None:
        settings = read(client, owner)
        assert {key: settings[key] for key in DEFAULTS} == DEFAULTS
        assert "/api/interviews/calendar.ics?token=" in settings["calendar_url"]

    def test_put_saves_all_three(self, client: TestClient, owner: Account) -> None:
        response = put(
            client, owner, time_zone="America/New_York", reminder_offsets_minutes=[2880, 30],
            stale_after_days=30,
        )  # fmt: skip
        assert response.status_code == 200, response.text
        settings = read(client, owner)
        assert settings["time_zone"] == "America/New_York"
        assert settings["reminder_offsets_minutes"] == [2880, 30]
        assert settings["stale_after_days"] == 30

    def test_put_replaces_the_whole_object(self, client: TestClient, owner: Account) -> None:
        put(
            client, owner, time_zone="Asia/Tokyo", reminder_offsets_minutes=[15], stale_after_days=3
        )
        assert put(client, owner, time_zone="Asia/Tokyo").status_code == 200
        settings = read(client, owner)
        assert settings["reminder_offsets_minutes"] == [1440, 60]
        assert settings["stale_after_days"] == 14

    def test_an_unknown_time_zone_is_422_naming_time_zone(
        self, client: TestClient, owner: Account
    ) -> None:
        response = put(client, owner, time_zone="Mars/Olympus_Mons")
        assert error_locations(response) == [["body", "time_zone"]]
        assert "not a known time zone" in response.json()["errors"][0]["msg"]
        assert read(client, owner)["time_zone"] == "UTC"

    @pytest.mark.parametrize(
        "offsets",
        [[0], [-60], [30 * 24 * 60 + 1], [10080, 2880, 1440, 180, 60, 30]],
        ids=["zero", "negative", "past-30-days", "six"],
    )
    def test_offsets_out_of_range_or_more_than_five_are_422(
        self, client: TestClient, owner: Account, offsets: list[int]
    ) -> None:
        response = put(client, owner, reminder_offsets_minutes=offsets)
        assert all(
            loc[:2] == ["body", "reminder_offsets_minutes"] for loc in error_locations(response)
        )
        assert read(client, owner)["reminder_offsets_minutes"] == [1440, 60]

    def test_duplicate_offsets_collapse_and_sort_longest_first(
        self, client: TestClient, owner: Account
    ) -> None:
        response = put(client, owner, reminder_offsets_minutes=[60, 1440, 60, 15, 1440])
        assert response.json()["reminder_offsets_minutes"] == [1440, 60, 15]
        assert read(client, owner)["reminder_offsets_minutes"] == [1440, 60, 15]

    def test_no_offsets_means_no_reminders(self, client: TestClient, owner: Account) -> None:
        put(client, owner, reminder_offsets_minutes=[])
        assert read(client, owner)["reminder_offsets_minutes"] == []

    @pytest.mark.parametrize("days", [1, 365])
    def test_stale_days_accept_one_to_365(
        self, client: TestClient, owner: Account, days: int
    ) -> None:
        assert put(client, owner, stale_after_days=days).status_code == 200
        assert read(client, owner)["stale_after_days"] == days

    @pytest.mark.parametrize("days", [0, 366, -1])
    def test_stale_days_outside_one_to_365_are_422(
        self, client: TestClient, owner: Account, days: int
    ) -> None:
        assert error_locations(put(client, owner, stale_after_days=days)) == [
            ["body", "stale_after_days"]
        ]

    def test_rotation_changes_the_calendar_address(
        self, client: TestClient, owner: Account
    ) -> None:
        before = read(client, owner)["calendar_url"]
        response = client.post("/api/user/calendar-token", headers=owner.headers)
        assert response.status_code == 200
        after = response.json()["calendar_url"]
        assert after != before
        assert read(client, owner)["calendar_url"] == after

    def test_each_user_has_their_own_settings(
        self, client: TestClient, accounts: Accounts, owner: Account
    ) -> None:
        other = accounts.create()
        put(client, other, time_zone="Europe/Berlin", stale_after_days=7)
        assert read(client, owner)["time_zone"] == "UTC"
        assert read(client, owner)["calendar_url"] != read(client, other)["calendar_url"]

    @pytest.mark.parametrize(
        ("method", "path"),
        [("GET", "/api/user/settings"), ("PUT", "/api/user/settings"),
         ("POST", "/api/user/calendar-token")],
    )  # fmt: skip
    def test_anonymous_gets_401(self, client: TestClient, method: str, path: str) -> None:
        response = client.request(method, path, json=DEFAULTS)
        assert response.status_code == 401
        assert response.headers["content-type"] == PROBLEM


class TestSettingsPage:
    @pytest.mark.parametrize("path", ["/settings", "/settings/export"])
    def test_anonymous_is_sent_to_log_in(self, client: TestClient, path: str) -> None:
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"] == f"/login?next={path}"

    def test_shows_my_current_settings(self, client: TestClient, me: Account) -> None:
        page = client.get("/settings")
        assert page.status_code == 200
        assert 'aria-current="page">Settings' in page.text
        assert 'name="time_zone" value="UTC"' in page.text
        assert '<option value="Europe/Madrid">' in page.text
        assert 'value="1440" checked> 1 day before' in page.text
        assert 'value="60" checked> 1 hour before' in page.text
        assert 'value="10080" > 1 week before' in page.text
        assert 'value="15" > 15 minutes before' in page.text
        assert 'name="stale_after_days" value="14"' in page.text

    def test_saving_changes_the_time_zone_and_reminders(
        self, client: TestClient, me: Account
    ) -> None:
        response = save_form(client, [10080, 180, 15])
        assert response.status_code == 303
        assert response.headers["location"] == "/settings?saved=true"
        assert read(client, me) | {"calendar_url": ""} == {
            "time_zone": "Europe/Madrid", "reminder_offsets_minutes": [10080, 180, 15],
            "stale_after_days": 21, "calendar_url": "",
        }  # fmt: skip
        page = client.get("/settings?saved=true")
        assert "Settings saved." in page.text
        assert 'name="time_zone" value="Europe/Madrid"' in page.text
        assert 'value="180" checked> 3 hours before' in page.text
        assert 'value="1440" > 1 day before' in page.text

    def test_ticking_no_reminder_turns_reminders_off(self, client: TestClient, me: Account) -> None:
        assert save_form(client, []).status_code == 303
        assert read(client, me)["reminder_offsets_minutes"] == []

    def test_an_offset_set_through_the_api_is_shown_and_kept(
        self, client: TestClient, me: Account
    ) -> None:
        put(client, me, reminder_offsets_minutes=[90])
        assert 'value="90" checked> 90 minutes before' in client.get("/settings").text
        save_form(client, [90, 60])
        assert read(client, me)["reminder_offsets_minutes"] == [90, 60]

    def test_an_unknown_time_zone_is_shown_inline_and_nothing_saved(
        self, client: TestClient, me: Account
    ) -> None:
        response = save_form(client, [60], time_zone="Europe/Atlantis")
        assert response.status_code == 422
        assert alert_text(response.text).startswith("Time zone: not a known time zone")
        assert 'value="Europe/Atlantis" list="time-zones"' in response.text
        assert 'aria-invalid="true"' in response.text
        assert read(client, me)["time_zone"] == "UTC"

    def test_more_than_five_reminders_are_refused_inline(
        self, client: TestClient, me: Account
    ) -> None:
        response = save_form(client, [10080, 2880, 1440, 180, 60, 30])
        assert response.status_code == 422
        assert "Reminders: List should have at most 5 items" in alert_text(response.text)
        # What was ticked stays ticked, for correcting.
        assert 'value="30" checked> 30 minutes before' in response.text
        assert read(client, me)["reminder_offsets_minutes"] == [1440, 60]

    @pytest.mark.parametrize("days", ["0", "366", "", "soon"])
    def test_stale_days_outside_the_range_are_refused_inline(
        self, client: TestClient, me: Account, days: str
    ) -> None:
        response = save_form(client, [60], stale_after_days=days)
        assert response.status_code == 422
        assert alert_text(response.text).startswith("Stale after:")
        assert read(client, me)["stale_after_days"] == 14

    def test_saving_without_the_csrf_token_is_refused(
        self, client: TestClient, me: Account
    ) -> None:
        data = {**SETTINGS_FORM, "reminder_offsets_minutes": "15"}
        response = client.post("/settings", data=data, headers=HTML, follow_redirects=False)
        assert response.status_code == 403
        assert read(client, me)["time_zone"] == "UTC"


class TestCalendarAddress:
    def test_the_page_shows_my_feed_address_read_only(
        self, client: TestClient, me: Account
    ) -> None:
        page = client.get("/settings")
        assert calendar_url_on_page(page.text) == read(client, me)["calendar_url"]
        assert "readonly" in page.text.split('id="calendar-url"')[1].split(">")[0]
        assert "Google Calendar" in page.text and "Apple Calendar" in page.text

    def test_new_address_replaces_the_old_one_with_a_warning(
        self, client: TestClient, me: Account
    ) -> None:
        old = read(client, me)["calendar_url"]
        assert "stops the old one from working" in client.get("/settings").text
        response = submit(client, "/settings", "/settings/calendar-token", {})
        assert response.status_code == 303
        assert response.headers["location"] == "/settings?rotated=true#calendar"
        page = client.get("/settings?rotated=true")
        assert "The old one no longer works." in page.text
        new = calendar_url_on_page(page.text)
        assert new != old
        assert read(client, me)["calendar_url"] == new


class TestExportDownload:
    def test_downloads_my_data_as_a_json_file_with_my_cookie(
        self, client: TestClient, me: Account
    ) -> None:
        assert 'href="/settings/export"' in client.get("/settings").text
        response = client.get("/settings/export")
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/json"
        assert re.fullmatch(
            r'attachment; filename="jobtracker-export-\d{4}-\d{2}-\d{2}\.json"',
            response.headers["content-disposition"],
        )
        document = json.loads(response.content)
        assert document["format"] == "jobtracker-export"
        assert document["profile"]["email"] == me.email
        assert document["settings"]["calendar_url"] == read(client, me)["calendar_url"]


class TestDeleteAccountForm:
    def test_wrong_password_shows_the_page_again_with_an_inline_error(
        self, client: TestClient, me: Account
    ) -> None:
        response = submit(client, "/settings", "/settings/delete-account", {"password": "nope"})
        assert response.status_code == 403
        assert alert_text(response.text) == "The password is wrong."
        assert 'name="time_zone" value="UTC"' in response.text  # the whole page, still usable
        assert client.get("/settings").status_code == 200  # still signed in
        assert read(client, me)["time_zone"] == "UTC"  # the account is still there

    def test_an_empty_password_asks_for_it(self, client: TestClient, me: Account) -> None:
        response = submit(client, "/settings", "/settings/delete-account", {"password": ""})
        assert response.status_code == 422
        assert alert_text(response.text) == "Enter your password."

    def test_the_right_password_deletes_the_account_and_logs_out(
        self, client: TestClient, me: Account
    ) -> None:
        response = submit(client, "/settings", "/settings/delete-account", {"password": PASSWORD})
        assert response.status_code == 303
        assert response.headers["location"] == "/"
        cleared = cookie_header(response, "jobtracker_session")
        assert 'jobtracker_session=""' in cleared and "Max-Age=0" in cleared
        home = client.get("/")
        assert 'href="/signup"' in home.text
        assert client.get("/settings", follow_redirects=False).status_code == 303
        assert client.get("/api/user/settings", headers=me.headers).status_code == 401
        login = client.post("/api/auth/login", json={"email": me.email, "password": PASSWORD})
        assert login.status_code == 401

    def test_deleting_without_the_csrf_token_is_refused(
        self, client: TestClient, me: Account
    ) -> None:
        data = {"password": PASSWORD}
        response = client.post("/settings/delete-account", data=data, headers=HTML)
        assert response.status_code == 403
        assert read(client, me)["time_zone"] == "UTC"
