"""Applications through the HTTP API: the pipeline, fields, filters, history, the bin, events."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from jobtracker.applications.schemas import ApplicationCreated, StatusUpdated
from jobtracker.kit.events import subscribe
from tests.helpers import Account, Accounts

PROBLEM = "application/problem+json"


def create(client: TestClient, account: Account, **fields: Any) -> dict[str, Any]:
    body = {"company": "Acme", "position": "Backend Engineer", **fields}
    response = client.post("/api/applications", json=body, headers=account.headers)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def listed(client: TestClient, account: Account, query: str = "") -> list[dict[str, Any]]:
    response = client.get(f"/api/applications?{query}", headers=account.headers)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


@pytest.fixture
def owner(accounts: Accounts) -> Account:
    return accounts.create()


class TestStatuses:
    def test_the_pipeline_is_listed_in_order_with_labels(self, client: TestClient) -> None:
        statuses = client.get("/api/statuses").json()
        assert [status["key"] for status in statuses] == [
            "saved", "applied", "interview", "offer", "rejected", "withdrawn",
        ]  # fmt: skip
        assert statuses[2]["label"] == "Interviewing"


class TestCreate:
    def test_a_new_application_is_saved_with_its_fields(
        self, client: TestClient, owner: Account
    ) -> None:
        created = create(
            client, owner, location="Berlin", salary="$120k\u2013150k",
            job_url="https://jobs.example.com/1", notes="Referred by Ana",
        )  # fmt: skip
        assert created["status"] == "saved"
        assert created["salary_parsed"] == {
            "min": 120000, "max": 150000, "currency": "USD", "period": "year",
        }  # fmt: skip
        assert created["applied_on"] is None and created["stale"] is False
        fetched = client.get(f"/api/applications/{created['id']}", headers=owner.headers)
        assert fetched.json()["notes"] == "Referred by Ana"

    @pytest.mark.parametrize(
        ("salary", "parsed"),
        [
            ("55.000 € brutto", {"min": 55000, "max": 55000, "currency": "EUR", "period": "year"}),
            ("45/hr", {"min": 45, "max": 45, "currency": None, "period": "hour"}),
            ("£40,000 - £45,000 p.a.", {"min": 40000, "max": 45000, "currency": "GBP",
                                        "period": "year"}),
            ("competitive", None),
        ],
    )  # fmt: skip
    def test_salary_is_kept_as_typed_and_parsed_when_it_can_be(
        self, client: TestClient, owner: Account, salary: str, parsed: Any
    ) -> None:
        created = create(client, owner, salary=salary)
        assert created["salary"] == salary
        assert created["salary_parsed"] == parsed

    def test_applying_sets_the_applied_date_to_today(
        self, client: TestClient, owner: Account
    ) -> None:
        assert create(client, owner, status="applied")["applied_on"] == date.today().isoformat()

    def test_a_given_applied_date_is_kept(self, client: TestClient, owner: Account) -> None:
        created = create(client, owner, status="applied", applied_on="2026-01-15")
        assert created["applied_on"] == "2026-01-15"

    @pytest.mark.parametrize(
        ("fields", "location"),
        [
            ({"company": ""}, ["body", "company"]),
            ({"position": "x" * 201}, ["body", "position"]),
            ({"job_url": "javascript:alert(1)"}, ["body", "job_url"]),
            ({"status": "hired"}, ["body", "status"]),
            ({"job_description": "é" * 60_000}, ["body", "job_description"]),
        ],
    )
    def test_invalid_fields_are_422_naming_the_field(
        self, client: TestClient, owner: Account, fields: dict[str, Any], location: list[str]
    ) -> None:
        body = {"company": "Acme", "position": "Dev", **fields}
        response = client.post("/api/applications", json=body, headers=owner.headers)
        assert response.status_code == 422
        assert response.headers["content-type"] == PROBLEM
        assert location in [error["loc"] for error in response.json()["errors"]]

    def test_a_description_of_100_kb_is_accepted(self, client: TestClient, owner: Account) -> None:
        created = create(client, owner, job_description="a" * 100 * 1024)
        assert len(created["job_description"]) == 100 * 1024


class TestUpdate:
    def test_patch_changes_only_the_fields_sent(self, client: TestClient, owner: Account) -> None:
        created = create(client, owner, location="Berlin")
        response = client.patch(
            f"/api/applications/{created['id']}", json={"notes": "Called"}, headers=owner.headers
        )
        assert response.json()["notes"] == "Called"
        assert response.json()["location"] == "Berlin"

    def test_put_replaces_the_whole_application(self, client: TestClient, owner: Account) -> None:
        created = create(client, owner, location="Berlin", salary="50k")
        body = {"company": "Acme", "position": "Lead", "status": "saved"}
        response = client.put(
            f"/api/applications/{created['id']}", json=body, headers=owner.headers
        )
        assert response.json()["position"] == "Lead"
        assert response.json()["location"] is None and response.json()["salary_parsed"] is None

    def test_patch_cannot_empty_a_required_field(self, client: TestClient, owner: Account) -> None:
        created = create(client, owner)
        response = client.patch(
            f"/api/applications/{created['id']}", json={"company": None}, headers=owner.headers
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["loc"] == ["body", "company"]

    def test_the_first_move_to_applied_sets_the_date_and_later_moves_keep_it(
        self, client: TestClient, owner: Account
    ) -> None:
        created = create(client, owner)
        url = f"/api/applications/{created['id']}"
        applied = client.patch(url, json={"status": "applied"}, headers=owner.headers).json()
        assert applied["applied_on"] == date.today().isoformat()
        client.patch(url, json={"applied_on": "2026-02-01"}, headers=owner.headers)
        moved = client.patch(url, json={"status": "interview"}, headers=owner.headers).json()
        assert moved["applied_on"] == "2026-02-01"


class TestHistory:
    def test_every_status_change_is_recorded_in_order(
        self, client: TestClient, owner: Account
    ) -> None:
        created = create(client, owner)
        url = f"/api/applications/{created['id']}"
        for status in ("applied", "interview", "offer"):
            client.patch(url, json={"status": status}, headers=owner.headers)
        client.patch(url, json={"notes": "no status change"}, headers=owner.headers)
        history = client.get(f"{url}/history", headers=owner.headers).json()
        moves = [(change["from_status"], change["to_status"]) for change in history]
        assert moves == [
            (None, "saved"), ("saved", "applied"), ("applied", "interview"), ("interview", "offer"),
        ]  # fmt: skip
        assert all(change["changed_at"].endswith(("Z", "+00:00")) for change in history)


class TestList:
    def test_filters_by_one_or_several_statuses(self, client: TestClient, owner: Account) -> None:
        create(client, owner, company="Saved Co")
        create(client, owner, company="Applied Co", status="applied")
        create(client, owner, company="Offer Co", status="offer")
        one = listed(client, owner, "status=applied")
        several = listed(client, owner, "status=applied&status=offer")
        assert [item["company"] for item in one] == ["Applied Co"]
        assert {item["company"] for item in several} == {"Applied Co", "Offer Co"}

    def test_search_matches_company_or_position_ignoring_case_and_accents(
        self, client: TestClient, owner: Account
    ) -> None:
        create(client, owner, company="Société Générale", position="Analyste")
        create(client, owner, company="Acme", position="Data Engineer")
        create(client, owner, company="Other", position="Cook")
        assert [i["company"] for i in listed(client, owner, "q=societe")] == ["Société Générale"]
        assert [i["company"] for i in listed(client, owner, "q=ENGIN")] == ["Acme"]
        assert [i["company"] for i in listed(client, owner, "q=té gén")] == ["Société Générale"]

    def test_like_wildcards_in_the_search_are_literal(
        self, client: TestClient, owner: Account
    ) -> None:
        create(client, owner, company="Axe")
        assert listed(client, owner, "q=a_e") == []
        assert listed(client, owner, "q=a%25e") == []

    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ("sort=company&order=asc", ["Alpha", "Beta", "Gamma"]),
            ("sort=company&order=desc", ["Gamma", "Beta", "Alpha"]),
            ("sort=applied_on&order=asc", ["Gamma", "Alpha", "Beta"]),
            ("sort=created&order=desc", ["Gamma", "Beta", "Alpha"]),
        ],
    )
    def test_sorts_in_either_direction(
        self, client: TestClient, owner: Account, query: str, expected: list[str]
    ) -> None:
        create(client, owner, company="Beta", status="applied", applied_on="2026-03-01")
        create(client, owner, company="Alpha", status="applied", applied_on="2026-02-01")
        create(client, owner, company="Gamma", status="applied", applied_on="2026-01-01")
        if "created" in query:  # created in this order: Beta, then Alpha, then Gamma
            expected = ["Gamma", "Alpha", "Beta"]
        assert [item["company"] for item in listed(client, owner, query)] == expected

    def test_lists_are_paginated_with_a_total(self, client: TestClient, owner: Account) -> None:
        for number in range(5):
            create(client, owner, company=f"Company {number}")
        page = client.get("/api/applications?limit=2&offset=4", headers=owner.headers).json()
        assert page["total"] == 5 and len(page["items"]) == 1 and page["limit"] == 2


class TestBin:
    def test_deleted_applications_leave_the_list_and_can_be_restored(
        self, client: TestClient, owner: Account
    ) -> None:
        created = create(client, owner)
        url = f"/api/applications/{created['id']}"
        assert client.delete(url, headers=owner.headers).status_code == 204
        assert listed(client, owner) == []
        assert client.get(url, headers=owner.headers).status_code == 404
        assert [item["id"] for item in listed(client, owner, "deleted=true")] == [created["id"]]
        restored = client.post(f"{url}/restore", headers=owner.headers)
        assert restored.status_code == 200 and restored.json()["deleted_at"] is None
        assert [item["id"] for item in listed(client, owner)] == [created["id"]]

    def test_restoring_a_live_application_is_404(self, client: TestClient, owner: Account) -> None:
        created = create(client, owner)
        url = f"/api/applications/{created['id']}/restore"
        assert client.post(url, headers=owner.headers).status_code == 404


class TestEvents:
    def test_creation_and_status_moves_raise_events_in_the_transaction(
        self, client: TestClient, owner: Account
    ) -> None:
        heard: list[object] = []

        @subscribe(ApplicationCreated)
        def created(session: Session, event: ApplicationCreated) -> None:
            heard.append(event)

        @subscribe(StatusUpdated)
        def moved(session: Session, event: StatusUpdated) -> None:
            heard.append(event)

        application = create(client, owner)
        url = f"/api/applications/{application['id']}"
        client.patch(url, json={"status": "applied"}, headers=owner.headers)
        client.patch(url, json={"notes": "x"}, headers=owner.headers)
        ours = [event for event in heard if getattr(event, "owner_id", None) == owner.id]
        assert [type(event).__name__ for event in ours] == ["ApplicationCreated", "StatusUpdated"]
        assert isinstance(ours[1], StatusUpdated) and ours[1].to_status == "applied"


PRIVATE_ROUTES = [
    ("GET", "/api/applications/{id}", None),
    ("PUT", "/api/applications/{id}", {"company": "X", "position": "Y", "status": "saved"}),
    ("PATCH", "/api/applications/{id}", {"notes": "x"}),
    ("DELETE", "/api/applications/{id}", None),
    ("GET", "/api/applications/{id}/history", None),
]


class TestAuthorisation:
    @pytest.mark.parametrize(("method", "path", "body"), PRIVATE_ROUTES)
    def test_owner_succeeds_another_user_gets_404_anonymous_gets_401(
        self, client: TestClient, accounts: Accounts, method: str, path: str, body: Any
    ) -> None:
        owner, other = accounts.create(), accounts.create()
        url = path.format(id=create(client, owner)["id"])
        anonymous = client.request(method, url, json=body)
        stranger = client.request(method, url, json=body, headers=other.headers)
        mine = client.request(method, url, json=body, headers=owner.headers)
        assert anonymous.status_code == 401
        assert stranger.status_code == 404 and stranger.headers["content-type"] == PROBLEM
        assert mine.status_code in (200, 204)

    def test_another_users_deleted_application_cannot_be_restored(
        self, client: TestClient, accounts: Accounts
    ) -> None:
        owner, other = accounts.create(), accounts.create()
        url = f"/api/applications/{create(client, owner)['id']}"
        client.delete(url, headers=owner.headers)
        assert client.post(f"{url}/restore", headers=other.headers).status_code == 404

    def test_lists_show_only_the_callers_applications(
        self, client: TestClient, accounts: Accounts
    ) -> None:
        owner, other = accounts.create(), accounts.create()
        create(client, owner)
        assert listed(client, other) == [] and len(listed(client, owner)) == 1
        assert client.get("/api/applications").status_code == 401

    def test_an_unknown_id_is_404(self, client: TestClient, owner: Account) -> None:
        url = f"/api/applications/{uuid.uuid4()}"
        assert client.get(url, headers=owner.headers).status_code == 404


class TestResumeSent:
    def upload(self, client: TestClient, account: Account) -> str:
        files = {"file": ("cv.txt", b"Ten years of Python.", "text/plain")}
        response = client.post("/api/resumes", files=files, headers=account.headers)
        assert response.status_code == 201, response.text
        resume_id: str = response.json()["id"]
        return resume_id

    def test_one_of_my_resumes_can_be_recorded_as_sent(
        self, client: TestClient, owner: Account
    ) -> None:
        resume_id = self.upload(client, owner)
        assert create(client, owner, resume_id=resume_id)["resume_id"] == resume_id

    def test_another_users_resume_is_422(self, client: TestClient, accounts: Accounts) -> None:
        owner, other = accounts.create(), accounts.create()
        theirs = self.upload(client, other)
        body = {"company": "Acme", "position": "Dev", "resume_id": theirs}
        response = client.post("/api/applications", json=body, headers=owner.headers)
        assert response.status_code == 422
        assert response.json()["errors"][0]["loc"] == ["body", "resume_id"]

    def test_deleting_the_resume_leaves_the_application_without_one(
        self, client: TestClient, owner: Account
    ) -> None:
        resume_id = self.upload(client, owner)
        created = create(client, owner, resume_id=resume_id)
        client.delete(f"/api/resumes/{resume_id}", headers=owner.headers)
        fetched = client.get(f"/api/applications/{created['id']}", headers=owner.headers)
        assert fetched.json()["resume_id"] is None
