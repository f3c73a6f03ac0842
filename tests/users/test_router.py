"""Profiles, the people directory and the follow list through the HTTP API."""

from __future__ import annotations

import uuid
from itertools import count
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.helpers import PASSWORD, Account, Accounts

PROBLEM = "application/problem+json"
_people = count(1)


def person(client: TestClient, full_name: str, *, email: str | None = None) -> uuid.UUID:
    """Another user who only needs to exist (registered, never logged in: half the hashing)."""
    email = email or f"person{next(_people)}@people.example.com"
    body = {"email": email, "password": PASSWORD, "full_name": full_name}
    response = client.post("/api/auth/register", json=body)
    assert response.status_code == 201, response.text
    return uuid.UUID(response.json()["id"])


def patch(client: TestClient, account: Account, **fields: Any) -> Any:
    return client.patch("/api/user/profile", json=fields, headers=account.headers)


def put(client: TestClient, account: Account, **fields: Any) -> Any:
    body = {"full_name": account.full_name, "email": account.email, **fields}
    return client.put("/api/user/profile", json=body, headers=account.headers)


def error_locations(response: Any) -> list[list[Any]]:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM
    return [error["loc"] for error in response.json()["errors"]]


@pytest.fixture
def me(accounts: Accounts) -> Account:
    return accounts.create("Viewer Person")


class TestOwnProfile:
    def test_new_profile_hides_email_and_phone(self, client: TestClient, me: Account) -> None:
        response = client.get("/api/user/profile", headers=me.headers)
        assert response.status_code == 200
        profile = response.json()
        assert profile["email"] == me.email
        assert profile["full_name"] == "Viewer Person"
        assert profile["skills"] == []
        assert profile["social_links"] == []
        assert profile["show_email"] is False
        assert profile["show_phone"] is False

    def test_profile_needs_a_token(self, client: TestClient) -> None:
        assert client.get("/api/user/profile").status_code == 401

    def test_put_clears_omitted_optional_fields(self, client: TestClient, me: Account) -> None:
        patch(client, me, location="Lisbon", position="Engineer", skills=["Go"], show_email=True)
        response = put(client, me, phone="+351 123")
        assert response.status_code == 200
        profile = response.json()
        assert profile["phone"] == "+351 123"
        assert profile["location"] is None
        assert profile["position"] is None
        assert profile["skills"] == []
        assert profile["show_email"] is False
        assert client.get("/api/user/profile", headers=me.headers).json() == profile

    def test_put_without_email_is_422(self, client: TestClient, me: Account) -> None:
        body = {"full_name": "No Email"}
        response = client.put("/api/user/profile", json=body, headers=me.headers)
        assert ["body", "email"] in error_locations(response)

    def test_patch_changes_only_the_fields_sent(self, client: TestClient, me: Account) -> None:
        put(client, me, location="Lisbon", bio="Hello", skills=["Go"])
        response = patch(client, me, position="Data engineer")
        assert response.status_code == 200
        profile = client.get("/api/user/profile", headers=me.headers).json()
        assert profile["position"] == "Data engineer"
        assert profile["location"] == "Lisbon"
        assert profile["bio"] == "Hello"
        assert profile["skills"] == ["Go"]
        assert profile["full_name"] == "Viewer Person"

    def test_patch_can_clear_an_optional_field(self, client: TestClient, me: Account) -> None:
        patch(client, me, location="Lisbon")
        assert patch(client, me, location=None).json()["location"] is None

    @pytest.mark.parametrize("field", ["full_name", "email"])
    def test_patch_required_field_to_null_is_422(
        self, client: TestClient, me: Account, field: str
    ) -> None:
        response = patch(client, me, **{field: None})
        assert error_locations(response) == [["body", field]]
        assert client.get("/api/user/profile", headers=me.headers).json()[field] is not None

    def test_email_change_to_a_taken_email_in_any_case_is_409(
        self, client: TestClient, me: Account
    ) -> None:
        person(client, "Email Owner", email="owner@example.com")
        response = patch(client, me, email="OWNER@Example.com")
        assert response.status_code == 409
        assert response.headers["content-type"] == PROBLEM
        assert response.json()["type"] == "/problems/conflict"

    def test_email_change_lets_the_user_log_in_with_the_new_email(
        self, client: TestClient, me: Account, accounts: Accounts
    ) -> None:
        assert patch(client, me, email="renamed@example.com").status_code == 200
        assert accounts.login("renamed@example.com", PASSWORD)["token_type"] == "bearer"

    def test_skills_are_deduplicated_keeping_the_first_spelling(
        self, client: TestClient, me: Account
    ) -> None:
        response = patch(client, me, skills=["PostgreSQL", "python", "Python", " POSTGRESQL "])
        assert response.status_code == 200
        assert response.json()["skills"] == ["PostgreSQL", "python"]

    def test_hundred_distinct_skills_with_duplicates_are_accepted(
        self, client: TestClient, me: Account
    ) -> None:
        skills = [f"skill {n}" for n in range(100)] + ["SKILL 0"]
        response = patch(client, me, skills=skills)
        assert response.status_code == 200
        assert len(response.json()["skills"]) == 100

    def test_more_than_a_hundred_distinct_skills_is_422(
        self, client: TestClient, me: Account
    ) -> None:
        response = patch(client, me, skills=[f"skill {n}" for n in range(101)])
        assert error_locations(response) == [["body", "skills"]]

    def test_social_links_are_kept(self, client: TestClient, me: Account) -> None:
        links = [{"label": "GitHub", "url": "https://github.com/viewer"}]
        response = patch(client, me, social_links=links)
        assert response.status_code == 200
        assert response.json()["social_links"] == links

    @pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://example.com/cv.pdf"])
    def test_social_link_that_is_not_http_is_422(
        self, client: TestClient, me: Account, url: str
    ) -> None:
        response = patch(client, me, social_links=[{"label": "Site", "url": url}])
        assert ["body", "social_links", 0, "url"] in error_locations(response)

    def test_more_than_twenty_social_links_is_422(self, client: TestClient, me: Account) -> None:
        links = [{"label": f"Link {n}", "url": f"https://example.com/{n}"} for n in range(21)]
        response = patch(client, me, social_links=links)
        assert error_locations(response) == [["body", "social_links"]]

    def test_twenty_social_links_are_accepted(self, client: TestClient, me: Account) -> None:
        links = [{"label": f"Link {n}", "url": f"https://example.com/{n}"} for n in range(20)]
        assert patch(client, me, social_links=links).status_code == 200


