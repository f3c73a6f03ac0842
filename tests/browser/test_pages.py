"""A person's way through the pages in a real browser: sign up, edit the profile, find people
live, follow one without a reload, log out; the same pages at phone width and without JavaScript.
"""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import LiveServer, screenshot
from tests.helpers import PASSWORD

pytestmark = pytest.mark.browser


def _sign_up(page: Page, full_name: str) -> str:
    email = f"{uuid.uuid4().hex[:12]}@example.com"
    page.goto("/signup")
    page.get_by_label("Full name").fill(full_name)
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    expect(page).to_have_url(re.compile(r"/profile$"))
    return email


def _mark_document(page: Page) -> None:
    """A flag on window that a full page load would wipe out."""
    page.evaluate("window.__sameDocument = true")


def _still_same_document(page: Page) -> bool:
    return bool(page.evaluate("window.__sameDocument === true"))


@pytest.fixture
def colleagues(live_server: LiveServer) -> dict[str, str]:
    """Other people already on the server, with distinct names for this test."""
    tag = uuid.uuid4().hex[:6]
    names = {
        "ana": f"Ána María López {tag}",
        "mario": f"Mario Anders {tag}",
        "grace": f"Grace Hopper {tag}",
    }
    live_server.create_person(
        names["ana"],
        position="Data engineer",
        location="Sevilla",
        bio="Pipelines, dashboards and the people who read them.",
        skills=["Python", "dbt", "PostgreSQL"],
        social_links=[{"label": "GitHub", "url": "https://github.com/anamaria"}],
        show_email=True,
    )
    live_server.create_person(names["mario"], position="Frontend developer")
    live_server.create_person(names["grace"])
    return names


class TestSignUpAndProfile:
    def test_sign_up_lands_on_an_empty_profile(self, page: Page) -> None:
        page.goto("/")
        screenshot(page, "01-home")
        page.get_by_role("link", name="Sign up").first.click()
        screenshot(page, "02-signup")
        _sign_up(page, "Ada Lovelace")
        expect(page.get_by_role("heading", name="Ada Lovelace", level=1)).to_be_visible()
        screenshot(page, "03-profile-new")

    def test_editing_the_profile_shows_it_as_others_see_it(self, page: Page) -> None:
        _sign_up(page, "Ada Lovelace")
        page.get_by_label("Headline").fill("Analytical engine programmer")
        page.get_by_label("Location", exact=True).fill("London")
        page.get_by_label("Phone", exact=True).fill("+44 20 7946 0000")
        page.get_by_label("Show my email to other users").check()
        page.get_by_label("Skills").fill("Python, SQL, Kubernetes, python")
        page.get_by_label("Links").fill(
            "GitHub https://github.com/ada\nPersonal site https://ada.example.org"
        )
        page.get_by_label("About you").fill("Notes on the engine.\nPoetical science.")
        page.get_by_role("button", name="Save profile").click()
        expect(page.get_by_role("status")).to_have_text("Profile saved.")
        card = page.locator(".card").first
        expect(card.get_by_text("Analytical engine programmer")).to_be_visible()
        expect(card.locator(".chips li")).to_have_text(["Python", "SQL", "Kubernetes"])
        expect(card.get_by_role("link", name="https://github.com/ada")).to_be_visible()
        screenshot(page, "04-profile-saved")

    def test_a_bad_link_is_explained_and_the_typing_kept(self, page: Page) -> None:
        _sign_up(page, "Ada Lovelace")
        page.get_by_label("Links").fill("Click javascript:alert(1)")
        page.get_by_role("button", name="Save profile").click()
        expect(page.get_by_role("alert")).to_contain_text("Link 1: URL scheme")
        expect(page.get_by_label("Links")).to_have_value("Click javascript:alert(1)")
        screenshot(page, "05-profile-error")


class TestPeople:
    def test_typing_a_name_updates_the_results_without_a_page_load(
        self, page: Page, colleagues: dict[str, str]
    ) -> None:
        _sign_up(page, "Searching Person")
        page.get_by_role("link", name="People", exact=True).click()
        screenshot(page, "06-people")
        _mark_document(page)
        page.get_by_role("searchbox").press_sequentially("ana mar", delay=40)
        results = page.locator("#people-results")
        expect(results).to_contain_text(colleagues["ana"])
        expect(results).not_to_contain_text(colleagues["mario"])
        expect(results).to_contain_text("matching “ana mar”")
        assert _still_same_document(page), "the search reloaded the page instead of using htmx"
        expect(page).to_have_url(re.compile(r"/people\?q=ana(\+|%20)mar"))
        screenshot(page, "07-people-live-search")

    def test_a_search_with_no_match_says_so(self, page: Page) -> None:
        _sign_up(page, "Searching Person")
        page.goto("/people")
        page.get_by_role("searchbox").fill("zzzz nobody")
        expect(page.locator(".empty")).to_be_visible()
        screenshot(page, "08-people-no-match")

    def test_following_a_person_shows_following_without_a_reload(
        self, page: Page, colleagues: dict[str, str]
    ) -> None:
        _sign_up(page, "Following Person")
        page.goto("/people?q=ana+mar")
        page.get_by_role("link", name=colleagues["ana"]).click()
        expect(page.get_by_role("heading", name=colleagues["ana"])).to_be_visible()
        expect(page.get_by_role("link", name=re.compile(r"@example\.com$"))).to_be_visible()
        screenshot(page, "09-person")
        _mark_document(page)
        page.get_by_role("button", name="Follow").click()
        expect(page.locator("#follow .badge")).to_have_text("✓ Following")
        expect(page.get_by_role("button", name="Unfollow")).to_be_visible()
        assert _still_same_document(page), "following reloaded the page instead of using htmx"
        screenshot(page, "10-person-following")
        page.goto("/people/following")
        expect(page.locator(".people")).to_contain_text(colleagues["ana"])
        screenshot(page, "11-following-list")

    def test_unfollowing_shows_follow_again(self, page: Page, colleagues: dict[str, str]) -> None:
        _sign_up(page, "Following Person")
        page.goto("/people?q=" + colleagues["grace"].replace(" ", "+"))
        page.get_by_role("link", name=colleagues["grace"]).click()
        page.get_by_role("button", name="Follow").click()
        page.get_by_role("button", name=re.compile("Unfollow")).click()
        expect(page.get_by_role("button", name="Follow", exact=True)).to_be_visible()
        screenshot(page, "12-person-minimal")

    def test_an_unknown_person_is_a_friendly_404(self, page: Page) -> None:
        _sign_up(page, "Lost Person")
        response = page.goto(f"/people/{uuid.uuid4()}")
        assert response is not None
        assert response.status == 404
        expect(page.get_by_role("heading", level=1)).to_contain_text("Not found")
        screenshot(page, "13-error-404")


