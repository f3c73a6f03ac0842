"""Accounts through the HTTP API: register, login, refresh rotation, reuse detection, logout."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.helpers import PASSWORD, Accounts


class TestRegister:
    def test_register_returns_the_user(self, client: TestClient) -> None:
        body = {"email": "Ada@Example.com", "password": PASSWORD, "full_name": "Ada Lovelace"}
        response = client.post("/api/auth/register", json=body)
        assert response.status_code == 201
        assert response.json()["email"] == "Ada@example.com"  # the domain is normalised
        assert response.json()["role"] == "user"
        assert "password" not in response.text

    def test_duplicate_email_in_any_case_is_409(self, client: TestClient, accounts: Accounts) -> None:
        accounts.create(email="grace@example.com")
        body = {"email": "GRACE@example.com", "password": PASSWORD, "full_name": "Grace"}
        response = client.post("/api/auth/register", json=body)
        assert response.status_code == 409
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["type"] == "/problems/conflict"
