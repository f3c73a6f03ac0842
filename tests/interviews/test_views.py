"""The interviews pages through real HTTP requests with a signed-in browser session."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from jobtracker.interviews import service
from jobtracker.kit import web
from jobtracker.users.models import User
from tests.helpers import Account, Accounts
from tests.interviews.conftest import in_minutes, iso, make_application, schedule, use_settings
from tests.pages import HTML, HTMX, alert_text, log_in, submit

FORM = {"company": "Acme", "position": "Backend Engineer", "date": "2030-03-04", "time": "10:00",
        "duration_minutes": "45", "type": "on_site", "location": "Calle Mayor 1",
        "details": "Ask for Ana", "outcome_notes": ""}  # fmt: skip


@pytest.fixture
def me(client: TestClient, accounts: Accounts) -> Account:
    """The signed-in user of the browser (the `client`), in Madrid."""
    account = accounts.create("Ines Candidate")
    use_settings(client, account, time_zone="Europe/Madrid")
    assert log_in(client, account.email).status_code == 303
    return account


def api_list(client: TestClient, account: Account) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = client.get("/api/interviews", headers=account.headers).json()[
        "items"
    ]
    return items


def text_of(page: str) -> str:
    """The page's text without markup, entities decoded, spaces collapsed."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


class TestInterviewsList:
    @pytest.mark.parametrize(
        "path",
        ["/interviews", "/interviews/new", "/interviews/0b5c3d36-8f0a-4a57-9e0b-1c2d3e4f5a6b"],
    )
    def test_anonymous_visitor_is_sent_to_log_in(self, client: TestClient, path: str) -> None:
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"] == f"/login?next={path}"

    def test_lists_my_interviews_in_my_time_zone(self, client: TestClient, me: Account) -> None:
        schedule(client, me, company="Acme", starts_at="2030-03-04T09:00:00Z", type="phone")
        page = client.get("/interviews")
        assert page.status_code == 200
        text = text_of(page.text)
        assert "Backend Engineer at Acme" in text
        assert "Mon 4 Mar 2030, 10:00 · Phone" in text
        assert "1 interview" in text

    def test_says_so_when_there_are_none(self, client: TestClient, me: Account) -> None:
        assert "No interviews yet." in client.get("/interviews").text

    def test_shows_my_calendar_address(self, client: TestClient, me: Account) -> None:
        url = client.get("/api/user/settings", headers=me.headers).json()["calendar_url"]
        page = client.get("/interviews").text
        assert f'value="{html.escape(url)}"' in page
        assert 'href="webcal://' in page

    def test_filters_by_days_in_my_time_zone_and_type(
        self, client: TestClient, me: Account
    ) -> None:
        schedule(client, me, company="Late call", starts_at="2030-03-04T23:30", type="phone")
        schedule(client, me, company="Next day", starts_at="2030-03-05T00:30", type="phone")
        schedule(client, me, company="Same day visit", starts_at="2030-03-04T12:00", type="on_site")
        params = {"from": "2030-03-04", "to": "2030-03-04", "type": "phone"}
        text = text_of(client.get("/interviews", params=params).text)
        assert "Late call" in text
        assert "Next day" not in text
        assert "Same day visit" not in text

    def test_type_checkboxes_take_several(self, client: TestClient, me: Account) -> None:
        schedule(client, me, company="Call", type="phone")
        schedule(client, me, company="Visit", type="on_site")
        schedule(client, me, company="Video", type="online")
        page = client.get("/interviews?type=phone&type=online").text
        text = text_of(page)
        assert "Call" in text and "Video" in text and "Visit" not in text
        assert 'name="type" value="phone" checked' in page
        assert 'name="type" value="on_site" >' in page

    def test_upcoming_hides_the_ones_that_are_over(self, client: TestClient, me: Account) -> None:
        schedule(client, me, company="Over", starts_at=iso(in_minutes(-300)))
        schedule(client, me, company="Ahead", starts_at=iso(in_minutes(300)))
        everything = text_of(client.get("/interviews").text)
        assert "Over" in everything and "past" in everything
        text = text_of(client.get("/interviews", params={"upcoming": "true"}).text)
        assert "Ahead" in text and "Over" not in text

    def test_empty_filters_from_the_form_show_everything(
        self, client: TestClient, me: Account
    ) -> None:
        schedule(client, me, company="Acme")
        page = client.get("/interviews", params={"from": "", "to": ""})
        assert page.status_code == 200
        assert "Backend Engineer at Acme" in text_of(page.text)

    def test_a_bad_date_or_range_is_said(self, client: TestClient, me: Account) -> None:
        page = client.get("/interviews", params={"from": "yesterday"})
        assert alert_text(page.text) == "From: not a date (YYYY-MM-DD)"
        page = client.get("/interviews", params={"from": "2030-03-05", "to": "2030-03-04"})
        assert alert_text(page.text) == "To: The last day is before the first."

    def test_htmx_gets_only_the_results(self, client: TestClient, me: Account) -> None:
        schedule(client, me, company="Acme", type="phone")
        response = client.get("/interviews", params={"type": "phone"}, headers=HTMX)
        assert response.status_code == 200
        assert "<html" not in response.text
        assert "Backend Engineer at Acme" in text_of(response.text)
        assert "HX-Request" in response.headers["vary"]

    def test_the_filter_form_works_without_javascript_and_with_htmx(
        self, client: TestClient, me: Account
    ) -> None:
        page = client.get("/interviews").text
        assert re.search(r'<form method="get" action="/interviews"[^>]*hx-get="/interviews"', page)
        assert 'hx-target="#interview-results"' in page

    def test_pages_keep_the_filters(self, client: TestClient, me: Account) -> None:
        for day in range(1, 23):
            schedule(client, me, company=f"C{day}", starts_at=f"2030-03-{day:02d}T10:00")
        page = client.get("/interviews", params={"type": "online", "from": "2030-03-01"}).text
        assert 'href="/interviews?from=2030-03-01&amp;type=online&amp;page=2"' in page
        second = text_of(client.get("/interviews?from=2030-03-01&type=online&page=2").text)
        assert "C21" in second and "C22" in second and "C1 " not in second

    def test_other_users_interviews_are_not_listed(
        self, client: TestClient, me: Account, accounts: Accounts
    ) -> None:
        schedule(client, accounts.create(), company="Secret Corp")
        assert "Secret Corp" not in client.get("/interviews").text


