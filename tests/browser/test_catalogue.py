"""The catalogue in a real browser: anyone searches it; saving a listing asks to log in first,
then puts it in the workspace."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer, screenshot
from tests.browser.test_pages import _sign_up

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def listings(live_server: LiveServer) -> dict[str, str]:
    platform, designer = live_server.add_listings(
        ("Platform Engineer", "Northwind Robotics",
         "Run our Kubernetes platform and the observability stack."),
        ("Product Designer", "Globex", "Design the onboarding of our mobile app."),
    )  # fmt: skip
    return {"platform": platform, "designer": designer}


class TestCatalogue:
    def test_a_visitor_finds_a_listing_with_the_match_highlighted(
        self, page: Page, listings: dict[str, str]
    ) -> None:
        page.goto("/listings")
        page.get_by_role("searchbox").first.fill("kubernetes")
        result = page.locator("mark", has_text=re.compile("kubernetes", re.I)).first
        expect(result).to_be_visible()
        expect(page.get_by_text("Product Designer")).to_have_count(0)
        screenshot(page, "20-catalogue-search")

    def test_saving_asks_to_log_in_then_adds_it_to_the_workspace(
        self, page: Page, listings: dict[str, str]
    ) -> None:
        _sign_up(page, "Saving Person")
        page.goto(f"/listings/{listings['platform']}")
        page.get_by_role("button", name=re.compile("Save")).click()
        page.goto("/applications")
        expect(page.locator("table.data")).to_contain_text("Northwind Robotics")
        screenshot(page, "21-saved-from-catalogue")
