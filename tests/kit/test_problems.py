"""The error shapes and request plumbing every route shares: problem+json, body limit, ids."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

PROBLEM = "application/problem+json"
MIB = 1024 * 1024


def padded_logout_body(size: int) -> bytes:
    """A valid JSON body of exactly `size` bytes (whitespace is legal JSON padding)."""
    body = b'{"refresh_token": "never-issued"}'
    return body[:-1] + b" " * (size - len(body)) + b"}"


class TestValidationProblems:
    def test_every_invalid_field_is_listed_with_its_path(self, client: TestClient) -> None:
        body = {"email": "not-an-email", "full_name": ""}
        response = client.post("/api/auth/register", json=body)
        assert response.status_code == 422
        assert response.headers["content-type"] == PROBLEM
        problem = response.json()
        assert problem["type"] == "/problems/validation-error"
        assert problem["status"] == 422
        assert problem["instance"] == "/api/auth/register"
        locations = sorted(error["loc"] for error in problem["errors"])
        assert locations == [["body", "email"], ["body", "full_name"], ["body", "password"]]
        assert all(error["msg"] and error["type"] for error in problem["errors"])

    def test_unknown_field_is_refused(self, client: TestClient) -> None:
        body = {"refresh_token": "x", "admin": True}
        response = client.post("/api/auth/logout", json=body)
        assert response.status_code == 422
        assert [error["loc"] for error in response.json()["errors"]] == [["body", "admin"]]

    def test_malformed_json_is_422(self, client: TestClient) -> None:
        response = client.post(
            "/api/auth/login", content=b'{"email": ', headers={"content-type": "application/json"}
        )
        assert response.status_code == 422
        assert response.headers["content-type"] == PROBLEM
        assert response.json()["type"] == "/problems/validation-error"


class TestBodyLimit:
    def test_body_over_one_mib_is_413(self, client: TestClient) -> None:
        response = client.post(
            "/api/auth/logout",
            content=padded_logout_body(MIB + 1),
            headers={"content-type": "application/json"},
        )
        assert response.status_code == 413
        assert response.headers["content-type"] == PROBLEM
        assert response.json()["type"] == "/problems/payload-too-large"

    def test_streamed_body_over_one_mib_is_413(self, client: TestClient) -> None:
        def chunks() -> Iterator[bytes]:
            body = padded_logout_body(MIB + 1)
            for start in range(0, len(body), 64 * 1024):
                yield body[start : start + 64 * 1024]

        response = client.post(
            "/api/auth/logout", content=chunks(), headers={"content-type": "application/json"}
        )
        assert "content-length" not in response.request.headers
        assert response.status_code == 413
        assert response.headers["content-type"] == PROBLEM
        assert response.json()["type"] == "/problems/payload-too-large"

    def test_body_of_exactly_one_mib_is_accepted(self, client: TestClient) -> None:
        response = client.post(
            "/api/auth/logout",
            content=padded_logout_body(MIB),
            headers={"content-type": "application/json"},
        )
        assert response.status_code == 204


class TestHttpProblems:
    @pytest.mark.parametrize("accept", ["application/json", "text/html", "*/*"])
    def test_unknown_api_route_is_404(self, client: TestClient, accept: str) -> None:
        response = client.get("/api/no/such/thing", headers={"accept": accept})
        assert response.status_code == 404
        assert response.headers["content-type"] == PROBLEM
        problem = response.json()
        assert problem["type"] == "/problems/not-found"
        assert problem["status"] == 404
        assert problem["instance"] == "/api/no/such/thing"

    def test_wrong_method_is_405(self, client: TestClient) -> None:
        response = client.delete("/api/auth/login")
        assert response.status_code == 405
        assert response.headers["content-type"] == PROBLEM
        assert response.json()["type"] == "/problems/method-not-allowed"
        assert response.headers["allow"] == "POST"


class TestRequestId:
    def test_incoming_request_id_is_echoed(self, client: TestClient) -> None:
        response = client.get("/healthz", headers={"X-Request-ID": "abc-123.def_456"})
        assert response.headers["x-request-id"] == "abc-123.def_456"

    def test_request_id_is_generated_when_none_is_sent(self, client: TestClient) -> None:
        first, second = client.get("/healthz"), client.get("/healthz")
        assert re.fullmatch(r"[0-9a-f]{32}", first.headers["x-request-id"])
        assert first.headers["x-request-id"] != second.headers["x-request-id"]

    @pytest.mark.parametrize("sent", ["a" * 300, "two words", "<script>"])
    def test_unsafe_request_id_is_replaced(self, client: TestClient, sent: str) -> None:
        response = client.get("/healthz", headers={"X-Request-ID": sent})
        assert re.fullmatch(r"[0-9a-f]{32}", response.headers["x-request-id"])

    def test_error_responses_carry_the_request_id(self, client: TestClient) -> None:
        response = client.get("/api/user/profile", headers={"X-Request-ID": "trace-401"})
        assert response.status_code == 401
        assert response.headers["x-request-id"] == "trace-401"
