"""Ashby boards (feeds.md §3) served by a local server: remote flags, the two address nestings,
compensation tiers of which only salary counts, unlisted jobs, and both unknown-board shapes."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from jobtracker.kit.http import GuardedClient
from jobtracker.listings.schemas import Category, EmploymentType, Location, Salary, Workplace
from jobtracker.listings.sources.ashby import AshbySource
from tests.kit.http.conftest import LocalServer
from tests.listings.sources.conftest import Item, adapter, by_id, fetch, fixture, serve

PATH = "/posting-api/job-board/maplecart"
DESIGNER = "b7e0c2d4-1a6f-4e2b-9c55-0f3e7a9d2b10"
BACKEND = "e41d8c2a-6b3f-4f0e-a7d9-2c5b8e1f4a60"
UNLISTED = "0f9e8d7c-6b5a-4938-8271-605f4e3d2c1b"
WAREHOUSE = "7a6b5c4d-3e2f-4109-8877-665544332211"


@pytest.fixture
def items(server: LocalServer, guarded: GuardedClient, tmp_path: Path) -> list[Item]:
    serve(server, PATH, fixture("ashby.json"))
    source = adapter(AshbySource, server, company="Maplecart", board="maplecart")
    return fetch(source, guarded, tmp_path)[1]


class TestAshbySource:
    def test_a_job_reads_as_on_the_board(self, items: list[Item]) -> None:
        job = by_id(items)[DESIGNER]
        assert (job.title, job.company, job.department) == (
            "Product Designer",
            "Maplecart",  # Ashby names no company: the source's name
            "Design",
        )
        assert job.url == f"https://jobs.ashbyhq.com/maplecart/{DESIGNER}"
        assert job.apply_url == f"https://jobs.ashbyhq.com/maplecart/{DESIGNER}/application"
        assert (job.employment_type, job.category) == (EmploymentType.FULL_TIME, Category.DESIGN)
        assert job.description_text == "Design the checkout."
        assert job.posted is not None
        assert job.posted.value.isoformat() == "2026-01-12T15:04:05.120000+00:00"

    def test_the_primary_and_secondary_addresses_are_both_read(self, items: list[Item]) -> None:
        assert by_id(items)[DESIGNER].locations == (
            Location("Toronto, ON", "Toronto", "ON", "CA"),  # addressCountry "Canada"
            Location("Remote - Canada", None, None, "CA"),
        )
        assert by_id(items)[BACKEND].locations == (Location("Remote - US", None, None, "US"),)

    def test_a_location_without_address_is_read_from_its_text(self, items: list[Item]) -> None:
        assert by_id(items)[WAREHOUSE].locations == (Location("Berlin", "Berlin", None, "DE"),)

    @pytest.mark.parametrize(
        ("job", "workplace", "scope"),
        [
            (DESIGNER, Workplace.HYBRID, None),  # isRemote false, workplaceType Hybrid
            (BACKEND, Workplace.REMOTE, "US"),
            (WAREHOUSE, Workplace.ONSITE, None),  # OnSite
        ],
    )
    def test_the_remote_flag_and_workplace_type_are_read(
        self, items: list[Item], job: str, workplace: Workplace, scope: str | None
    ) -> None:
        assert (by_id(items)[job].workplace, by_id(items)[job].remote_scope) == (workplace, scope)

    def test_only_salary_components_count_equity_does_not(self, items: list[Item]) -> None:
        salary = by_id(items)[DESIGNER].salary
        assert salary == Salary(
            Decimal(95000), Decimal(120000), "CAD", "year", "CA$95K \u2013 CA$120K"
        )

    def test_tiers_make_one_range_from_lowest_to_highest_and_bonus_is_left_out(
        self, items: list[Item]
    ) -> None:
        salary = by_id(items)[BACKEND].salary
        assert salary is not None
        assert (salary.min, salary.max, salary.currency) == (
            Decimal(150000),
            Decimal(185000),
            "USD",
        )
        assert salary.raw == "$165K \u2013 $185K; $150K \u2013 $170K"
        assert by_id(items)[BACKEND].employment_type is EmploymentType.CONTRACT

    def test_pay_the_employer_chose_not_to_show_is_not_shown(self, items: list[Item]) -> None:
        assert by_id(items)[WAREHOUSE].salary is None

    def test_unlisted_jobs_are_left_out_without_an_error(self, items: list[Item]) -> None:
        assert UNLISTED not in by_id(items)
        assert len(items) == 3

    def test_an_unknown_board_answered_with_404_fails_the_fetch(
        self, server: LocalServer, guarded: GuardedClient, tmp_path: Path
    ) -> None:
        source = adapter(AshbySource, server, board="nobody")
        with pytest.raises(httpx.HTTPStatusError) as raised:
            source.download(guarded, tmp_path, etag=None, last_modified=None)
        assert raised.value.response.status_code == 404

    def test_an_unknown_board_answered_as_an_empty_board_is_empty(
        self, server: LocalServer, guarded: GuardedClient, tmp_path: Path
    ) -> None:
        serve(server, "/posting-api/job-board/nobody", b'{"apiVersion": "1", "jobs": []}')
        download, items = fetch(adapter(AshbySource, server, board="nobody"), guarded, tmp_path)
        assert download.complete and items == []

    def test_compensation_printed_at_the_top_level_is_not_given_to_any_job(
        self, tmp_path: Path
    ) -> None:
        # The docs' example misplaces `compensation`: it cannot be told whose it is.
        path = tmp_path / "ashby.json"
        path.write_text(
            '{"apiVersion": "1", "compensation": {"scrapeableCompensationSalarySummary": "$1M"},'
            ' "jobs": [{"id": "j-1", "title": "Engineer", "jobUrl": "https://jobs.example/j-1"}]}'
        )
        (job,) = by_id(list(AshbySource({"board": "a"}).parse([path]))).values()
        assert job.salary is None
