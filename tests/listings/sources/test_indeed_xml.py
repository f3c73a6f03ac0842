"""The `indeed_xml` adapter on a `<source><job>` feed in the real shape of feeds.md §8."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from jobtracker.kit.http import GuardedClient
from jobtracker.listings.schemas import EmploymentType, ItemError, Location, Precision, Workplace
from jobtracker.listings.sources import adapter_for
from jobtracker.listings.sources.base import InvalidFeed, SourceAdapter
from jobtracker.listings.sources.indeed_xml import IndeedXml
from jobtracker.tasks.errors import classify
from tests.kit.http.conftest import LocalServer
from tests.listings.sources.conftest import fixture
from tests.listings.sources.documents import download_and_parse, records, serve

URL = "https://ats.tidewater.example.test/feeds/indeed.xml"
PATH = "/feeds/indeed.xml"


def indeed(server: LocalServer) -> SourceAdapter:
    return adapter_for("indeed_xml", {"url": URL, "base_url": server.url("/")}, company="Tidewater")


class TestIndeedFeed:
    def test_every_field_of_a_job_is_mapped(
        self, server: LocalServer, guarded: GuardedClient, tmp_path: Path
    ) -> None:
        serve(server, PATH, fixture("indeed.xml"))
        job = records(download_and_parse(indeed(server), guarded, tmp_path))["TW-88412-DEN"]
        assert (job.title, job.company) == ("Dental Hygienist", "BrightSmile Dental Group")
        assert job.url == "https://careers.brightsmile.example.test/jobs/88412?src=indeed"
        assert job.locations == (Location("Denver, CO, US", "Denver", "CO", "US"),)
        assert job.workplace is Workplace.UNKNOWN
        assert job.employment_type is EmploymentType.FULL_TIME  # "fulltime, parttime": the first
        assert job.salary is not None
        assert (job.salary.min, job.salary.max) == (Decimal(42), Decimal(50))
        assert (job.salary.currency, job.salary.period) == ("USD", "hour")
        assert (
            job.description_html
            == "<p>Provide preventive care.</p><ul><li>Active CO license</li></ul>"
        )
        assert (
            job.posted is not None and job.posted.value.isoformat() == "2026-03-02T09:00:00+00:00"
        )
        assert job.expires is not None and job.expires.precision is Precision.DATE
        assert job.expires.value.date().isoformat() == "2026-04-30"

    def test_each_location_copy_is_its_own_listing(
        self, server: LocalServer, guarded: GuardedClient, tmp_path: Path
    ) -> None:
        serve(server, PATH, fixture("indeed.xml"))
        found = records(download_and_parse(indeed(server), guarded, tmp_path))
        boulder = found["TW-88412-BOU"]
        assert boulder.company == "BrightSmile Dental Group"  # from sourcename
        assert boulder.locations == (
            Location("Boulder, Colorado, United States", "Boulder", "CO", "US"),
        )
        assert boulder.posted is not None  # RFC 822, as older feeds write it
        assert boulder.posted.value.isoformat() == "2026-02-27T22:49:39+00:00"
        assert boulder.salary is not None and boulder.salary.raw == "Competitive"
        assert boulder.employment_type is EmploymentType.PART_TIME

    def test_remotetype_makes_a_job_remote(
        self, server: LocalServer, guarded: GuardedClient, tmp_path: Path
    ) -> None:
        serve(server, PATH, fixture("indeed.xml"))
        billing = records(download_and_parse(indeed(server), guarded, tmp_path))["TW-90001-REM"]
        assert billing.workplace is Workplace.REMOTE
        assert billing.salary is not None and billing.salary.max == Decimal(48000)

    def test_a_job_without_a_title_is_an_item_error_and_the_rest_is_read(
        self, server: LocalServer, guarded: GuardedClient, tmp_path: Path
    ) -> None:
        serve(server, PATH, fixture("indeed.xml"))
        items = download_and_parse(indeed(server), guarded, tmp_path)
        assert items[-1] == ItemError("TW-90002-XX", "the title is missing")
        assert len(records(items)) == 3

    def test_the_feed_is_a_full_snapshot(self) -> None:
        assert IndeedXml.snapshot is True


class TestIndeedFetching:
    def test_a_second_download_with_the_etag_is_not_modified(
        self, server: LocalServer, guarded: GuardedClient, tmp_path: Path
    ) -> None:
        serve(server, PATH, fixture("indeed.xml"), etag='W/"indeed-42"')
        first = indeed(server).download(guarded, tmp_path, etag=None, last_modified=None)
        again = indeed(server).download(guarded, tmp_path, etag=first.etag, last_modified=None)
        assert first.etag == 'W/"indeed-42"' and again.not_modified

    def test_an_empty_feed_is_a_valid_empty_board(
        self, server: LocalServer, guarded: GuardedClient, tmp_path: Path
    ) -> None:
        empty = b"<?xml version='1.0'?><source><publisher>Tidewater ATS</publisher></source>"
        serve(server, PATH, empty)
        assert download_and_parse(indeed(server), guarded, tmp_path) == []

    def test_429_and_404_raise_the_status(
        self, server: LocalServer, guarded: GuardedClient, tmp_path: Path
    ) -> None:
        serve(server, PATH, b"", status=429, headers={"Retry-After": "30"})
        with pytest.raises(httpx.HTTPStatusError) as raised:
            indeed(server).download(guarded, tmp_path, etag=None, last_modified=None)
        assert classify(raised.value).retry_after == 30.0
        serve(server, PATH, fixture("not_found.html"), status=404, content_type="text/html")
        with pytest.raises(httpx.HTTPStatusError, match="404"):
            indeed(server).download(guarded, tmp_path, etag=None, last_modified=None)

    def test_a_challenge_page_served_with_200_is_not_a_feed(
        self, server: LocalServer, guarded: GuardedClient, tmp_path: Path
    ) -> None:
        serve(server, PATH, fixture("challenge.html"), content_type="text/html")
        with pytest.raises(InvalidFeed, match="HTML page where an Indeed XML feed"):
            indeed(server).download(guarded, tmp_path, etag=None, last_modified=None)

    def test_an_rss_feed_is_not_an_indeed_feed(
        self, server: LocalServer, guarded: GuardedClient, tmp_path: Path
    ) -> None:
        serve(server, PATH, fixture("rss_jobicy.xml"))
        with pytest.raises(InvalidFeed, match="a <rss> document"):
            indeed(server).download(guarded, tmp_path, etag=None, last_modified=None)

    def test_a_truncated_feed_yields_the_jobs_before_the_cut_then_fails(
        self, server: LocalServer, guarded: GuardedClient, tmp_path: Path
    ) -> None:
        body = fixture("indeed.xml")
        serve(server, PATH, body[: body.index(b"Same role")])
        download = indeed(server).download(guarded, tmp_path, etag=None, last_modified=None)
        items = indeed(server).parse(download.files)
        assert next(items).external_id == "TW-88412-DEN"
        with pytest.raises(InvalidFeed, match="Indeed XML feed: cut short"):
            next(items)
