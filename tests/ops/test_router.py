"""Health, readiness, metrics and the API description."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from jobtracker.config import Settings
from jobtracker.main import create_app
from tests.helpers import Accounts

CONTRACT = {
    "/api/auth/register": {"post"},
    "/api/auth/login": {"post"},
    "/api/auth/token": {"post"},
    "/api/auth/refresh": {"post"},
    "/api/auth/logout": {"post"},
    "/api/user/profile": {"get", "put", "patch"},
    "/api/users": {"get"},
    "/api/users/{user_id}": {"get"},
    "/api/user/favorites": {"get"},
    "/api/user/favorites/{user_id}": {"put", "delete"},
    "/healthz": {"get"},
    "/readyz": {"get"},
}


@contextmanager
def app_on(database_url: str, data_dir: Path) -> Iterator[TestClient]:
    """The app on a database of its own (not the migrated test database)."""
    settings = Settings(
        data_dir=data_dir, database_url=database_url, secret_key="k" * 40, log_level="WARNING"
    )
    app = create_app(settings)
    with TestClient(app) as client:
        yield client
    app.state.engine.dispose()


class TestHealth:
    def test_healthz_is_200(self, client: TestClient) -> None:
        response = client.get("/healthz")
        assert response.status_code == 200
        assert response.json() == {"status": "ok"}


class TestReadiness:
    def test_migrated_database_is_ready(self, settings: Settings, engine: Engine) -> None:
        # Not the `client` fixture: its open test transaction holds SQLite's write lock, and
        # /readyz checks on a connection of its own.
        with TestClient(create_app(settings, engine=engine)) as client:
            response = client.get("/readyz")
        assert response.status_code == 200
        assert response.json()["status"] == "ok"

    def test_database_behind_the_migrations_is_503(self, tmp_path: Path) -> None:
        with app_on(f"sqlite:///{tmp_path / 'empty.db'}", tmp_path) as client:
            response = client.get("/readyz")
        assert response.status_code == 503
        assert response.json() == {"status": "unavailable", "database": "migrations pending"}

    def test_unreachable_database_is_503(self, tmp_path: Path) -> None:
        missing = tmp_path / "no-such-folder" / "jobtracker.db"
        with app_on(f"sqlite:///{missing}", tmp_path) as client:
            response = client.get("/readyz")
        assert response.status_code == 503
        assert response.json()["status"] == "unavailable"


class TestMetrics:
    def test_requests_are_counted_by_route_template(
        self, client: TestClient, accounts: Accounts
    ) -> None:
        viewer = accounts.create()
        unknown = uuid.uuid4()
        assert client.get(f"/api/users/{unknown}", headers=viewer.headers).status_code == 404
        client.get(f"/no/such/page/{unknown}")
        response = client.get("/metrics")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/plain")
        text = response.text
        assert (
            'jobtracker_http_requests_total{method="GET",route="/api/users/{user_id}",status="404"}'
            in text
        )
        assert str(unknown) not in text

    def test_latency_histogram_is_exposed(self, client: TestClient) -> None:
        client.get("/healthz")
        text = client.get("/metrics").text
        assert "# TYPE jobtracker_http_request_duration_seconds histogram" in text
        assert (
            'jobtracker_http_request_duration_seconds_bucket{le="0.005",method="GET",route="/healthz"}'
            in text
        )
        assert (
            'jobtracker_http_request_duration_seconds_count{method="GET",route="/healthz"}' in text
        )


class TestApiDescription:
    def test_openapi_lists_the_contract_routes(self, client: TestClient) -> None:
        response = client.get("/openapi.json")
        assert response.status_code == 200
        paths = response.json()["paths"]
        for path, methods in CONTRACT.items():
            assert methods <= set(paths.get(path, {})), path

    def test_docs_page_is_served(self, client: TestClient) -> None:
        response = client.get("/docs")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/html")
        assert "/openapi.json" in response.text
