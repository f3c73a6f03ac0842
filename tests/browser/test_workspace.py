"""The workspace in a real browser: add an application, move it along the pipeline, find it
with the live filters, schedule its interview; and the same pages at phone width."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import screenshot
from tests.browser.test_pages import _sign_up

pytestmark = pytest.mark.browser


def _add_application(page: Page, company: str, position: str, salary: str = "") -> None:
    page.goto("/applications")
    page.get_by_role("link", name="New application").click()
    page.get_by_label("Company").fill(company)
    page.get_by_label("Position").fill(position)
    page.get_by_label("Salary").fill(salary)
    page.get_by_role("button", name="Add application").click()
    expect(page.get_by_role("heading", name=position, level=1)).to_be_visible()


class TestApplications:
    def test_an_application_moves_along_the_pipeline_with_its_history(self, page: Page) -> None:
        _sign_up(page, "Pipeline Person")
        _add_application(page, "Northwind Analytics", "Platform Engineer", "€70k-85k")
        page.get_by_role("button", name="Applied", exact=True).click()
        page.get_by_role("button", name="Interviewing", exact=True).click()
        history = page.locator("ol.history")
        expect(history).to_contain_text("Saved → Applied")
        expect(history).to_contain_text("Applied → Interviewing")
        screenshot(page, "10-application")

    def test_the_table_filters_live_as_you_type(self, page: Page) -> None:
        _sign_up(page, "Filter Person")
        _add_application(page, "Globex", "Data Engineer")
        _add_application(page, "Initech", "QA Engineer")
        page.goto("/applications")
        page.get_by_label("Search applications by company or position").fill("glob")
        rows = page.locator("table.data tbody tr")
        expect(rows).to_have_count(1)
        expect(rows.first).to_contain_text("Globex")
        expect(page).to_have_url(re.compile(r"q=glob"))
        screenshot(page, "11-applications-filtered")

    def test_an_interview_scheduled_from_the_application_shows_on_its_page(
        self, page: Page
    ) -> None:
        _sign_up(page, "Interview Person")
        _add_application(page, "Hooli", "Backend Engineer")
        page.get_by_role("link", name="Schedule an interview").click()
        page.get_by_label("Date").fill("2030-05-04")
        page.get_by_label("Time").fill("10:30")
        page.get_by_role("button", name=re.compile("Schedule|Save|Add")).click()
        page.get_by_role(
            "link", name=re.compile("Backend Engineer|Hooli|application")
        ).first.click()
        expect(page.get_by_text(re.compile("2030"))).to_be_visible()


class TestWorkspaceAtPhoneWidth:
    @pytest.mark.parametrize(
        "path", ["/applications", "/applications/new", "/interviews", "/contacts", "/settings"]
    )
    def test_workspace_pages_fit_the_screen(self, phone_page: Page, path: str) -> None:
        _sign_up(phone_page, "Phone Workspace Person")
        phone_page.goto(path)
        width = phone_page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} is {width}px wide on a 390px screen"
        screenshot(phone_page, f"phone{path.replace('/', '-')}")