class TestLogInAndOut:
    def test_log_out_then_back_in_returns_to_the_page_asked_for(self, page: Page) -> None:
        email = _sign_up(page, "Leaving Person")
        page.get_by_role("button", name="Log out").click()
        expect(page).to_have_url(re.compile(r"/login$"))
        page.goto("/people")
        expect(page).to_have_url(re.compile(r"/login\?next=/people$"))
        screenshot(page, "14-login")
        page.get_by_label("Email", exact=True).fill(email)
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        expect(page).to_have_url(re.compile(r"/people$"))

    def test_a_wrong_password_is_explained(self, page: Page) -> None:
        email = _sign_up(page, "Forgetful Person")
        page.get_by_role("button", name="Log out").click()
        page.get_by_label("Email", exact=True).fill(email)
        page.get_by_label("Password", exact=True).fill("not the password")
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_role("alert")).to_have_text("The email or password is wrong.")
        screenshot(page, "15-login-error")

    def test_a_taken_email_is_explained_on_the_signup_form(self, page: Page) -> None:
        email = _sign_up(page, "First Person")
        page.get_by_role("button", name="Log out").click()
        page.goto("/signup")
        page.get_by_label("Full name").fill("Second Person")
        page.get_by_label("Email", exact=True).fill(email)
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Sign up").click()
        expect(page.get_by_role("alert")).to_contain_text("already exists")
        expect(page.get_by_label("Full name")).to_have_value("Second Person")
        screenshot(page, "16-signup-error")


class TestPhoneWidth:
    @pytest.mark.parametrize("path", ["/", "/signup", "/login"])
    def test_public_pages_fit_the_screen(self, phone_page: Page, path: str) -> None:
        phone_page.goto(path)
        _assert_fits(phone_page)
        screenshot(phone_page, f"phone-{path.strip('/') or 'home'}")

    def test_signed_in_pages_fit_the_screen(
        self, phone_page: Page, colleagues: dict[str, str]
    ) -> None:
        _sign_up(phone_page, "Phone Person With A Rather Long Name")
        _assert_fits(phone_page)
        screenshot(phone_page, "phone-profile")
        phone_page.goto("/people?q=ana+mar")
        _assert_fits(phone_page)
        screenshot(phone_page, "phone-people")
        phone_page.get_by_role("link", name=colleagues["ana"]).click()
        expect(phone_page.get_by_role("button", name="Follow")).to_be_visible()
        _assert_fits(phone_page)
        screenshot(phone_page, "phone-person")


class TestWithoutJavaScript:
    def test_search_and_follow_work_as_plain_forms(
        self, browser: Browser, live_server: LiveServer, colleagues: dict[str, str]
    ) -> None:
        context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
        page = context.new_page()
        try:
            _sign_up(page, "No Script Person")
            page.goto("/people")
            page.get_by_role("searchbox").fill("ana mar")
            page.get_by_role("button", name="Search").click()
            expect(page).to_have_url(re.compile(r"/people\?q=ana(\+|%20)mar"))
            page.get_by_role("link", name=colleagues["ana"]).click()
            page.get_by_role("button", name="Follow").click()
            expect(page.locator("#follow")).to_contain_text("Following")
        finally:
            context.close()


def _assert_fits(page: Page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} is {overflow}px wider than the screen"


class TestLiveUpdates:
    def test_a_new_notification_updates_the_unread_count_without_a_reload(
        self, page: Page, live_server: LiveServer
    ) -> None:
        email = _sign_up(page, "Noor Live")
        page.goto("/people")
        badge = page.get_by_role("link", name=re.compile("Notifications"))
        expect(badge).to_have_text("Notifications")
        _mark_document(page)
        page.wait_for_timeout(500)  # the page's event stream is open
        live_server.notify(email, "Your analysis is ready")
        expect(badge).to_contain_text("1")
        assert _still_same_document(page)
        screenshot(page, "17-live-notification")
