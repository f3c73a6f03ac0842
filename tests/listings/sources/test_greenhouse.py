"""Greenhouse boards (feeds.md §1) served by a local server: the mapping and its quirks, and
one real import run of a board through the worker."""

from __future__ import annotations

import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from jobtracker.kit.http import GuardedClient
from jobtracker.listings.models import Listing, RunStatus, Source
from jobtracker.listings.schemas import (
    Category,
    EmploymentType,
    ItemError,
    Location,
    Precision,
    Workplace,
)
from jobtracker.listings.sources.greenhouse import GreenhouseSource
from tests.kit.http.conftest import LocalServer
from tests.listings.sources.conftest import Item, adapter, by_id, fetch, fixture, serve
from tests.listings.test_tasks import run_import

PATH = "/v1/boards/northwindrobotics/jobs"


@pytest.fixture
def items(server: LocalServer, guarded: GuardedClient, tmp_path: Path) -> list[Item]:
    serve(server, PATH, fixture("greenhouse.json"))
    source = adapter(GreenhouseSource, server, company="Northwind", board="northwindrobotics")
    return fetch(source, guarded, tmp_path)[1]


class TestGreenhouseSource:
    def test_a_posting_reads_as_on_the_board(self, items: list[Item]) -> None:
        job = by_id(items)["7410021"]
        assert (job.title, job.company) == ("Senior Data Engineer", "Northwind Robotics")
        assert job.url == "https://boards.greenhouse.io/northwindrobotics/jobs/7410021"
        assert job.department == "Data Platform"
        assert job.employment_type is EmploymentType.FULL_TIME  # from the custom field
        assert job.category is Category.DATA_ENGINEERING
        assert job.posted is not None and job.posted.value.isoformat() == (
            "2026-02-20T13:00:00+00:00"
        )
        assert job.updated is not None and job.updated.precision is Precision.DATETIME

    def test_the_escaped_content_becomes_safe_html_and_text(self, items: list[Item]) -> None:
        job = by_id(items)["7410021"]
        assert job.description_html == (
            "<p>We build warehouse robots.</p><ul><li>Python &amp; SQL</li></ul>"
        )
        assert job.description_text == "We build warehouse robots.\nPython & SQL"
        twice = by_id(items)["7410388"]  # escaped once more: &amp;lt;p&amp;gt;
        assert twice.description_html == "<p>Install and service our fleet.</p>"

    def test_places_packed_in_one_string_are_each_read(self, items: list[Item]) -> None:
        lisbon = by_id(items)["7410021"]
        assert lisbon.locations == (
            Location("Lisbon", "Lisbon", None, "PT"),
            Location("Remote - Portugal", None, None, "PT"),
        )
        assert (lisbon.workplace, lisbon.remote_scope) == (Workplace.REMOTE, "Portugal")
        coasts = by_id(items)["7410388"]  # "New York, NY | San Francisco, CA"
        assert [(place.city, place.region) for place in coasts.locations] == [
            ("New York", "NY"),
            ("San Francisco", "CA"),
        ]

    def test_custom_fields_give_the_workplace_and_employment_type(self, items: list[Item]) -> None:
        job = by_id(items)["7410388"]
        assert job.workplace is Workplace.HYBRID  # "Workplace Type": "Hybrid"
        assert job.employment_type is EmploymentType.CONTRACT  # a multi-select: ["Contract"]

    def test_pay_ranges_in_cents_become_one_salary_across_zones(self, items: list[Item]) -> None:
        salary = by_id(items)["7410388"].salary
        assert salary is not None
        assert (salary.min, salary.max, salary.currency) == (Decimal(65000), Decimal(91000), "USD")

    def test_a_board_without_company_name_takes_the_sources_name(self, items: list[Item]) -> None:
        job = by_id(items)["7410388"]
        assert (job.company, job.title) == ("Northwind", "Field Robotics Technician & Trainer")
        assert job.expires is not None and job.expires.precision is Precision.DATE

    def test_offices_stand_in_for_an_empty_location(self, items: list[Item]) -> None:
        job = by_id(items)["7410402"]
        assert job.locations == (Location("Toronto, ON, Canada", "Toronto", "ON", "CA"),)
        assert job.employment_type is EmploymentType.UNKNOWN  # metadata: null

    def test_scripts_and_handlers_in_the_content_are_dropped(self, items: list[Item]) -> None:
        job = by_id(items)["7410402"]
        assert job.description_html == "<p>Tell us about you.</p><p>Café&nbsp;included</p>"
        assert job.description_text == "Tell us about you.\nCafé included"

    def test_a_posting_without_title_is_an_item_error_and_the_others_are_read(
        self, items: list[Item]
    ) -> None:
        assert ItemError(external_id="7410555", reason="the title is missing") in items
        assert sorted(by_id(items)) == ["7410021", "7410388", "7410402"]


@pytest.mark.usefixtures("worker")
class TestGreenhouseImport:
    """A real import run of a Greenhouse board, by the worker, from the local server."""

    def add_source(self, committed: sessionmaker[Session], server: LocalServer) -> uuid.UUID:
        config = {"board": "northwindrobotics", "base_url": server.url("")}
        with committed.begin() as session:
            row = Source(kind="greenhouse", name=f"Northwind {uuid.uuid4().hex[:6]}", config=config)
            session.add(row)
            session.flush()
            return row.id

    def test_a_board_is_imported_unchanged_next_time_and_taken_down_when_emptied(
        self, committed: sessionmaker[Session], server: LocalServer
    ) -> None:
        serve(server, PATH, fixture("greenhouse.json"))
        source_id = self.add_source(committed, server)
        run = run_import(committed, source_id)
        assert (run.status, run.complete) == (RunStatus.SUCCEEDED, True)
        assert (run.fetched, run.new, run.failed) == (4, 3, 1)
        assert run.item_errors == [{"external_id": "7410555", "reason": "the title is missing"}]
        with committed() as session:
            listing = session.scalars(select(Listing).where(Listing.title.like("Field%"))).one()
            assert (listing.workplace, listing.salary_min) == ("hybrid", Decimal(65000))
        assert run_import(committed, source_id).status == RunStatus.NOT_MODIFIED
        # Served without validators, so both runs read it afresh: a 304 counts no miss.
        serve(server, PATH, b'{"jobs": [], "meta": {"total": 0}}', etag=None)
        first, second = run_import(committed, source_id), run_import(committed, source_id)
        assert (first.removed, second.removed) == (0, 3)
        with committed() as session:
            assert session.scalar(select(Listing.removed_at).limit(1)) is not None