class TestPeopleSearch:
    def search(self, client: TestClient, me: Account, **params: Any) -> Any:
        response = client.get("/api/users", params=params, headers=me.headers)
        assert response.status_code == 200, response.text
        return response.json()

    def names(self, client: TestClient, me: Account, q: str) -> list[str]:
        return [item["full_name"] for item in self.search(client, me, q=q)["items"]]

    @pytest.mark.parametrize("q", ["ana mar", "LOPEZ", "maría lópez", "lóp ána", "  Ana   "])
    def test_any_word_prefix_finds_the_person(
        self, client: TestClient, me: Account, q: str
    ) -> None:
        person(client, "Ána María López")
        person(client, "Mariano Ruiz")
        assert self.names(client, me, q) == ["Ána María López"]

    def test_middle_of_a_word_does_not_match(self, client: TestClient, me: Account) -> None:
        person(client, "Ána María López")
        assert self.names(client, me, "ria") == []

    def test_the_caller_is_never_in_the_results(self, client: TestClient, me: Account) -> None:
        person(client, "Viewer Twin")
        assert self.names(client, me, "viewer") == ["Viewer Twin"]
        assert me.full_name not in self.names(client, me, "")

    @pytest.mark.parametrize("q", ["_opez", "%pez", "l_pez", "l%z"])
    def test_wildcard_characters_are_literal(self, client: TestClient, me: Account, q: str) -> None:
        person(client, "Ána María López")
        assert self.names(client, me, q) == []

    def test_results_are_paginated_with_a_total(self, client: TestClient, me: Account) -> None:
        for name in ("Paged Alpha", "Paged Beta", "Paged Gamma"):
            person(client, name)
        first = self.search(client, me, q="paged", limit=2)
        second = self.search(client, me, q="paged", limit=2, offset=2)
        assert [item["full_name"] for item in first["items"]] == ["Paged Alpha", "Paged Beta"]
        assert [item["full_name"] for item in second["items"]] == ["Paged Gamma"]
        assert first["total"] == second["total"] == 3
        assert (first["limit"], first["offset"]) == (2, 0)
        assert (second["limit"], second["offset"]) == (2, 2)

    @pytest.mark.parametrize("params", [{"limit": 101}, {"limit": 0}, {"offset": -1}])
    def test_out_of_bounds_page_is_422(
        self, client: TestClient, me: Account, params: dict[str, int]
    ) -> None:
        response = client.get("/api/users", params=params, headers=me.headers)
        assert error_locations(response) == [["query", next(iter(params))]]

    def test_results_hide_email_and_phone_by_default(self, client: TestClient, me: Account) -> None:
        person(client, "Quiet Person")
        item = self.search(client, me, q="quiet")["items"][0]
        assert item["email"] is None
        assert item["phone"] is None

    def test_search_needs_a_token(self, client: TestClient) -> None:
        assert client.get("/api/users", params={"q": "a"}).status_code == 401


