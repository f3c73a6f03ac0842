"""The Jobicy API (feeds.md §5b) served by a local server: pages by cursor, remote regions,
salary fields, and its 400 `{"success": false}` failure shape."""

from __future__ import annotations

from decimal import Decimal
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from jobtracker.kit.http import GuardedClient
from jobtracker.listings.schemas import EmploymentType, Location, Salary, Workplace
from jobtracker.listings.sources.base import InvalidFeed
from jobtracker.listings.sources.jobicy import JobicySource
from jobtracker.tasks.errors import classify
from tests.kit.http.conftest import LocalServer
from tests.listings.sources.conftest import JSON, Item, adapter, by_id, fetch, fixture

PATH = "/api/v2/remote-jobs"
CURSOR = "eyJpZCI6MTYxMTcwfQ"  # the nextCursor of jobicy-1.json


def serve_pages(server: LocalServer, *, second: bytes, second_status: int = 200) -> None:
    """Page 1 without a cursor, `second` for the cursor page 1 hands out."""

    def route(request: BaseHTTPRequestHandler) -> None:
        cursor = parse_qs(urlsplit(request.path).query).get("cursor")
        status, body = (second_status, second) if cursor == [CURSOR] else (200, page_one)
        request.send_response(status)
        request.send_header("Content-Type", JSON)
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)

    page_one = fixture("jobicy-1.json")
    server.routes[PATH] = route


@pytest.fixture
def source(server: LocalServer) -> JobicySource:
    url = "https://jobicy.com/api/v2/remote-jobs?count=2&industry=data-science"
    found = adapter(JobicySource, server, url=url)
    assert isinstance(found, JobicySource)
    return found


@pytest.fixture
def items(
    server: LocalServer, source: JobicySource, guarded: GuardedClient, tmp_path: Path
) -> list[Item]:
    serve_pages(server, second=fixture("jobicy-2.json"))
    download, items = fetch(source, guarded, tmp_path)
    assert download.complete
    return items


class TestJobicySource:
    def test_every_page_is_read_with_the_filters_kept(
        self, items: list[Item], server: LocalServer
    ) -> None:
        assert sorted(by_id(items)) == ["161160", "161164", "161171", "161177"]
        assert server.paths() == [
            f"{PATH}?count=2&industry=data-science",
            f"{PATH}?count=2&industry=data-science&cursor={CURSOR}",
        ]

    def test_a_job_reads_as_on_jobicy(self, items: list[Item]) -> None:
        job = by_id(items)["161177"]
        assert (job.title, job.company) == ("Analytics Engineer", "Quillstone")
        assert job.url == "https://jobicy.com/jobs/161177-analytics-engineer"
        assert job.employment_type is EmploymentType.FULL_TIME
        assert job.description_text == "Own our dbt models.\ndbt\nSnowflake"
        assert job.posted is not None
        assert job.posted.value.isoformat() == "2026-03-08T15:30:00+00:00"
        assert job.salary == Salary(Decimal(55000), Decimal(70000), "GBP", "year")

    def test_every_job_is_remote_within_its_region(self, items: list[Item]) -> None:
        emea = by_id(items)["161177"]
        assert (emea.workplace, emea.remote_scope) == (Workplace.REMOTE, "EMEA, UK")
        assert [place.country for place in emea.locations] == [None, "GB"]
        anywhere = by_id(items)["161171"]
        assert (anywhere.workplace, anywhere.remote_scope) == (Workplace.REMOTE, "Worldwide")
        assert by_id(items)["161164"].locations == (Location("USA", None, None, "US"),)

    def test_entities_in_titles_and_companies_are_read(self, items: list[Item]) -> None:
        job = by_id(items)["161171"]
        assert (job.title, job.company) == (
            "Data Scientist \u2013 Pricing & Forecasting",
            "Tern & Tide",
        )

    def test_the_excerpt_stands_in_for_an_empty_description(self, items: list[Item]) -> None:
        assert by_id(items)["161171"].description_text == "Forecast demand for 40 marinas."

    def test_salary_periods_and_the_older_annual_fields(self, items: list[Item]) -> None:
        hourly = Salary(Decimal(45), Decimal(60), "EUR", "hour")
        annual = Salary(Decimal(120000), Decimal(150000), "USD", "year")  # annualSalaryMin/Max
        assert (by_id(items)["161171"].salary, by_id(items)["161164"].salary) == (hourly, annual)
        assert by_id(items)["161160"].salary is None
        assert by_id(items)["161171"].employment_type is EmploymentType.CONTRACT  # the first one

    def test_the_default_address_is_the_public_api(self) -> None:
        assert JobicySource({}).source_url() == "https://jobicy.com/api/v2/remote-jobs?count=50"

    def test_a_cursor_that_expired_mid_walk_keeps_the_pages_read(
        self, server: LocalServer, source: JobicySource, guarded: GuardedClient, tmp_path: Path
    ) -> None:
        serve_pages(server, second=fixture("jobicy-cursor-expired.json"), second_status=400)
        download, items = fetch(source, guarded, tmp_path)
        assert not download.complete
        assert sorted(by_id(items)) == ["161171", "161177"]

    def test_a_400_on_the_first_page_fails_with_jobicy_s_reason(
        self, server: LocalServer, source: JobicySource, guarded: GuardedClient, tmp_path: Path
    ) -> None:
        body = fixture("jobicy-cursor-expired.json")

        def route(request: BaseHTTPRequestHandler) -> None:
            request.send_response(400)
            request.send_header("Content-Type", JSON)
            request.send_header("Content-Length", str(len(body)))
            request.end_headers()
            request.wfile.write(body)

        server.routes[PATH] = route
        with pytest.raises(httpx.HTTPStatusError, match="Cursor expired") as raised:
            source.download(guarded, tmp_path, etag=None, last_modified=None)
        assert not classify(raised.value).transient

    def test_success_false_served_with_200_is_an_invalid_feed(
        self, server: LocalServer, source: JobicySource, guarded: GuardedClient, tmp_path: Path
    ) -> None:
        serve_pages(server, second=b'{"success": false, "error": "Rate limit"}')
        with pytest.raises(InvalidFeed, match="Jobicy answered an error"):
            source.download(guarded, tmp_path, etag=None, last_modified=None)

    def test_a_truncated_page_fails_the_download(
        self, server: LocalServer, source: JobicySource, guarded: GuardedClient, tmp_path: Path
    ) -> None:
        serve_pages(server, second=fixture("jobicy-2.json")[:700])
        with pytest.raises(InvalidFeed, match="cut short"):
            source.download(guarded, tmp_path, etag=None, last_modified=None)

    def test_a_truncated_page_keeps_the_jobs_of_the_pages_before(
        self, source: JobicySource, tmp_path: Path
    ) -> None:
        first, second = tmp_path / "jobicy-0001.json", tmp_path / "jobicy-0002.json"
        first.write_bytes(fixture("jobicy-1.json"))
        second.write_bytes(fixture("jobicy-2.json")[:700])
        read: list[str | None] = []
        with pytest.raises(InvalidFeed):
            read.extend(item.external_id for item in source.parse([first, second]))
        assert read == ["161177", "161171"]

    def test_a_cursor_handed_out_again_stops_the_walk(
        self, server: LocalServer, source: JobicySource, guarded: GuardedClient, tmp_path: Path
    ) -> None:
        serve_pages(server, second=fixture("jobicy-1.json"))  # page 2 points to itself
        download = source.download(guarded, tmp_path, etag=None, last_modified=None)
        assert (len(download.files), download.complete) == (2, False)
