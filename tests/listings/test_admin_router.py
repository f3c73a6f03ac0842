"""Sources and import runs through the admin API: validation, schedules, starting a run."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.helpers import Accounts

PROBLEM = "application/problem+json"


def add_source(client: TestClient, headers: dict[str, str], **fields: Any) -> Any:
    body = {"kind": "fake", "name": "Acme board", "config": {"board": "acme"}, **fields}
    return client.post("/api/ops/sources", json=body, headers=headers)


class TestSources:
    def test_an_admin_adds_lists_changes_and_deletes_a_source(
        self, client: TestClient, admin_headers: dict[str, str]
    ) -> None:
        created = add_source(client, admin_headers, every_minutes=60)
        assert created.status_code == 201, created.text
        source = created.json()
        assert (source["kind"], source["every_minutes"], source["enabled"]) == ("fake", 60, True)
        url = f"/api/ops/sources/{source['id']}"
        patched = client.patch(url, json={"cron": "0 */6 * * *"}, headers=admin_headers).json()
        assert (patched["cron"], patched["every_minutes"]) == ("0 */6 * * *", None)
        listed = client.get("/api/ops/sources", headers=admin_headers).json()
        assert [item["name"] for item in listed["items"]] == ["Acme board"]
        assert client.delete(url, headers=admin_headers).status_code == 204
        assert client.get(url, headers=admin_headers).status_code == 404

    @pytest.mark.parametrize(
        ("fields", "location"),
        [
            ({"kind": "myspace"}, ["body", "kind"]),
            ({"config": {}}, ["body", "config", "board"]),
            ({"config": {"board": "acme", "base_url": "ftp://x"}}, ["body", "config", "base_url"]),
            ({"config": {"board": "acme", "colour": "red"}}, ["body", "config", "colour"]),
            ({"cron": "every tuesday"}, ["body", "cron"]),
            ({"every_minutes": 1}, ["body", "every_minutes"]),
        ],
    )
    def test_an_invalid_source_is_422_naming_the_field(
        self,
        client: TestClient,
        admin_headers: dict[str, str],
        fields: dict[str, Any],
        location: list[str],
    ) -> None:
        response = add_source(client, admin_headers, **fields)
        assert response.status_code == 422, response.text
        assert response.headers["content-type"] == PROBLEM
        assert location in [error["loc"] for error in response.json()["errors"]]

    def test_two_sources_cannot_share_a_name(
        self, client: TestClient, admin_headers: dict[str, str]
    ) -> None:
        add_source(client, admin_headers)
        assert add_source(client, admin_headers).status_code == 409

    def test_only_admins_may_see_sources(self, client: TestClient, accounts: Accounts) -> None:
        user = accounts.create()
        assert client.get("/api/ops/sources").status_code == 401
        assert client.get("/api/ops/sources", headers=user.headers).status_code == 403
        assert add_source(client, user.headers).status_code == 403


class TestStartingARun:
    def test_import_now_answers_202_with_a_queued_run(
        self, client: TestClient, admin_headers: dict[str, str]
    ) -> None:
        source = add_source(client, admin_headers).json()
        started = client.post(f"/api/ops/sources/{source['id']}/import", headers=admin_headers)
        assert started.status_code == 202
        run_id = started.json()["run_id"]
        run = client.get(f"/api/ops/imports/{run_id}", headers=admin_headers).json()
        assert (run["status"], run["trigger"], run["source_id"]) == (
            "queued", "manual", source["id"],
        )  # fmt: skip
        listed = client.get(
            f"/api/ops/imports?source_id={source['id']}&status=queued", headers=admin_headers
        ).json()
        assert [item["id"] for item in listed["items"]] == [run_id]

    def test_a_second_import_while_one_is_queued_returns_the_same_run(
        self, client: TestClient, admin_headers: dict[str, str]
    ) -> None:
        source = add_source(client, admin_headers).json()
        url = f"/api/ops/sources/{source['id']}/import"
        first = client.post(url, headers=admin_headers).json()
        second = client.post(url, headers=admin_headers).json()
        assert first["run_id"] == second["run_id"]


class TestRunsStream:
    def test_runs_in_progress_stream_with_their_counters(
        self, settings: Any, engine: Any, committed: Any
    ) -> None:
        from jobtracker.listings.models import ImportRun, RunStatus, Source, Trigger
        from jobtracker.main import create_app
        from jobtracker.users.service import User
        from tests.streams import next_data

        with committed.begin() as session:
            source = Source(kind="fake", name="Streamed", config={"board": "s"})
            session.add(source)
            session.flush()
            session.add(ImportRun(source_id=source.id, trigger=Trigger.SCHEDULE,
                                  status=RunStatus.RUNNING, fetched=1200, new=40))  # fmt: skip
        app = create_app(settings, engine=engine, session_factory=committed)
        with TestClient(app) as api:
            account = Accounts(api).create("Stream Admin")
            with committed.begin() as session:
                session.get(User, account.id).role = "admin"
            with api.stream("GET", "/api/ops/imports/stream", headers=account.headers) as stream:
                event = next_data(stream.iter_lines())
        assert event["type"] == "imports"
        [run] = event["runs"]
        assert (run["status"], run["fetched"], run["new"]) == ("running", 1200, 40)
