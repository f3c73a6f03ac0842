"""The notifications page, its nav badge and the settings form, through real HTTP requests."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from jobtracker.notifications import service
from jobtracker.notifications.schemas import NotificationKind
from tests.helpers import Account, Accounts, csrf_from
from tests.pages import HTML, HTMX, log_in, submit

BAD_TOKENS = pytest.mark.parametrize("token", [None, "not-the-token"], ids=["missing", "wrong"])


@pytest.fixture
def me(client: TestClient, accounts: Accounts) -> Account:
    """The signed-in user of the browser (the `client`)."""
    account = accounts.create("Nora Reader")
    assert log_in(client, account.email).status_code == 303
    return account


def tell(session: Session, account: Account, title: str, body: str = "...") -> uuid.UUID:
    notification = service.notify(
        session, user_id=account.id, kind=NotificationKind.SYSTEM, title=title, body=body,
        link="/profile",
    )  # fmt: skip
    assert notification is not None
    session.flush()
    return notification.id


def unread(client: TestClient, account: Account) -> int:
    page = client.get("/api/notifications", headers=account.headers).json()
    count: int = page["unread_count"]
    return count


def preferences(client: TestClient, account: Account) -> dict[str, Any]:
    items = client.get("/api/user/notification-preferences", headers=account.headers).json()
    return {item["kind"]: (item["email"], item["in_app"]) for item in items}


class TestNotificationsPage:
    def test_anonymous_visitor_is_sent_to_log_in(self, client: TestClient) -> None:
        response = client.get("/notifications", follow_redirects=False)
        assert response.headers["location"] == "/login?next=/notifications"

    def test_lists_my_notifications_with_their_links(
        self, client: TestClient, session: Session, me: Account
    ) -> None:
        tell(session, me, "Welcome aboard", "Fill in <your> profile.")
        page = client.get("/notifications")
        assert page.status_code == 200
        assert '<a href="/profile"><strong>Welcome aboard</strong></a>' in page.text
        assert "Fill in &lt;your&gt; profile." in page.text
        assert "Unread (1)" in page.text

    def test_without_notifications_says_so(self, client: TestClient, me: Account) -> None:
        assert "No notifications yet." in client.get("/notifications").text

    def test_unread_filter_shows_only_unread(
        self, client: TestClient, session: Session, me: Account
    ) -> None:
        read = tell(session, me, "Already read")
        tell(session, me, "Still new")
        service.mark_read(session, user_id=me.id, notification_id=read)
        session.flush()
        page = client.get("/notifications", params={"unread": "true"}).text
        assert "Still new" in page
        assert "Already read" not in page

    def test_nav_links_to_the_page_and_loads_the_unread_badge(
        self, client: TestClient, me: Account
    ) -> None:
        page = client.get("/profile").text
        assert re.search(
            r'<a href="/notifications"[^>]*>Notifications<span hx-get="/notifications/badge"', page
        )


class TestBadge:
    def test_shows_the_unread_count(
        self, client: TestClient, session: Session, me: Account
    ) -> None:
        tell(session, me, "One")
        tell(session, me, "Two")
        badge = client.get("/notifications/badge", headers=HTMX)
        assert '<span class="badge" aria-label="2 unread">2</span>' in badge.text

    def test_is_empty_when_all_is_read(self, client: TestClient, me: Account) -> None:
        assert client.get("/notifications/badge", headers=HTMX).text.strip() == ""


class TestMarkRead:
    def test_form_marks_it_read_and_returns_to_the_page(
        self, client: TestClient, session: Session, me: Account
    ) -> None:
        notification = tell(session, me, "Interview")
        action = f"/notifications/{notification}/read"
        response = submit(client, "/notifications", action, {})
        assert response.status_code == 303
        assert response.headers["location"] == "/notifications"
        assert unread(client, me) == 0

    def test_htmx_gets_the_item_back_without_its_button_and_a_badge_refresh(
        self, client: TestClient, session: Session, me: Account
    ) -> None:
        notification = tell(session, me, "Interview")
        token = csrf_from(client.get("/notifications").text)
        response = client.post(
            f"/notifications/{notification}/read", headers=HTMX | {"X-CSRF-Token": token}
        )
        assert response.status_code == 200
        assert f'id="notification-{notification}"' in response.text
        assert "Mark read" not in response.text
        assert response.headers["HX-Trigger"] == "notifications-changed"

    def test_another_user_s_notification_is_404(
        self, client: TestClient, session: Session, me: Account, accounts: Accounts
    ) -> None:
        owner = accounts.create()
        notification = tell(session, owner, "Private")
        response = submit(client, "/notifications", f"/notifications/{notification}/read", {})
        assert response.status_code == 404
        assert unread(client, owner) == 1

    @BAD_TOKENS
    def test_without_the_right_csrf_token_is_refused(
        self, client: TestClient, session: Session, me: Account, token: str | None
    ) -> None:
        notification = tell(session, me, "Interview")
        data = {} if token is None else {"csrf_token": token}
        response = client.post(
            f"/notifications/{notification}/read", data=data, headers=HTML, follow_redirects=False
        )
        assert response.status_code == 403
        assert unread(client, me) == 1


class TestMarkAllRead:
    def test_marks_everything_read(self, client: TestClient, session: Session, me: Account) -> None:
        tell(session, me, "One")
        tell(session, me, "Two")
        response = submit(client, "/notifications", "/notifications/read-all", {})
        assert response.status_code == 303
        assert unread(client, me) == 0

    def test_button_shows_only_when_something_is_unread(
        self, client: TestClient, session: Session, me: Account
    ) -> None:
        assert "Mark all read" not in client.get("/notifications").text
        tell(session, me, "One")
        assert "Mark all read" in client.get("/notifications").text


class TestSettingsForm:
    def test_shows_every_kind_with_its_current_choices(
        self, client: TestClient, me: Account
    ) -> None:
        page = client.get("/notifications").text
        for kind in NotificationKind:
            box = f'name="{kind.value}.email" value="1" aria-label="{kind.info.label} by email"'
            assert f"{box} checked" in page

    def test_unticked_boxes_turn_channels_off(self, client: TestClient, me: Account) -> None:
        ticked = {f"{kind.value}.email": "1" for kind in NotificationKind} | {
            "alert_match.in_app": "1"
        }
        response = submit(client, "/notifications", "/notifications/preferences", ticked)
        assert response.status_code == 303
        assert response.headers["location"] == "/notifications?saved=true#preferences"
        choices = preferences(client, me)
        assert choices["alert_match"] == (True, True)
        assert choices["system"] == (True, False)
        assert "Notification settings saved." in client.get(response.headers["location"]).text

    @BAD_TOKENS
    def test_without_the_right_csrf_token_is_refused(
        self, client: TestClient, me: Account, token: str | None
    ) -> None:
        data = {} if token is None else {"csrf_token": token}
        response = client.post(
            "/notifications/preferences", data=data, headers=HTML, follow_redirects=False
        )
        assert response.status_code == 403
        assert preferences(client, me)["system"] == (True, True)
