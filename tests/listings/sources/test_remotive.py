"""The Remotive API (feeds.md §6a) served by a local server: its legal-notice key, naive
dates, remote regions and salary text."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from pydantic import ValidationError

from jobtracker.kit.http import GuardedClient
from jobtracker.listings.schemas import EmploymentType, Salary, Workplace
from jobtracker.listings.sources.remotive import RemotiveSource
from tests.kit.http.conftest import LocalServer
from tests.listings.sources.conftest import Item, adapter, by_id, fetch, fixture, serve

PATH = "/api/remote-jobs"


@pytest.fixture
def items(server: LocalServer, guarded: GuardedClient, tmp_path: Path) -> list[Item]:
    serve(server, PATH, fixture("remotive.json"))
    url = "https://remotive.com/api/remote-jobs?category=software-dev"
    download, items = fetch(adapter(RemotiveSource, server, url=url), guarded, tmp_path)
    assert server.paths() == [f"{PATH}?category=software-dev"]
    assert download.complete
    return items


class TestRemotiveSource:
    def test_a_job_reads_as_on_remotive(self, items: list[Item]) -> None:
        job = by_id(items)["2040117"]
        assert (job.title, job.company) == ("Platform Engineer", "Cobalt Harbor")
        assert job.url == "https://remotive.com/remote-jobs/software-dev/platform-engineer-2040117"
        assert job.employment_type is EmploymentType.FULL_TIME
        assert job.description_text == "Run our clusters."

    def test_the_legal_notice_is_no_job(self, items: list[Item]) -> None:
        assert sorted(by_id(items)) == ["2040117", "2040388", "2040412"] and len(items) == 3

    def test_a_publication_date_without_zone_is_read_as_utc(self, items: list[Item]) -> None:
        posted = by_id(items)["2040388"].posted
        assert posted is not None and posted.value.isoformat() == "2026-03-04T23:30:00+00:00"

    def test_every_job_is_remote_within_the_required_location(self, items: list[Item]) -> None:
        scopes = {key: (job.workplace, job.remote_scope) for key, job in by_id(items).items()}
        assert scopes == {
            "2040117": (Workplace.REMOTE, "Americas"),
            "2040388": (Workplace.REMOTE, "Europe, UK"),
            "2040412": (Workplace.REMOTE, "Worldwide"),
        }
        assert [place.country for place in by_id(items)["2040388"].locations] == [None, "GB"]

    def test_salary_text_is_read_and_kept(self, items: list[Item]) -> None:
        read = Salary(Decimal(120000), Decimal(150000), "USD", "year", "$120k - $150k")
        unreadable = Salary(None, None, None, None, "Competitive")
        assert (by_id(items)["2040117"].salary, by_id(items)["2040388"].salary) == (
            read,
            unreadable,
        )
        assert by_id(items)["2040412"].salary is None  # ""

    def test_entities_emoji_and_scripts(self, items: list[Item]) -> None:
        job = by_id(items)["2040388"]
        assert (job.title, job.company) == ("Content Lead & Editor", "Papier Mâché Studio")
        assert job.description_html == "<p>Own the blog.</p><p>✨ Four-day week.</p>"
        assert job.employment_type is EmploymentType.UNKNOWN  # job_type ""

    def test_the_default_address_is_the_public_api(self) -> None:
        assert RemotiveSource({}).source_url() == "https://remotive.com/api/remote-jobs"

    def test_a_limited_list_is_refused_it_would_take_the_rest_down(self) -> None:
        with pytest.raises(ValidationError, match="url") as raised:
            RemotiveSource({"url": "https://remotive.com/api/remote-jobs?limit=20"})
        assert "leave out `limit`" in str(raised.value)