class TestNewInterview:
    def test_form_asks_for_date_and_time_in_my_time_zone(
        self, client: TestClient, me: Account
    ) -> None:
        page = client.get("/interviews/new").text
        assert 'type="date" name="date"' in page
        assert 'type="time" name="time"' in page
        assert "In your time zone, Europe/Madrid" in page

    def test_created_interview_is_read_in_my_time_zone(
        self, client: TestClient, me: Account
    ) -> None:
        response = submit(client, "/interviews/new", "/interviews", FORM)
        assert response.status_code == 303
        [interview] = api_list(client, me)
        assert response.headers["location"] == f"/interviews/{interview['id']}?saved=true"
        assert interview["starts_at"] == "2030-03-04T09:00:00Z"
        assert (interview["duration_minutes"], interview["type"]) == (45, "on_site")
        assert interview["outcome_notes"] is None
        page = text_of(client.get(response.headers["location"]).text)
        assert "Interview saved." in page
        assert "Mon 4 Mar 2030, 10:00 (Europe/Madrid), 45 minutes" in page

    def test_prefilled_from_my_application(
        self, client: TestClient, session: Session, me: Account
    ) -> None:
        application_id = make_application(session, me.id, "Northwind", "Data Engineer")
        page = client.get("/interviews/new", params={"application_id": str(application_id)}).text
        assert 'name="company" value="Northwind"' in page
        assert 'name="position" value="Data Engineer"' in page
        assert f'<option value="{application_id}" selected>' in page

    def test_another_user_s_application_is_404(
        self, client: TestClient, session: Session, me: Account, accounts: Accounts
    ) -> None:
        theirs = make_application(session, accounts.create().id, "Hidden Inc")
        page = client.get("/interviews/new", params={"application_id": str(theirs)}, headers=HTML)
        assert page.status_code == 404
        assert "Hidden Inc" not in page.text

    def test_linked_to_an_application_company_and_position_may_be_left_empty(
        self, client: TestClient, session: Session, me: Account
    ) -> None:
        application_id = make_application(session, me.id, "Northwind", "Data Engineer")
        data = FORM | {"application_id": str(application_id), "company": "", "position": ""}
        assert submit(client, "/interviews/new", "/interviews", data).status_code == 303
        [interview] = api_list(client, me)
        assert (interview["company"], interview["application_id"]) == (
            "Northwind",
            str(application_id),
        )

    @pytest.mark.parametrize(
        ("changes", "field", "message"),
        [
            ({"company": ""}, "company",
             "Company: Required unless the interview is linked to an application."),
            ({"time": ""}, "date", "Date and time: Field required"),
            ({"duration_minutes": "2"}, "duration_minutes",
             "Duration: Input should be greater than or equal to 5"),
            ({"date": "2030-03-31", "time": "02:30"}, "date",
             "Date and time: 2030-03-31 02:30 does not exist in Europe/Madrid"),
        ],
        ids=["company", "no-time", "duration", "skipped-time"],
    )  # fmt: skip
    def test_invalid_form_shows_the_message_at_the_field_and_keeps_the_values(
        self, client: TestClient, me: Account, changes: dict[str, str], field: str, message: str
    ) -> None:
        response = submit(client, "/interviews/new", "/interviews", FORM | changes)
        assert response.status_code == 422
        assert alert_text(response.text).startswith(message)
        assert re.search(rf'name="{field}"[^>]*aria-invalid="true"', response.text)
        assert f'id="{field}-error"' in response.text
        assert 'name="location" value="Calle Mayor 1"' in response.text
        assert api_list(client, me) == []

    def test_without_the_csrf_token_nothing_is_created(
        self, client: TestClient, me: Account
    ) -> None:
        response = client.post("/interviews", data=FORM, headers=HTML, follow_redirects=False)
        assert response.status_code == 403
        assert api_list(client, me) == []


