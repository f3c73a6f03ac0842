"""Interviews through the HTTP API: fields, time zones, applications, filters, who sees what."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.helpers import Account, Accounts
from tests.interviews.conftest import (
    in_minutes,
    iso,
    make_application,
    use_settings,
)

PROBLEM = "application/problem+json"


@pytest.fixture
def me(accounts: Accounts) -> Account:
    return accounts.create("Ines Candidate")


@pytest.fixture
def other(accounts: Accounts) -> Account:
    return accounts.create("Otto Other")


def error_locations(response: Any) -> list[list[Any]]:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM
    return [error["loc"] for error in response.json()["errors"]]


def post(client: TestClient, account: Account, **fields: Any) -> Any:
    body = {"company": "Acme", "position": "Backend Engineer", "type": "online",
            "starts_at": "2030-03-04T10:00:00Z", **fields}  # fmt: skip
    return client.post("/api/interviews", json=body, headers=account.headers)


def listed(client: TestClient, account: Account, **params: Any) -> list[dict[str, Any]]:
    response = client.get("/api/interviews", params=params, headers=account.headers)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def companies(items: list[dict[str, Any]]) -> list[str]:
    return [item["company"] for item in items]


class TestCreateInterview:
    def test_created_interview_answers_201_with_every_field(
        self, client: TestClient, me: Account
    ) -> None:
        response = post(
            client, me, location="https://meet.example.com/abc", details="Second round",
            outcome_notes="", duration_minutes=45, type="phone",
        )  # fmt: skip
        assert response.status_code == 201, response.text
        interview = response.json()
        assert interview["company"] == "Acme"
        assert interview["position"] == "Backend Engineer"
        assert interview["type"] == "phone"
        assert interview["duration_minutes"] == 45
        assert interview["location"] == "https://meet.example.com/abc"
        assert interview["details"] == "Second round"
        assert interview["application_id"] is None
        assert interview["ends_at"] == "2030-03-04T10:45:00Z"
        assert client.get(f"/api/interviews/{interview['id']}", headers=me.headers).json() == (
            interview
        )

    def test_duration_defaults_to_an_hour(self, client: TestClient, me: Account) -> None:
        interview = post(client, me).json()
        assert interview["duration_minutes"] == 60
        assert interview["ends_at"] == "2030-03-04T11:00:00Z"

    def test_time_without_offset_is_read_in_my_time_zone(
        self, client: TestClient, me: Account
    ) -> None:
        use_settings(client, me, time_zone="Europe/Madrid")
        interview = post(client, me, starts_at="2030-03-04T10:00").json()
        assert interview["starts_at"] == "2030-03-04T09:00:00Z"
        assert interview["starts_at_local"] == "2030-03-04T10:00:00+01:00"
        assert interview["time_zone"] == "Europe/Madrid"

    def test_summer_time_is_read_with_the_summer_offset(
        self, client: TestClient, me: Account
    ) -> None:
        use_settings(client, me, time_zone="Europe/Madrid")
        interview = post(client, me, starts_at="2030-07-01T10:00").json()
        assert interview["starts_at"] == "2030-07-01T08:00:00Z"
        assert interview["starts_at_local"] == "2030-07-01T10:00:00+02:00"

    def test_time_with_an_offset_is_taken_as_is(self, client: TestClient, me: Account) -> None:
        use_settings(client, me, time_zone="America/New_York")
        interview = post(client, me, starts_at="2030-03-04T10:00:00+05:30").json()
        assert interview["starts_at"] == "2030-03-04T04:30:00Z"
        assert interview["starts_at_local"] == "2030-03-03T23:30:00-05:00"

    def test_a_time_the_clocks_skip_is_422(self, client: TestClient, me: Account) -> None:
        use_settings(client, me, time_zone="Europe/Madrid")
        response = post(client, me, starts_at="2030-03-31T02:30")
        assert error_locations(response) == [["body", "starts_at"]]
        assert "does not exist in Europe/Madrid" in response.json()["detail"]

    def test_company_and_position_come_from_the_application(
        self, client: TestClient, session: Session, me: Account
    ) -> None:
        application_id = make_application(session, me.id, "Northwind", "Data Engineer")
        response = post(client, me, application_id=str(application_id), company=None,
                        position=None)  # fmt: skip
        assert response.status_code == 201, response.text
        interview = response.json()
        assert interview["application_id"] == str(application_id)
        assert (interview["company"], interview["position"]) == ("Northwind", "Data Engineer")

    def test_company_given_with_an_application_wins(
        self, client: TestClient, session: Session, me: Account
    ) -> None:
        application_id = make_application(session, me.id, "Northwind", "Data Engineer")
        body = {"application_id": str(application_id), "company": "Northwind Labs",
                "type": "on_site", "starts_at": "2030-03-04T10:00:00Z"}  # fmt: skip
        interview = client.post("/api/interviews", json=body, headers=me.headers).json()
        assert (interview["company"], interview["position"]) == ("Northwind Labs", "Data Engineer")

    def test_another_user_s_application_is_422_naming_application_id(
        self, client: TestClient, session: Session, me: Account, other: Account
    ) -> None:
        theirs = make_application(session, other.id)
        response = post(client, me, application_id=str(theirs))
        assert error_locations(response) == [["body", "application_id"]]

    def test_unknown_application_is_422(self, client: TestClient, me: Account) -> None:
        response = post(client, me, application_id=str(uuid.uuid4()))
        assert error_locations(response) == [["body", "application_id"]]

    @pytest.mark.parametrize("field", ["company", "position"])
    def test_company_and_position_are_required_without_an_application(
        self, client: TestClient, me: Account, field: str
    ) -> None:
        response = post(client, me, **{field: None})
        assert error_locations(response) == [["body", field]]

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("duration_minutes", 4),
            ("duration_minutes", 1441),
            ("type", "video"),
            ("location", "x" * 501),
            ("company", " "),
            ("position", "x" * 201),
            ("starts_at", "next tuesday"),
        ],
    )
    def test_invalid_field_is_422_naming_it(
        self, client: TestClient, me: Account, field: str, value: Any
    ) -> None:
        assert error_locations(post(client, me, **{field: value})) == [["body", field]]

    def test_start_is_required(self, client: TestClient, me: Account) -> None:
        body = {"company": "Acme", "position": "Engineer", "type": "online"}
        response = client.post("/api/interviews", json=body, headers=me.headers)
        assert error_locations(response) == [["body", "starts_at"]]

    def test_anonymous_caller_gets_401(self, client: TestClient) -> None:
        body = {"company": "Acme", "position": "Engineer", "type": "online",
                "starts_at": "2030-03-04T10:00:00Z"}  # fmt: skip
        assert client.post("/api/interviews", json=body).status_code == 401


class TestUpdateInterview:
    def test_put_replaces_the_whole_interview(self, client: TestClient, me: Account) -> None:
        created = post(client, me, location="Room 4", details="Bring a laptop").json()
        body = {"company": "Globex", "position": "SRE", "type": "on_site",
                "starts_at": "2030-03-05T15:00:00Z"}  # fmt: skip
        response = client.put(f"/api/interviews/{created['id']}", json=body, headers=me.headers)
        assert response.status_code == 200, response.text
        interview = response.json()
        assert (interview["company"], interview["type"]) == ("Globex", "on_site")
        assert (interview["location"], interview["details"]) == (None, None)
        assert interview["duration_minutes"] == 60
        assert interview["ends_at"] == "2030-03-05T16:00:00Z"

    def test_put_with_an_application_defaults_company_and_position(
        self, client: TestClient, session: Session, me: Account
    ) -> None:
        created = post(client, me).json()
        application_id = make_application(session, me.id, "Initech", "QA Lead")
        body = {"application_id": str(application_id), "type": "phone",
                "starts_at": "2030-03-05T15:00:00Z"}  # fmt: skip
        interview = client.put(
            f"/api/interviews/{created['id']}", json=body, headers=me.headers
        ).json()
        assert (interview["company"], interview["position"]) == ("Initech", "QA Lead")

    def test_patch_changes_only_the_fields_sent(self, client: TestClient, me: Account) -> None:
        created = post(client, me, location="Room 4", duration_minutes=30).json()
        response = client.patch(
            f"/api/interviews/{created['id']}",
            json={"outcome_notes": "Went well; next round Friday"},
            headers=me.headers,
        )
        assert response.status_code == 200, response.text
        interview = response.json()
        assert interview["outcome_notes"] == "Went well; next round Friday"
        assert (interview["location"], interview["duration_minutes"]) == ("Room 4", 30)
        assert interview["starts_at"] == created["starts_at"]

    def test_patching_the_duration_moves_the_end(self, client: TestClient, me: Account) -> None:
        created = post(client, me).json()
        interview = client.patch(
            f"/api/interviews/{created['id']}", json={"duration_minutes": 90}, headers=me.headers
        ).json()
        assert interview["ends_at"] == "2030-03-04T11:30:00Z"

    def test_patched_naive_time_is_read_in_my_time_zone(
        self, client: TestClient, me: Account
    ) -> None:
        use_settings(client, me, time_zone="Asia/Tokyo")
        created = post(client, me).json()
        interview = client.patch(
            f"/api/interviews/{created['id']}",
            json={"starts_at": "2030-03-06T09:00"},
            headers=me.headers,
        ).json()
        assert interview["starts_at"] == "2030-03-06T00:00:00Z"
        assert interview["ends_at"] == "2030-03-06T01:00:00Z"

    @pytest.mark.parametrize("field", ["company", "starts_at", "type", "duration_minutes"])
    def test_patching_a_required_field_to_null_is_422(
        self, client: TestClient, me: Account, field: str
    ) -> None:
        created = post(client, me).json()
        response = client.patch(
            f"/api/interviews/{created['id']}", json={field: None}, headers=me.headers
        )
        assert error_locations(response) == [["body", field]]

    def test_patch_can_unlink_the_application(
        self, client: TestClient, session: Session, me: Account
    ) -> None:
        application_id = make_application(session, me.id)
        created = post(client, me, application_id=str(application_id)).json()
        interview = client.patch(
            f"/api/interviews/{created['id']}", json={"application_id": None}, headers=me.headers
        ).json()
        assert interview["application_id"] is None
        assert interview["company"] == "Acme"

    def test_patch_to_another_user_s_application_is_422(
        self, client: TestClient, session: Session, me: Account, other: Account
    ) -> None:
        created = post(client, me).json()
        theirs = make_application(session, other.id)
        response = client.patch(
            f"/api/interviews/{created['id']}",
            json={"application_id": str(theirs)},
            headers=me.headers,
        )
        assert error_locations(response) == [["body", "application_id"]]


class TestDeleteInterview:
    def test_deleted_interview_is_gone(self, client: TestClient, me: Account) -> None:
        created = post(client, me).json()
        response = client.delete(f"/api/interviews/{created['id']}", headers=me.headers)
        assert response.status_code == 204
        assert response.content == b""
        assert client.get(f"/api/interviews/{created['id']}", headers=me.headers).status_code == (
            404
        )
        assert listed(client, me) == []

    def test_deleting_twice_is_404(self, client: TestClient, me: Account) -> None:
        created = post(client, me).json()
        client.delete(f"/api/interviews/{created['id']}", headers=me.headers)
        response = client.delete(f"/api/interviews/{created['id']}", headers=me.headers)
        assert response.status_code == 404


class TestListInterviews:
    def test_ordered_by_start_with_a_total(self, client: TestClient, me: Account) -> None:
        post(client, me, company="Later", starts_at="2030-03-06T10:00:00Z")
        post(client, me, company="First", starts_at="2030-03-04T10:00:00Z")
        post(client, me, company="Middle", starts_at="2030-03-05T10:00:00Z")
        response = client.get("/api/interviews", params={"limit": 2}, headers=me.headers).json()
        assert companies(response["items"]) == ["First", "Middle"]
        assert (response["total"], response["limit"], response["offset"]) == (3, 2, 0)
        second = client.get(
            "/api/interviews", params={"limit": 2, "offset": 2}, headers=me.headers
        ).json()
        assert companies(second["items"]) == ["Later"]

    def test_from_and_to_are_whole_days_in_my_time_zone(
        self, client: TestClient, me: Account
    ) -> None:
        use_settings(client, me, time_zone="America/New_York")
        # 2030-06-10 is UTC-4 in New York: local late evening is the next day in UTC.
        post(client, me, company="Early", starts_at="2030-06-10T00:15")
        post(client, me, company="Late", starts_at="2030-06-10T23:30")
        post(client, me, company="Next day", starts_at="2030-06-11T00:30")
        post(client, me, company="Day before", starts_at="2030-06-09T23:45")
        day = {"from": "2030-06-10", "to": "2030-06-10"}
        assert companies(listed(client, me, **day)) == ["Early", "Late"]
        assert companies(listed(client, me, **{"from": "2030-06-11"})) == ["Next day"]
        assert companies(listed(client, me, to="2030-06-09")) == ["Day before"]

    def test_to_before_from_is_422(self, client: TestClient, me: Account) -> None:
        response = client.get(
            "/api/interviews", params={"from": "2030-06-10", "to": "2030-06-09"},
            headers=me.headers,
        )  # fmt: skip
        assert error_locations(response) == [["query", "to"]]

    def test_a_bad_date_is_422(self, client: TestClient, me: Account) -> None:
        response = client.get("/api/interviews", params={"from": "10/06/2030"}, headers=me.headers)
        assert error_locations(response) == [["query", "from"]]

    def test_type_filter_takes_one_or_several(self, client: TestClient, me: Account) -> None:
        post(client, me, company="Call", type="phone")
        post(client, me, company="Visit", type="on_site")
        post(client, me, company="Video", type="online")
        assert companies(listed(client, me, type="phone")) == ["Call"]
        response = client.get("/api/interviews?type=phone&type=online", headers=me.headers).json()
        assert sorted(companies(response["items"])) == ["Call", "Video"]

    def test_unknown_type_filter_is_422(self, client: TestClient, me: Account) -> None:
        response = client.get("/api/interviews", params={"type": "video"}, headers=me.headers)
        assert error_locations(response) == [["query", "type", 0]]

    def test_application_filter(self, client: TestClient, session: Session, me: Account) -> None:
        application_id = make_application(session, me.id, "Northwind", "Data Engineer")
        post(client, me, application_id=str(application_id), company=None)
        post(client, me, company="Unlinked")
        assert companies(listed(client, me, application_id=str(application_id))) == ["Northwind"]

    def test_upcoming_keeps_the_ones_that_have_not_ended(
        self, client: TestClient, me: Account
    ) -> None:
        post(client, me, company="Over", starts_at=iso(in_minutes(-120)))
        post(client, me, company="Under way", starts_at=iso(in_minutes(-30)))
        post(client, me, company="Ahead", starts_at=iso(in_minutes(60)))
        assert companies(listed(client, me, upcoming="true")) == ["Under way", "Ahead"]
        assert companies(listed(client, me)) == ["Over", "Under way", "Ahead"]

    def test_filters_combine(self, client: TestClient, me: Account) -> None:
        post(client, me, company="Phone on the 4th", type="phone")
        post(client, me, company="Online on the 4th")
        post(client, me, company="Phone on the 5th", type="phone", starts_at="2030-03-05T10:00Z")
        items = listed(client, me, type="phone", to="2030-03-04")
        assert companies(items) == ["Phone on the 4th"]


class TestAuthorisation:
    ROUTES = [
        ("get", None),
        (
            "put",
            {"company": "X", "position": "Y", "type": "phone", "starts_at": "2030-01-01T09:00Z"},
        ),
        ("patch", {"details": "mine now"}),
        ("delete", None),
    ]

    @pytest.mark.parametrize(("method", "body"), ROUTES, ids=[m for m, _ in ROUTES])
    def test_owner_succeeds(
        self, client: TestClient, me: Account, method: str, body: dict[str, Any] | None
    ) -> None:
        created = post(client, me).json()
        response = client.request(
            method, f"/api/interviews/{created['id']}", json=body, headers=me.headers
        )
        assert response.status_code == (204 if method == "delete" else 200), response.text

    @pytest.mark.parametrize(("method", "body"), ROUTES, ids=[m for m, _ in ROUTES])
    def test_other_user_gets_404_and_changes_nothing(
        self, client: TestClient, me: Account, other: Account, method: str,
        body: dict[str, Any] | None,
    ) -> None:  # fmt: skip
        created = post(client, me, details="private").json()
        response = client.request(
            method, f"/api/interviews/{created['id']}", json=body, headers=other.headers
        )
        assert response.status_code == 404
        assert response.headers["content-type"] == PROBLEM
        mine = client.get(f"/api/interviews/{created['id']}", headers=me.headers).json()
        assert mine == created

    @pytest.mark.parametrize(("method", "body"), ROUTES, ids=[m for m, _ in ROUTES])
    def test_anonymous_caller_gets_401(
        self, client: TestClient, me: Account, method: str, body: dict[str, Any] | None
    ) -> None:
        created = post(client, me).json()
        response = client.request(method, f"/api/interviews/{created['id']}", json=body)
        assert response.status_code == 401

    def test_other_user_s_list_is_empty(
        self, client: TestClient, session: Session, me: Account, other: Account
    ) -> None:
        application_id = make_application(session, me.id)
        post(client, me, application_id=str(application_id))
        assert listed(client, me) != []
        assert listed(client, other) == []
        assert listed(client, other, application_id=str(application_id)) == []

    def test_anonymous_list_is_401(self, client: TestClient) -> None:
        assert client.get("/api/interviews").status_code == 401

    def test_unknown_id_is_404(self, client: TestClient, me: Account) -> None:
        response = client.get(f"/api/interviews/{uuid.uuid4()}", headers=me.headers)
        assert response.status_code == 404
