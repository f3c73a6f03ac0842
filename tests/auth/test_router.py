"""Accounts through the HTTP API: register, login, refresh rotation, reuse detection, logout,
throttling and the access token itself."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from itertools import count
from typing import Any

import jwt
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from jobtracker.auth.tokens import AUDIENCE
from jobtracker.config import Settings, SignupMode
from jobtracker.main import create_app
from tests.helpers import PASSWORD, Accounts

PROBLEM = "application/problem+json"
_numbers = count(1)


def register(client: TestClient, email: str, password: str = PASSWORD) -> Any:
    body = {"email": email, "password": password, "full_name": "Someone"}
    return client.post("/api/auth/register", json=body)


def registered(client: TestClient, email: str | None = None) -> tuple[uuid.UUID, str]:
    """An account that is only registered, for scenarios that log in by themselves."""
    email = email or f"auth{next(_numbers)}@example.com"
    response = register(client, email)
    assert response.status_code == 201, response.text
    return uuid.UUID(response.json()["id"]), email


def login(client: TestClient, email: str, password: str) -> Any:
    return client.post("/api/auth/login", json={"email": email, "password": password})


def refresh(client: TestClient, token: str) -> Any:
    return client.post("/api/auth/refresh", json={"refresh_token": token})


def profile_with(client: TestClient, access_token: str) -> Any:
    return client.get("/api/user/profile", headers={"Authorization": f"Bearer {access_token}"})


class TestRegister:
    def test_register_returns_the_user(self, client: TestClient) -> None:
        body = {"email": "Ada@Example.com", "password": PASSWORD, "full_name": "Ada Lovelace"}
        response = client.post("/api/auth/register", json=body)
        assert response.status_code == 201
        assert response.json()["email"] == "Ada@example.com"  # the domain is normalised
        assert response.json()["full_name"] == "Ada Lovelace"
        assert response.json()["role"] == "user"
        assert "password" not in response.text

    def test_duplicate_email_in_any_case_is_409(
        self, client: TestClient, accounts: Accounts
    ) -> None:
        registered(client, "grace@example.com")
        response = register(client, "GRACE@example.com")
        assert response.status_code == 409
        assert response.headers["content-type"] == PROBLEM
        assert response.json()["type"] == "/problems/conflict"

    @pytest.mark.parametrize(
        ("email", "password", "rule"),
        [
            ("short@example.com", "Sh0rt!pw", "too_short"),
            ("digits@example.com", "12345678901234", "only_digits"),
            ("same.as.email@example.com", "same.as.email@example.com", "equals_email"),
        ],
    )
    def test_weak_password_is_422_naming_the_rule(
        self, client: TestClient, email: str, password: str, rule: str
    ) -> None:
        response = register(client, email, password)
        assert response.status_code == 422
        assert response.headers["content-type"] == PROBLEM
        problem = response.json()
        assert problem["type"] == "/problems/validation-error"
        assert problem["errors"] == [
            {"loc": ["body", "password"], "msg": problem["detail"], "type": rule}
        ]

    def test_weak_password_creates_no_account(self, client: TestClient) -> None:
        assert register(client, "later@example.com", "short").status_code == 422
        assert register(client, "later@example.com").status_code == 201

    def test_closed_signup_is_403(
        self, settings: Settings, engine: Engine, session_factory: sessionmaker[Session]
    ) -> None:
        closed = settings.model_copy(update={"signup": SignupMode.CLOSED})
        app = create_app(closed, engine=engine, session_factory=session_factory)
        with TestClient(app) as client:
            response = register(client, "closed@example.com")
            assert response.status_code == 403
            assert response.headers["content-type"] == PROBLEM
            assert response.json()["type"] == "/problems/signup-closed"
            assert login(client, "closed@example.com", PASSWORD).status_code == 401


class TestLogin:
    def test_login_returns_a_bearer_token_pair(
        self, client: TestClient, settings: Settings
    ) -> None:
        user_id, email = registered(client)
        response = login(client, email, PASSWORD)
        assert response.status_code == 200
        tokens = response.json()
        assert set(tokens) == {"access_token", "refresh_token", "token_type", "expires_in"}
        assert tokens["token_type"] == "bearer"
        assert tokens["expires_in"] == 900
        claims = jwt.decode(
            tokens["access_token"], settings.secret_key, algorithms=["HS256"], audience=AUDIENCE
        )
        assert claims["sub"] == str(user_id)
        assert claims["exp"] - claims["iat"] == 900
        assert tokens["refresh_token"] != tokens["access_token"]

    def test_access_token_opens_the_api(self, client: TestClient, accounts: Accounts) -> None:
        account = accounts.create()
        response = profile_with(client, account.access_token)
        assert response.status_code == 200
        assert response.json()["id"] == str(account.id)

    def test_email_is_case_insensitive(self, client: TestClient) -> None:
        registered(client, "mixed.case@example.com")
        assert login(client, "Mixed.Case@EXAMPLE.com", PASSWORD).status_code == 200

    def test_wrong_password_and_unknown_email_get_the_same_401(self, client: TestClient) -> None:
        _, email = registered(client)
        wrong_password = login(client, email, "not the password at all")
        unknown_email = login(client, "nobody@example.com", "not the password at all")
        assert wrong_password.status_code == unknown_email.status_code == 401
        assert wrong_password.headers["content-type"] == PROBLEM
        assert wrong_password.headers["www-authenticate"] == "Bearer"
        assert unknown_email.headers["www-authenticate"] == "Bearer"
        body, other = wrong_password.json(), unknown_email.json()
        body.pop("instance"), other.pop("instance")
        assert body == other
        assert body["type"] == "/problems/invalid-credentials"


class TestPasswordForm:
    def test_password_form_logs_in(self, client: TestClient) -> None:
        _, email = registered(client)
        form = {"username": email, "password": PASSWORD}
        response = client.post("/api/auth/token", data=form)
        assert response.status_code == 200
        assert response.json()["token_type"] == "bearer"
        assert profile_with(client, response.json()["access_token"]).status_code == 200

    def test_password_form_with_wrong_password_is_401(self, client: TestClient) -> None:
        _, email = registered(client)
        form = {"username": email, "password": "not the password at all"}
        response = client.post("/api/auth/token", data=form)
        assert response.status_code == 401
        assert response.json()["type"] == "/problems/invalid-credentials"


class TestRefresh:
    def test_refresh_returns_a_new_pair(self, client: TestClient, accounts: Accounts) -> None:
        account = accounts.create()
        response = refresh(client, account.refresh_token)
        assert response.status_code == 200
        tokens = response.json()
        assert tokens["token_type"] == "bearer"
        assert tokens["expires_in"] == 900
        assert tokens["refresh_token"] != account.refresh_token
        assert profile_with(client, tokens["access_token"]).status_code == 200

    def test_rotated_refresh_token_stops_working(
        self, client: TestClient, accounts: Accounts
    ) -> None:
        account = accounts.create()
        assert refresh(client, account.refresh_token).status_code == 200
        response = refresh(client, account.refresh_token)
        assert response.status_code == 401
        assert response.headers["content-type"] == PROBLEM
        assert response.headers["www-authenticate"] == "Bearer"
        assert response.json()["type"] == "/problems/invalid-refresh-token"

    def test_reused_refresh_token_revokes_the_newest_of_its_family(
        self, client: TestClient, accounts: Accounts
    ) -> None:
        account = accounts.create()
        newest = refresh(client, account.refresh_token).json()["refresh_token"]
        assert refresh(client, account.refresh_token).status_code == 401  # the thief, or us
        assert refresh(client, newest).status_code == 401

    def test_reuse_leaves_other_logins_working(
        self, client: TestClient, accounts: Accounts
    ) -> None:
        account = accounts.create()
        other_device = accounts.login(account.email, PASSWORD)["refresh_token"]
        refresh(client, account.refresh_token)
        refresh(client, account.refresh_token)
        assert refresh(client, other_device).status_code == 200

    def test_unknown_refresh_token_is_401(self, client: TestClient) -> None:
        response = refresh(client, "not-a-token-we-ever-issued")
        assert response.status_code == 401
        assert response.json()["type"] == "/problems/invalid-refresh-token"


class TestLogout:
    def test_logout_revokes_the_token_family(self, client: TestClient, accounts: Accounts) -> None:
        account = accounts.create()
        newest = refresh(client, account.refresh_token).json()["refresh_token"]
        response = client.post("/api/auth/logout", json={"refresh_token": newest})
        assert response.status_code == 204
        assert response.content == b""
        assert refresh(client, newest).status_code == 401

    def test_logout_leaves_other_logins_working(
        self, client: TestClient, accounts: Accounts
    ) -> None:
        account = accounts.create()
        other_device = accounts.login(account.email, PASSWORD)["refresh_token"]
        client.post("/api/auth/logout", json={"refresh_token": account.refresh_token})
        assert refresh(client, other_device).status_code == 200

    def test_logout_with_an_unknown_token_is_204(self, client: TestClient) -> None:
        response = client.post("/api/auth/logout", json={"refresh_token": "never-issued"})
        assert response.status_code == 204


class TestThrottling:
    def fail(self, client: TestClient, email: str, times: int = 5) -> None:
        for _ in range(times):
            assert login(client, email, "not the password at all").status_code == 401

    def test_sixth_attempt_is_429_even_with_the_right_password(self, client: TestClient) -> None:
        _, email = registered(client)
        self.fail(client, email)
        response = login(client, email, PASSWORD)
        assert response.status_code == 429
        assert response.headers["content-type"] == PROBLEM
        assert response.json()["type"] == "/problems/too-many-requests"
        assert 0 < int(response.headers["retry-after"]) <= 900

    def test_unknown_email_is_throttled_like_a_known_one(self, client: TestClient) -> None:
        self.fail(client, "nobody@example.com")
        response = login(client, "nobody@example.com", "not the password at all")
        assert response.status_code == 429

    def test_other_account_is_not_throttled(self, client: TestClient) -> None:
        (_, throttled), (_, other) = registered(client), registered(client)
        self.fail(client, throttled)
        assert login(client, other, PASSWORD).status_code == 200

    def test_other_address_is_not_throttled(self, client: TestClient, app: FastAPI) -> None:
        _, email = registered(client)
        self.fail(client, email)
        with TestClient(app, client=("203.0.113.7", 50000)) as elsewhere:
            assert login(elsewhere, email, PASSWORD).status_code == 200

    def test_success_before_the_limit_clears_the_count(self, client: TestClient) -> None:
        _, email = registered(client)
        self.fail(client, email, times=4)
        assert login(client, email, PASSWORD).status_code == 200
        self.fail(client, email, times=1)  # the fifth failure, had the success not counted
        assert login(client, email, PASSWORD).status_code == 200


class TestAccessToken:
    def forge(self, user_id: uuid.UUID, *, key: str, expires_in: timedelta) -> str:
        now = datetime.now(UTC)
        claims = {
            "sub": str(user_id),
            "role": "user",
            "aud": AUDIENCE,
            "iat": now - timedelta(minutes=20),
            "exp": now + expires_in,
        }
        return jwt.encode(claims, key, algorithm="HS256")

    def assert_rejected(self, client: TestClient, token: str) -> None:
        response = profile_with(client, token)
        assert response.status_code == 401
        assert response.headers["content-type"] == PROBLEM
        assert response.headers["www-authenticate"] == "Bearer"
        assert response.json()["type"] == "/problems/unauthorized"

    def test_token_signed_with_the_server_key_is_accepted(
        self, client: TestClient, settings: Settings
    ) -> None:
        user_id, _ = registered(client)
        token = self.forge(user_id, key=settings.secret_key, expires_in=timedelta(minutes=5))
        assert profile_with(client, token).status_code == 200

    def test_expired_token_is_401(self, client: TestClient, settings: Settings) -> None:
        user_id, _ = registered(client)
        token = self.forge(user_id, key=settings.secret_key, expires_in=-timedelta(minutes=1))
        self.assert_rejected(client, token)

    def test_token_signed_with_another_key_is_401(self, client: TestClient) -> None:
        user_id, _ = registered(client)
        other_key = "another-key-that-is-long-enough-for-hs256"
        self.assert_rejected(
            client, self.forge(user_id, key=other_key, expires_in=timedelta(minutes=5))
        )

    def test_garbage_token_is_401(self, client: TestClient) -> None:
        self.assert_rejected(client, "not.a.jwt")

    def test_token_of_an_unknown_user_is_401(self, client: TestClient, settings: Settings) -> None:
        token = self.forge(uuid.uuid4(), key=settings.secret_key, expires_in=timedelta(minutes=5))
        self.assert_rejected(client, token)

    def test_missing_token_is_401(self, client: TestClient) -> None:
        response = client.get("/api/user/profile")
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == "Bearer"
