"""The sign-up, log-in and log-out pages through real HTTP requests, as a browser sends them."""

from __future__ import annotations

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from jobtracker.config import Settings, SignupMode
from jobtracker.main import create_app
from tests.helpers import PASSWORD, Accounts
from tests.pages import HTML, alert_text, cookie_header, log_in, sign_up, submit

BAD_TOKENS = pytest.mark.parametrize("token", [None, "not-the-token"], ids=["missing", "wrong"])


def _csrf_fields(token: str | None) -> dict[str, str]:
    return {} if token is None else {"csrf_token": token}


def _can_log_in(client: TestClient, email: str, password: str = PASSWORD) -> bool:
    body = {"email": email, "password": password}
    return client.post("/api/auth/login", json=body).status_code == 200


class TestSignUp:
    def test_page_has_the_form_and_sets_the_csrf_cookie(self, client: TestClient) -> None:
        page = client.get("/signup")
        assert page.status_code == 200
        assert 'name="csrf_token"' in page.text
        assert 'name="full_name"' in page.text
        cookie = cookie_header(page, "jobtracker_csrf")
        assert "HttpOnly" in cookie
        assert "samesite=lax" in cookie.lower()

    def test_signup_sets_the_session_cookie_and_goes_to_profile(self, client: TestClient) -> None:
        response = sign_up(client, "Ada Lovelace", "ada@example.com")
        assert response.status_code == 303
        assert response.headers["location"] == "/profile"
        cookie = cookie_header(response, "jobtracker_session")
        assert "HttpOnly" in cookie
        assert "samesite=lax" in cookie.lower()
        profile = client.get("/profile")
        assert profile.status_code == 200
        assert "Ada Lovelace" in profile.text

    def test_weak_password_shows_the_rule_and_keeps_what_was_typed(
        self, client: TestClient
    ) -> None:
        response = sign_up(client, "Ada Lovelace", "ada@example.com", password="1234567890")
        assert response.status_code == 422
        assert alert_text(response.text) == "Password must not be only digits."
        assert 'value="Ada Lovelace"' in response.text
        assert 'value="ada@example.com"' in response.text
        assert "jobtracker_session" not in response.headers.get("set-cookie", "")
        assert not _can_log_in(client, "ada@example.com", "1234567890")

    def test_short_password_shows_the_length_rule(self, client: TestClient) -> None:
        response = sign_up(client, "Ada Lovelace", "ada@example.com", password="short")
        assert response.status_code == 422
        assert "at least 10 characters" in alert_text(response.text)

    def test_duplicate_email_shows_a_message_and_keeps_what_was_typed(
        self, client: TestClient, accounts: Accounts
    ) -> None:
        accounts.create(email="grace@example.com")
        response = sign_up(client, "Grace Again", "GRACE@example.com")
        assert response.status_code == 409
        assert alert_text(response.text) == "An account with this email already exists."
        assert 'value="Grace Again"' in response.text
        assert 'value="GRACE@example.com"' in response.text
        assert "jobtracker_session" not in response.headers.get("set-cookie", "")

    def test_invalid_email_shows_a_message(self, client: TestClient) -> None:
        response = sign_up(client, "Ada Lovelace", "not-an-email")
        assert response.status_code == 422
        assert alert_text(response.text).startswith("Email:")

    def test_signed_in_visitor_is_sent_to_profile(self, client: TestClient) -> None:
        sign_up(client, "Ada Lovelace", "ada@example.com")
        response = client.get("/signup", follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"] == "/profile"

    @BAD_TOKENS
    def test_post_without_the_right_csrf_token_is_refused_and_creates_nothing(
        self, client: TestClient, token: str | None
    ) -> None:
        client.get("/signup")  # the browser holds a CSRF cookie, the form lacks its token
        fields = {"full_name": "Eve", "email": "eve@example.com", "password": PASSWORD}
        response = client.post(
            "/signup", data=fields | _csrf_fields(token), headers=HTML, follow_redirects=False
        )
        assert response.status_code == 403
        assert "The form expired" in response.text
        assert "jobtracker_session" not in response.headers.get("set-cookie", "")
        assert not _can_log_in(client, "eve@example.com")


class TestClosedSignUp:
    @pytest.fixture
    def closed_client(
        self, settings: Settings, engine: Engine, session_factory: sessionmaker[Session]
    ) -> TestClient:
        closed = settings.model_copy(update={"signup": SignupMode.CLOSED})
        return TestClient(create_app(closed, engine=engine, session_factory=session_factory))

    def test_page_says_signup_is_closed(self, closed_client: TestClient) -> None:
        page = closed_client.get("/signup")
        assert page.status_code == 200
        assert "Sign-up is closed" in page.text
        assert 'name="password"' not in page.text

    def test_post_is_refused_and_creates_nothing(self, closed_client: TestClient) -> None:
        fields = {"full_name": "Eve", "email": "eve@example.com", "password": PASSWORD}
        # The closed page has no form; a token from another page gets the post past CSRF.
        response = submit(closed_client, "/login", "/signup", fields)
        assert response.status_code == 403
        assert "closed" in alert_text(response.text)
        assert not _can_log_in(closed_client, "eve@example.com")


class TestLogIn:
    def test_login_sets_the_session_cookie_and_goes_to_profile(
        self, client: TestClient, accounts: Accounts
    ) -> None:
        account = accounts.create("Grace Hopper")
        response = log_in(client, account.email)
        assert response.status_code == 303
        assert response.headers["location"] == "/profile"
        cookie = cookie_header(response, "jobtracker_session")
        assert "HttpOnly" in cookie
        assert "samesite=lax" in cookie.lower()
        assert "Grace Hopper" in client.get("/profile").text

    def test_login_returns_to_the_page_asked_for(
        self, client: TestClient, accounts: Accounts
    ) -> None:
        account = accounts.create()
        page = client.get("/login?next=/people")
        assert 'name="next" value="/people"' in page.text
        response = log_in(client, account.email, next_path="/people")
        assert response.headers["location"] == "/people"

    @pytest.mark.parametrize("target", ["//evil.com", "https://evil.com/", "/\\evil.com"])
    def test_next_never_leads_off_site(
        self, client: TestClient, accounts: Accounts, target: str
    ) -> None:
        account = accounts.create()
        response = log_in(client, account.email, next_path=target)
        assert response.status_code == 303
        assert response.headers["location"] == "/profile"

    def test_page_drops_an_off_site_next(self, client: TestClient) -> None:
        page = client.get("/login?next=//evil.com")
        assert 'name="next" value="/"' in page.text
        assert "evil.com" not in page.text

    def test_wrong_password_shows_a_message_and_keeps_the_email(
        self, client: TestClient, accounts: Accounts
    ) -> None:
        account = accounts.create()
        response = log_in(client, account.email, password="not the password")
        assert response.status_code == 401
        assert alert_text(response.text) == "The email or password is wrong."
        assert f'value="{account.email}"' in response.text
        assert "jobtracker_session" not in response.headers.get("set-cookie", "")

    def test_unknown_email_shows_the_same_message(self, client: TestClient) -> None:
        response = log_in(client, "nobody@example.com")
        assert response.status_code == 401
        assert alert_text(response.text) == "The email or password is wrong."

    def test_sixth_wrong_try_is_throttled_with_429(
        self, client: TestClient, accounts: Accounts
    ) -> None:
        account = accounts.create()
        for _ in range(5):
            assert log_in(client, account.email, password="wrong password").status_code == 401
        response = log_in(client, account.email, password="wrong password")
        assert response.status_code == 429
        assert int(response.headers["retry-after"]) > 0
        assert alert_text(response.text) == "Too many failed logins; try again later."
        # Even the right password waits now.
        assert log_in(client, account.email).status_code == 429

    def test_signed_in_visitor_is_sent_on(self, client: TestClient, accounts: Accounts) -> None:
        account = accounts.create()
        log_in(client, account.email)
        response = client.get("/login?next=/people", follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"] == "/people"

    @BAD_TOKENS
    def test_post_without_the_right_csrf_token_is_refused_and_signs_nobody_in(
        self, client: TestClient, accounts: Accounts, token: str | None
    ) -> None:
        account = accounts.create()
        client.get("/login")
        fields = {"email": account.email, "password": PASSWORD} | _csrf_fields(token)
        response = client.post("/login", data=fields, headers=HTML, follow_redirects=False)
        assert response.status_code == 403
        assert "jobtracker_session" not in response.headers.get("set-cookie", "")
        assert client.get("/profile", follow_redirects=False).status_code == 303


class TestLogOut:
    def test_logout_clears_the_cookie_and_profile_then_asks_to_log_in(
        self, client: TestClient, accounts: Accounts
    ) -> None:
        account = accounts.create()
        log_in(client, account.email)
        response = _log_out(client)
        assert response.status_code == 303
        assert response.headers["location"] == "/login"
        assert "Max-Age=0" in cookie_header(response, "jobtracker_session")
        assert "jobtracker_session" not in client.cookies
        profile = client.get("/profile", follow_redirects=False)
        assert profile.status_code == 303
        assert profile.headers["location"] == "/login?next=/profile"

    def test_logout_ends_the_session_on_the_server(
        self, client: TestClient, accounts: Accounts
    ) -> None:
        account = accounts.create()
        log_in(client, account.email)
        stolen = client.cookies["jobtracker_session"]
        _log_out(client)
        client.cookies.set("jobtracker_session", stolen)
        assert client.get("/profile", follow_redirects=False).status_code == 303

    @BAD_TOKENS
    def test_post_without_the_right_csrf_token_is_refused_and_keeps_the_session(
        self, client: TestClient, accounts: Accounts, token: str | None
    ) -> None:
        account = accounts.create("Grace Hopper")
        log_in(client, account.email)
        response = client.post(
            "/logout", data=_csrf_fields(token), headers=HTML, follow_redirects=False
        )
        assert response.status_code == 403
        assert "jobtracker_session" not in response.headers.get("set-cookie", "")
        assert "Grace Hopper" in client.get("/profile").text


def _log_out(client: TestClient) -> httpx.Response:
    return submit(client, "/profile", "/logout", {})