class TestPublicProfile:
    def test_email_and_phone_are_hidden_by_default(
        self, client: TestClient, me: Account, accounts: Accounts
    ) -> None:
        owner = accounts.create("Private Owner")
        patch(client, owner, phone="+1 555 0100", position="Designer", skills=["Figma"])
        response = client.get(f"/api/users/{owner.id}", headers=me.headers)
        assert response.status_code == 200
        profile = response.json()
        assert profile["full_name"] == "Private Owner"
        assert profile["position"] == "Designer"
        assert profile["skills"] == ["Figma"]
        assert profile["email"] is None
        assert profile["phone"] is None
        assert "role" not in profile

    def test_email_and_phone_show_when_the_owner_allows(
        self, client: TestClient, me: Account, accounts: Accounts
    ) -> None:
        owner = accounts.create("Open Owner")
        patch(client, owner, phone="+1 555 0100", show_email=True, show_phone=True)
        profile = client.get(f"/api/users/{owner.id}", headers=me.headers).json()
        assert profile["email"] == owner.email
        assert profile["phone"] == "+1 555 0100"

    def test_email_shows_but_phone_stays_hidden(
        self, client: TestClient, me: Account, accounts: Accounts
    ) -> None:
        owner = accounts.create("Half Owner")
        patch(client, owner, phone="+1 555 0100", show_email=True)
        profile = client.get(f"/api/users/{owner.id}", headers=me.headers).json()
        assert profile["email"] == owner.email
        assert profile["phone"] is None

    def test_unknown_id_is_404(self, client: TestClient, me: Account) -> None:
        response = client.get(f"/api/users/{uuid.uuid4()}", headers=me.headers)
        assert response.status_code == 404
        assert response.headers["content-type"] == PROBLEM
        assert response.json()["type"] == "/problems/not-found"

    def test_malformed_id_is_422(self, client: TestClient, me: Account) -> None:
        response = client.get("/api/users/not-a-uuid", headers=me.headers)
        assert error_locations(response) == [["path", "user_id"]]


class TestFavorites:
    def favorites(self, client: TestClient, account: Account) -> Any:
        response = client.get("/api/user/favorites", headers=account.headers)
        assert response.status_code == 200
        return response.json()

    def follow(self, client: TestClient, account: Account, user_id: uuid.UUID) -> Any:
        return client.put(f"/api/user/favorites/{user_id}", headers=account.headers)

    def test_follow_twice_gives_one_entry(self, client: TestClient, me: Account) -> None:
        other = person(client, "Followed Once")
        first, second = self.follow(client, me, other), self.follow(client, me, other)
        assert first.status_code == second.status_code == 200
        assert first.json()["followed"] is True
        favorites = self.favorites(client, me)
        assert favorites["total"] == 1
        assert [item["id"] for item in favorites["items"]] == [str(other)]

    def test_list_shows_followed_profiles_with_a_total(
        self, client: TestClient, me: Account
    ) -> None:
        first, second = person(client, "Followed Bravo"), person(client, "Followed Alpha")
        person(client, "Not Followed")
        self.follow(client, me, first)
        self.follow(client, me, second)
        favorites = self.favorites(client, me)
        names = [item["full_name"] for item in favorites["items"]]
        assert names == ["Followed Alpha", "Followed Bravo"]
        assert all(item["followed"] for item in favorites["items"])
        assert favorites["total"] == 2

    def test_unfollow_is_204_and_idempotent(self, client: TestClient, me: Account) -> None:
        other = person(client, "Followed Then Not")
        self.follow(client, me, other)
        for _ in range(2):
            response = client.delete(f"/api/user/favorites/{other}", headers=me.headers)
            assert response.status_code == 204
        assert self.favorites(client, me)["total"] == 0

    def test_following_an_unknown_id_is_404(self, client: TestClient, me: Account) -> None:
        response = self.follow(client, me, uuid.uuid4())
        assert response.status_code == 404
        assert response.json()["type"] == "/problems/not-found"
        assert self.favorites(client, me)["total"] == 0

    def test_following_yourself_is_422(self, client: TestClient, me: Account) -> None:
        response = self.follow(client, me, me.id)
        assert error_locations(response) == [["path", "user_id"]]
        assert self.favorites(client, me)["total"] == 0

    def test_followed_person_is_marked_in_search_and_profile(
        self, client: TestClient, me: Account
    ) -> None:
        other = person(client, "Marked Person")
        person(client, "Marked Stranger")
        self.follow(client, me, other)
        results = client.get("/api/users", params={"q": "marked"}, headers=me.headers).json()
        marks = {item["full_name"]: item["followed"] for item in results["items"]}
        assert marks == {"Marked Person": True, "Marked Stranger": False}
        profile = client.get(f"/api/users/{other}", headers=me.headers).json()
        assert profile["followed"] is True

    def test_follow_lists_are_private_to_their_owner(
        self, client: TestClient, me: Account, accounts: Accounts
    ) -> None:
        other_user = accounts.create("Other Follower")
        mine, theirs = person(client, "My Pick"), person(client, "Their Pick")
        self.follow(client, me, mine)
        self.follow(client, other_user, theirs)
        assert [item["id"] for item in self.favorites(client, me)["items"]] == [str(mine)]
        assert [item["id"] for item in self.favorites(client, other_user)["items"]] == [str(theirs)]
        profile = client.get(f"/api/users/{theirs}", headers=me.headers).json()
        assert profile["followed"] is False

    def test_favorites_need_a_token(self, client: TestClient) -> None:
        assert client.get("/api/user/favorites").status_code == 401
