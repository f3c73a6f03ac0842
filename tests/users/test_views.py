"""My profile, the people directory and a person's page, through real HTTP requests."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.helpers import Account, Accounts, csrf_from
from tests.pages import HTML, HTMX, log_in, submit

BAD_TOKENS = pytest.mark.parametrize("token", [None, "not-the-token"], ids=["missing", "wrong"])

PROFILE_FORM = {
    "full_name": "Ada Lovelace",
    "email": "ada@example.com",
    "phone": "+44 20 7946 0000",
    "location": "London",
    "position": "Analytical engine programmer",
    "bio": "Notes on the engine.\nPoetical science.",
    "skills": "Python, SQL,  python , Kubernetes",
    "social_links": "GitHub https://github.com/ada\r\nPersonal site https://ada.example.org/",
    "show_email": "1",
}


@pytest.fixture
def me(client: TestClient, accounts: Accounts) -> Account:
    """The signed-in user of the browser (the `client`)."""
    account = accounts.create("Viewer Person", email="ada@example.com")
    assert log_in(client, account.email).status_code == 303
    return account


def _profile(client: TestClient, account: Account) -> dict[str, Any]:
    response = client.get("/api/user/profile", headers=account.headers)
    assert response.status_code == 200
    profile: dict[str, Any] = response.json()
    return profile


def _followed_ids(client: TestClient, account: Account) -> list[str]:
    page = client.get("/api/user/favorites", headers=account.headers).json()
    return [item["id"] for item in page["items"]]


def _show_email(client: TestClient, account: Account) -> None:
    response = client.patch("/api/user/profile", json={"show_email": True}, headers=account.headers)
    assert response.status_code == 200


class TestAnonymousVisitor:
    @pytest.mark.parametrize("path", ["/profile", "/people", "/people/following"])
    def test_private_pages_redirect_to_login_and_back(self, client: TestClient, path: str) -> None:
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"] == f"/login?next={path}"

    def test_home_page_invites_to_sign_up(self, client: TestClient) -> None:
        page = client.get("/")
        assert page.status_code == 200
        assert 'href="/signup"' in page.text

    def test_signed_in_home_goes_to_applications(self, client: TestClient, me: Account) -> None:
        response = client.get("/", follow_redirects=False)
        assert response.headers["location"] == "/applications"


class TestProfilePage:
    def test_shows_my_profile_and_the_edit_form(self, client: TestClient, me: Account) -> None:
        page = client.get("/profile")
        assert page.status_code == 200
        assert "<h1>Viewer Person</h1>" in page.text
        assert 'name="full_name" value="Viewer Person"' in page.text
        assert 'aria-current="page">My profile' in page.text

    def test_a_new_profile_invites_to_fill_it_in(self, client: TestClient, me: Account) -> None:
        assert "Your profile is still empty." in client.get("/profile").text
        submit(client, "/profile", "/profile", PROFILE_FORM)
        assert "Your profile is still empty." not in client.get("/profile").text

    def test_saving_stores_every_field(self, client: TestClient, me: Account) -> None:
        response = submit(client, "/profile", "/profile", PROFILE_FORM)
        assert response.status_code == 303
        assert response.headers["location"] == "/profile?saved=true"
        profile = _profile(client, me)
        assert profile["full_name"] == "Ada Lovelace"
        assert profile["phone"] == "+44 20 7946 0000"
        assert profile["location"] == "London"
        assert profile["position"] == "Analytical engine programmer"
        assert profile["bio"] == "Notes on the engine.\nPoetical science."
        assert profile["skills"] == ["Python", "SQL", "Kubernetes"]
        assert profile["social_links"] == [
            {"label": "GitHub", "url": "https://github.com/ada"},
            {"label": "Personal site", "url": "https://ada.example.org/"},
        ]
        assert (profile["show_email"], profile["show_phone"]) == (True, False)

    def test_saved_profile_is_shown_with_a_notice(self, client: TestClient, me: Account) -> None:
        submit(client, "/profile", "/profile", PROFILE_FORM)
        page = client.get("/profile?saved=true")
        assert "Profile saved." in page.text
        assert 'value="Python, SQL, Kubernetes"' in page.text
        assert "GitHub https://github.com/ada\nPersonal site https://ada.example.org/" in page.text
        assert 'name="show_email" value="1" checked' in page.text
        assert 'name="show_phone" value="1" >' in page.text

    def test_unchecked_boxes_hide_email_and_phone_again(
        self, client: TestClient, me: Account
    ) -> None:
        submit(client, "/profile", "/profile", PROFILE_FORM | {"show_phone": "1"})
        hidden = {key: value for key, value in PROFILE_FORM.items() if key != "show_email"}
        submit(client, "/profile", "/profile", hidden)
        profile = _profile(client, me)
        assert (profile["show_email"], profile["show_phone"]) == (False, False)

    def test_empty_optional_fields_are_cleared(self, client: TestClient, me: Account) -> None:
        submit(client, "/profile", "/profile", PROFILE_FORM)
        cleared = {"full_name": "Ada Lovelace", "email": "ada@example.com"}
        assert submit(client, "/profile", "/profile", cleared).status_code == 303
        profile = _profile(client, me)
        assert (profile["phone"], profile["location"], profile["bio"]) == (None, None, None)
        assert (profile["skills"], profile["social_links"]) == ([], [])

    def test_a_javascript_link_is_refused_and_nothing_saved(
        self, client: TestClient, me: Account
    ) -> None:
        form = PROFILE_FORM | {"social_links": "Click javascript:alert(1)"}
        response = submit(client, "/profile", "/profile", form)
        assert response.status_code == 422
        assert "Link 1: URL scheme should be" in response.text
        # The typing is kept for correcting, and the field is marked.
        assert 'aria-invalid="true">Click javascript:alert(1)</textarea>' in response.text
        assert 'value="Ada Lovelace"' in response.text
        assert _profile(client, me)["full_name"] == "Viewer Person"

    def test_a_bad_email_is_refused_and_nothing_saved(
        self, client: TestClient, me: Account
    ) -> None:
        response = submit(client, "/profile", "/profile", PROFILE_FORM | {"email": "ada-at-home"})
        assert response.status_code == 422
        assert "Email: value is not a valid email address" in response.text
        assert 'value="ada-at-home"' in response.text
        profile = _profile(client, me)
        assert (profile["email"], profile["full_name"]) == ("ada@example.com", "Viewer Person")

    def test_another_users_email_is_refused(
        self, client: TestClient, accounts: Accounts, me: Account
    ) -> None:
        other = accounts.create()
        response = submit(client, "/profile", "/profile", PROFILE_FORM | {"email": other.email})
        assert response.status_code == 422
        assert "An account with this email already exists." in response.text
        assert _profile(client, me)["email"] == "ada@example.com"

    @BAD_TOKENS
    def test_save_without_the_right_csrf_token_is_refused_and_saves_nothing(
        self, client: TestClient, me: Account, token: str | None
    ) -> None:
        data = PROFILE_FORM if token is None else PROFILE_FORM | {"csrf_token": token}
        response = client.post("/profile", data=data, headers=HTML, follow_redirects=False)
        assert response.status_code == 403
        assert _profile(client, me)["full_name"] == "Viewer Person"


class TestPeopleDirectory:
    def test_lists_other_people_but_not_me(
        self, client: TestClient, accounts: Accounts, me: Account
    ) -> None:
        accounts.create("Grace Hopper")
        page = client.get("/people")
        assert page.status_code == 200
        assert "Grace Hopper" in page.text
        assert "Viewer Person" not in page.text.split('id="people-results"')[1]
        assert "1 person" in page.text

    def test_search_ignores_accents_and_case_and_matches_word_starts(
        self, client: TestClient, accounts: Accounts, me: Account
    ) -> None:
        accounts.create("Ána María López")
        accounts.create("Mario Anders")
        accounts.create("Anabel Smith")
        page = client.get("/people", params={"q": "ana mar"})
        assert "Ána María López" in page.text
        assert "Mario Anders" not in page.text
        assert "Anabel Smith" not in page.text
        assert "1 person matching “ana mar”" in page.text

    def test_htmx_search_returns_only_the_results_fragment(
        self, client: TestClient, accounts: Accounts, me: Account
    ) -> None:
        accounts.create("Ána María López")
        response = client.get("/people", params={"q": "LOPEZ"}, headers=HTMX)
        assert response.status_code == 200
        assert "Ána María López" in response.text
        assert "<html" not in response.text
        assert 'role="search"' not in response.text
        assert "HX-Request" in response.headers["vary"]

    def test_htmx_history_restore_gets_the_whole_page(
        self, client: TestClient, me: Account
    ) -> None:
        headers = HTMX | {"HX-History-Restore-Request": "true"}
        response = client.get("/people", params={"q": "x"}, headers=headers)
        assert "<html" in response.text

    def test_no_match_explains_how_to_search(
        self, client: TestClient, accounts: Accounts, me: Account
    ) -> None:
        accounts.create("Grace Hopper")
        page = client.get("/people", params={"q": "zzz"})
        assert "0 people matching “zzz”" in page.text
        assert "Nobody matches “zzz”. Try the first letters" in page.text
        assert "Grace Hopper" not in page.text

    def test_an_empty_directory_says_nobody_else_joined(
        self, client: TestClient, me: Account
    ) -> None:
        page = client.get("/people")
        assert "0 people" in page.text
        assert "Nobody else has joined yet." in page.text

    def test_followed_people_are_marked(
        self, client: TestClient, accounts: Accounts, me: Account
    ) -> None:
        grace = accounts.create("Grace Hopper")
        _follow_by_form(client, grace)
        page = client.get("/people")
        assert '<span class="badge">Following</span>' in page.text

    def test_following_page_lists_only_followed_people(
        self, client: TestClient, accounts: Accounts, me: Account
    ) -> None:
        grace = accounts.create("Grace Hopper")
        accounts.create("Alan Turing")
        _follow_by_form(client, grace)
        page = client.get("/people/following")
        assert "Grace Hopper" in page.text
        assert "Alan Turing" not in page.text

    def test_following_page_when_following_nobody(self, client: TestClient, me: Account) -> None:
        page = client.get("/people/following")
        assert page.status_code == 200
        assert "You follow nobody yet." in page.text
        assert 'href="/people"' in page.text


class TestPersonPage:
    def test_shows_the_public_profile_without_a_hidden_email(
        self, client: TestClient, accounts: Accounts, me: Account
    ) -> None:
        grace = accounts.create("Grace Hopper")
        page = client.get(f"/people/{grace.id}")
        assert page.status_code == 200
        assert "<h1>Grace Hopper</h1>" in page.text
        assert grace.email not in page.text

    def test_shows_the_email_when_the_person_made_it_visible(
        self, client: TestClient, accounts: Accounts, me: Account
    ) -> None:
        grace = accounts.create("Grace Hopper")
        _show_email(client, grace)
        page = client.get(f"/people/{grace.id}")
        assert f'<a href="mailto:{grace.email}">{grace.email}</a>' in page.text

    def test_my_own_id_redirects_to_my_profile(self, client: TestClient, me: Account) -> None:
        response = client.get(f"/people/{me.id}", follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"] == "/profile"

    def test_unknown_person_is_a_404_page(self, client: TestClient, me: Account) -> None:
        unknown = "00000000-0000-4000-8000-000000000000"
        response = client.get(f"/people/{unknown}", headers=HTML)
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("text/html")
        assert "No such person." in response.text
        assert 'href="/people"' in response.text

    def test_follow_by_form_redirects_back_to_the_person(
        self, client: TestClient, accounts: Accounts, me: Account
    ) -> None:
        grace = accounts.create("Grace Hopper")
        response = _follow_by_form(client, grace)
        assert response.status_code == 303
        assert response.headers["location"] == f"/people/{grace.id}"
        assert "✓ Following" in client.get(f"/people/{grace.id}").text
        assert _followed_ids(client, me) == [str(grace.id)]

    def test_unfollow_by_form_redirects_back_to_the_person(
        self, client: TestClient, accounts: Accounts, me: Account
    ) -> None:
        grace = accounts.create("Grace Hopper")
        _follow_by_form(client, grace)
        page = f"/people/{grace.id}"
        response = submit(client, page, f"{page}/unfollow", {})
        assert response.status_code == 303
        assert ">Follow</button>" in client.get(page).text
        assert _followed_ids(client, me) == []

    def test_follow_by_htmx_returns_the_new_button(
        self, client: TestClient, accounts: Accounts, me: Account
    ) -> None:
        grace = accounts.create("Grace Hopper")
        response = _htmx_post(client, f"/people/{grace.id}/follow")
        assert response.status_code == 200
        assert response.text.lstrip().startswith('<form id="follow"')
        assert "<html" not in response.text
        assert f'hx-post="/people/{grace.id}/unfollow"' in response.text
        assert "✓ Following" in response.text
        assert ">Unfollow</button>" in response.text
        assert _followed_ids(client, me) == [str(grace.id)]

    def test_unfollow_by_htmx_returns_the_follow_button(
        self, client: TestClient, accounts: Accounts, me: Account
    ) -> None:
        grace = accounts.create("Grace Hopper")
        _follow_by_form(client, grace)
        response = _htmx_post(client, f"/people/{grace.id}/unfollow")
        assert response.status_code == 200
        assert f'hx-post="/people/{grace.id}/follow"' in response.text
        assert ">Follow</button>" in response.text
        assert _followed_ids(client, me) == []

    @BAD_TOKENS
    def test_follow_without_the_right_csrf_token_is_refused(
        self, client: TestClient, accounts: Accounts, me: Account, token: str | None
    ) -> None:
        grace = accounts.create("Grace Hopper")
        data = {} if token is None else {"csrf_token": token}
        response = client.post(
            f"/people/{grace.id}/follow", data=data, headers=HTML, follow_redirects=False
        )
        assert response.status_code == 403
        assert _followed_ids(client, me) == []

    def test_htmx_follow_with_a_wrong_csrf_header_is_refused(
        self, client: TestClient, accounts: Accounts, me: Account
    ) -> None:
        grace = accounts.create("Grace Hopper")
        headers = HTMX | {"X-CSRF-Token": "not-the-token"}
        response = client.post(f"/people/{grace.id}/follow", headers=headers)
        assert response.status_code == 403
        assert _followed_ids(client, me) == []


def _follow_by_form(client: TestClient, person: Account) -> httpx.Response:
    page = f"/people/{person.id}"
    return submit(client, page, f"{page}/follow", {})


def _htmx_post(client: TestClient, path: str) -> httpx.Response:
    """As htmx sends it: the token in the X-CSRF-Token header that <body hx-headers> adds."""
    token = csrf_from(client.get("/people").text)
    return client.post(path, headers=HTMX | {"X-CSRF-Token": token})