class TestInterviewPage:
    def test_shows_the_details_in_local_time_with_reminders(
        self, client: TestClient, me: Account
    ) -> None:
        interview = schedule(
            client, me, starts_at="2030-07-01T18:30", location="https://meet.example.com/x",
            details="Panel of <three>",
        )  # fmt: skip
        page = client.get(f"/interviews/{interview['id']}").text
        text = text_of(page)
        assert "Backend Engineer at Acme" in text
        assert "Mon 1 Jul 2030, 18:30 (Europe/Madrid), 1 hour" in text
        assert "24 hours before (to come), 1 hour before (to come)" in text
        assert '<a href="https://meet.example.com/x" rel="noopener noreferrer"' in page
        assert "Panel of &lt;three&gt;" in page

    def test_a_location_that_is_not_a_web_address_is_not_a_link(
        self, client: TestClient, me: Account
    ) -> None:
        interview = schedule(client, me, location="javascript:alert(1)")
        page = client.get(f"/interviews/{interview['id']}").text
        assert 'href="javascript:' not in page
        assert "javascript:alert(1)" in page

    def test_links_to_its_application(
        self, client: TestClient, session: Session, me: Account
    ) -> None:
        application_id = make_application(session, me.id)
        interview = schedule(client, me, application_id=str(application_id))
        page = client.get(f"/interviews/{interview['id']}").text
        assert f'href="/applications/{application_id}"' in page

    def test_edit_form_holds_the_local_date_and_time(self, client: TestClient, me: Account) -> None:
        interview = schedule(client, me, starts_at="2030-07-01T18:30")
        page = client.get(f"/interviews/{interview['id']}").text
        assert 'name="date" value="2030-07-01"' in page
        assert 'name="time" value="18:30"' in page

    def test_saving_the_form_moves_the_interview(self, client: TestClient, me: Account) -> None:
        interview = schedule(client, me, starts_at="2030-07-01T18:30")
        path = f"/interviews/{interview['id']}"
        data = FORM | {"date": "2030-07-02", "time": "09:15", "outcome_notes": "Offer coming"}
        response = submit(client, path, path, data)
        assert response.status_code == 303
        assert response.headers["location"] == f"{path}?saved=true"
        saved = client.get(f"/api{path}", headers=me.headers).json()
        assert saved["starts_at"] == "2030-07-02T07:15:00Z"
        assert saved["outcome_notes"] == "Offer coming"

    def test_an_invalid_edit_is_shown_inline_and_changes_nothing(
        self, client: TestClient, me: Account
    ) -> None:
        interview = schedule(client, me)
        path = f"/interviews/{interview['id']}"
        response = submit(client, path, path, FORM | {"position": "x" * 201})
        assert response.status_code == 422
        assert alert_text(response.text).startswith("Position: String should have at most 200")
        assert client.get(f"/api{path}", headers=me.headers).json() == interview

    def test_delete_button_deletes_it(self, client: TestClient, me: Account) -> None:
        interview = schedule(client, me)
        path = f"/interviews/{interview['id']}"
        response = submit(client, path, f"{path}/delete", {})
        assert response.status_code == 303
        assert response.headers["location"] == "/interviews?deleted=true"
        assert "Interview deleted." in client.get(response.headers["location"]).text
        assert api_list(client, me) == []

    @pytest.mark.parametrize("action", ["", "/delete"])
    def test_another_user_s_interview_is_404(
        self, client: TestClient, me: Account, accounts: Accounts, action: str
    ) -> None:
        owner = accounts.create()
        theirs = schedule(client, owner, company="Secret Corp")
        path = f"/interviews/{theirs['id']}"
        assert client.get(path, headers=HTML).status_code == 404
        response = submit(client, "/interviews", f"{path}{action}", FORM)
        assert response.status_code == 404
        assert client.get(f"/api{path}", headers=owner.headers).json() == theirs


class TestForApplicationPartial:
    def test_renders_the_interviews_of_an_application(
        self, client: TestClient, session: Session, me: Account
    ) -> None:
        application_id = make_application(session, me.id)
        schedule(client, me, application_id=str(application_id), starts_at="2030-03-04T10:00")
        owner = session.get(User, me.id)
        assert owner is not None
        interviews = service.list_for_application(
            session, owner=owner, application_id=application_id
        )
        fragment = web.templates.get_template("interviews/_for_application.html").render(
            interviews=interviews, application_id=application_id
        )
        assert "Mon 4 Mar 2030, 10:00" in text_of(fragment)
        assert f'href="/interviews/{interviews[0].id}"' in fragment
        assert f'href="/interviews/new?application_id={application_id}"' in fragment

    def test_says_when_there_are_none(self) -> None:
        template = web.templates.get_template("interviews/_for_application.html")
        assert "No interviews yet." in template.render(interviews=[])
