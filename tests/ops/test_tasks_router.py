"""Dead letters and queue figures through the admin API, with tasks really running."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, update
from sqlalchemy.orm import Session, sessionmaker

from jobtracker.config import Settings
from jobtracker.main import create_app
from jobtracker.tasks.enqueue import enqueue
from jobtracker.users.models import User
from tests.helpers import Accounts
from tests.streams import next_data
from tests.tasks.test_engine import CALLS, flaky, slow, status_of, wait_for


@pytest.fixture
def api(
    settings: Settings, engine: Engine, committed: sessionmaker[Session], worker: object
) -> Iterator[TestClient]:
    app = create_app(settings, engine=engine, session_factory=committed)
    with TestClient(app) as client:
        yield client


@pytest.fixture
def admin_headers(api: TestClient, committed: sessionmaker[Session]) -> dict[str, str]:
    account = Accounts(api).create("Ops Admin")
    with committed.begin() as session:
        session.execute(update(User).where(User.id == account.id).values(role="admin"))
    return account.headers


def dead_letter(committed: sessionmaker[Session], failures: int = 99) -> tuple[str, str]:
    key = uuid.uuid4().hex
    with committed.begin() as session:
        task_id = enqueue(session, flaky, key, failures, False)
    wait_for(lambda: status_of(task_id) == "ERROR")
    return key, task_id


class TestDeadLetters:
    def test_failed_task_is_listed_with_inputs_error_and_attempts(
        self, api: TestClient, admin_headers: dict[str, str], committed: sessionmaker[Session]
    ) -> None:
        key, task_id = dead_letter(committed)
        page = api.get("/api/dlq", headers=admin_headers).json()
        assert page["total"] == 1
        letter = page["items"][0]
        assert letter["id"] == task_id
        assert letter["task"] == "tests.flaky"
        assert letter["queue"] == "interactive"
        assert letter["inputs"] == [key, 99, False]
        assert letter["attempts"] == 3
        assert "busy" in letter["error"]
        assert letter["requeues"] == []

    def test_filters_by_task_and_queue(
        self, api: TestClient, admin_headers: dict[str, str], committed: sessionmaker[Session]
    ) -> None:
        dead_letter(committed)
        assert api.get("/api/dlq?task=tests.flaky", headers=admin_headers).json()["total"] == 1
        assert api.get("/api/dlq?task=other", headers=admin_headers).json()["total"] == 0
        assert api.get("/api/dlq?queue=imports", headers=admin_headers).json()["total"] == 0

    def test_requeue_runs_again_and_the_record_shows_how_it_ended(
        self, api: TestClient, admin_headers: dict[str, str], committed: sessionmaker[Session]
    ) -> None:
        key, task_id = dead_letter(committed, failures=3)  # the 4th call, after requeue, works
        response = api.post(f"/api/dlq/{task_id}/requeue", headers=admin_headers)
        assert response.status_code == 200
        new_id = response.json()["requeued"][0]["task_id"]
        assert new_id != task_id
        wait_for(lambda: status_of(new_id) == "SUCCESS")
        letter = api.get(f"/api/dlq/{task_id}", headers=admin_headers).json()
        [requeue] = letter["requeues"]
        assert (requeue["task_id"], requeue["status"]) == (new_id, "SUCCESS")
        assert requeue["requeued_at"] is not None
        assert CALLS[key] == ["attempt"] * 4

    def test_bulk_requeue_with_an_unknown_id_is_404_and_requeues_nothing(
        self, api: TestClient, admin_headers: dict[str, str], committed: sessionmaker[Session]
    ) -> None:
        _, task_id = dead_letter(committed)
        body = {"ids": [task_id, "no-such-task"]}
        response = api.post("/api/dlq/requeue", json=body, headers=admin_headers)
        assert response.status_code == 404
        assert response.json()["type"] == "/problems/not-found"
        assert api.get(f"/api/dlq/{task_id}", headers=admin_headers).json()["requeues"] == []

    def test_delete_removes_the_dead_letter(
        self, api: TestClient, admin_headers: dict[str, str], committed: sessionmaker[Session]
    ) -> None:
        _, task_id = dead_letter(committed)
        assert api.delete(f"/api/dlq/{task_id}", headers=admin_headers).status_code == 204
        assert api.get(f"/api/dlq/{task_id}", headers=admin_headers).status_code == 404
        assert api.get("/api/dlq", headers=admin_headers).json()["total"] == 0

    def test_unknown_ids_are_404(self, api: TestClient, admin_headers: dict[str, str]) -> None:
        assert api.post("/api/dlq/nope/requeue", headers=admin_headers).status_code == 404
        assert api.delete("/api/dlq/nope", headers=admin_headers).status_code == 404

    def test_a_successful_task_is_not_a_dead_letter(
        self, api: TestClient, admin_headers: dict[str, str], committed: sessionmaker[Session]
    ) -> None:
        with committed.begin() as session:
            task_id = enqueue(session, flaky, uuid.uuid4().hex, 0, False)
        wait_for(lambda: status_of(task_id) == "SUCCESS")
        assert api.get(f"/api/dlq/{task_id}", headers=admin_headers).status_code == 404

    def test_non_admin_gets_403(self, api: TestClient) -> None:
        user = Accounts(api).create("Plain User")
        for method, path in [("get", "/api/dlq"), ("post", "/api/dlq/x/requeue"),
                             ("delete", "/api/dlq/x"), ("get", "/api/ops/queues")]:  # fmt: skip
            response = api.request(method, path, headers=user.headers)
            assert response.status_code == 403, path
            assert response.json()["type"] == "/problems/forbidden"


class TestTimedOutTask:
    def test_is_a_dead_letter_that_names_its_time_limit(
        self, api: TestClient, admin_headers: dict[str, str], committed: sessionmaker[Session]
    ) -> None:
        with committed.begin() as session:
            task_id = enqueue(session, slow, 5.0)
        wait_for(lambda: status_of(task_id) == "CANCELLED", seconds=10)
        letter = api.get(f"/api/dlq/{task_id}", headers=admin_headers).json()
        assert letter["task"] == "tests.slow"
        assert "time limit" in letter["error"]


class TestQueueFigures:
    def test_figures_count_completed_and_failed_work_per_queue(
        self, api: TestClient, admin_headers: dict[str, str], committed: sessionmaker[Session]
    ) -> None:
        dead_letter(committed)
        with committed.begin() as session:
            task_id = enqueue(session, flaky, uuid.uuid4().hex, 0, False)
        wait_for(lambda: status_of(task_id) == "SUCCESS")
        overview = api.get("/api/ops/queues", headers=admin_headers).json()
        interactive = next(q for q in overview["queues"] if q["queue"] == "interactive")
        assert interactive["completed_last_minute"] >= 1
        assert interactive["failed_last_minute"] == 1
        assert interactive["waiting"] == 0
        assert {q["queue"] for q in overview["queues"]} >= {"interactive", "notifications"}
        assert any(e["executor_id"] == "pytest-0" for e in overview["executors"])

    def test_probe_runs_on_a_worker(self, api: TestClient, admin_headers: dict[str, str]) -> None:
        started = api.post("/api/ops/probes", json={"seconds": 0}, headers=admin_headers)
        assert started.status_code == 202
        probe_id = started.json()["probe_id"]
        done = wait_for(
            lambda: api.get(f"/api/ops/probes/{probe_id}", headers=admin_headers).json()[
                "completed_count"
            ]
        )
        assert done == 1

    def test_stream_sends_the_figures_as_events(
        self, api: TestClient, admin_headers: dict[str, str]
    ) -> None:
        with api.stream("GET", "/api/ops/queues/stream", headers=admin_headers) as response:
            assert response.headers["content-type"].startswith("text/event-stream")
            lines = response.iter_lines()
            first = next_data(lines)
        assert first["type"] == "queues"
        assert {q["queue"] for q in first["queues"]} >= {"interactive", "imports"}
