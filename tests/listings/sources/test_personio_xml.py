"""The `personio_xml` adapter on feeds in the real shape of feeds.md §4d, and one import run of
it through the worker, end to end."""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from jobtracker.kit.http import GuardedClient
from jobtracker.listings.models import Listing, RunStatus, Source
from jobtracker.listings.schemas import EmploymentType, Location, Precision, Workplace
from jobtracker.listings.sources import adapter_for
from jobtracker.listings.sources.base import InvalidFeed, SourceAdapter
from jobtracker.listings.sources.personio_xml import PersonioXml
from tests.kit.http.conftest import LocalServer
from tests.listings.sources.conftest import fixture
from tests.listings.sources.documents import download_and_parse, records, serve
from tests.listings.test_tasks import live_count, run_import

URL = "https://alpenglow.jobs.personio.de/xml?language=en"
PATH = "/xml"


def personio(server: LocalServer) -> SourceAdapter:
    config = {"url": URL, "base_url": server.url("/")}
    return adapter_for("personio_xml", config, company="Alpenglow")


class TestPersonioFeed:
    def test_every_field_of_a_position_is_mapped(
        self, server: LocalServer, guarded: GuardedClient, tmp_path: Path
    ) -> None:
        serve(server, PATH, fixture("personio.xml"))
        position = records(download_and_parse(personio(server), guarded, tmp_path))["1184221"]
        assert (position.title, position.company) == (
            "Frontend Developer (m/w/d)",
            "Alpenglow Software GmbH",
        )
        assert position.url == "https://alpenglow.jobs.personio.de/job/1184221?language=en"
        assert position.locations == (
            Location("Munich", "Munich", None, "DE"),
            Location("Berlin", "Berlin", None, "DE"),
        )
        assert position.department == "Engineering"
        assert position.employment_type is EmploymentType.FULL_TIME
        assert position.description_text == (
            "Your tasks\nBuild the booking UI\nYour profile\nReact, TypeScript"
        )
        assert "<h3>Your tasks</h3>" in position.description_html
        assert position.posted is not None
        assert position.posted.value.isoformat() == "2026-01-28T10:15:00+00:00"

    def test_escaped_sections_empty_sections_and_a_remote_office(
        self, server: LocalServer, guarded: GuardedClient, tmp_path: Path
    ) -> None:
        serve(server, PATH, fixture("personio.xml"))
        student = records(download_and_parse(personio(server), guarded, tmp_path))["1184390"]
        assert student.title == "Werkstudent Controlling & Reporting"
        assert student.company == "Alpenglow"  # no subcompany: the source's name
        assert student.description_html == (
            "<h3>Deine Aufgaben</h3><ul><li>Monatsabschluss &amp; Reporting</li></ul>"
        )
        assert (student.workplace, student.remote_scope) == (Workplace.REMOTE, "Germany")
        assert student.employment_type is EmploymentType.INTERNSHIP
        assert student.posted is not None and student.posted.precision is Precision.DATE

    def test_permanent_part_time_is_part_time(
        self, server: LocalServer, guarded: GuardedClient, tmp_path: Path
    ) -> None:
        serve(server, PATH, fixture("personio.xml"))
        manager = records(download_and_parse(personio(server), guarded, tmp_path))["1184400"]
        assert manager.employment_type is EmploymentType.PART_TIME
        assert manager.description_html == ""

    @pytest.mark.parametrize(
        "body",
        [
            fixture("personio_empty.xml"),
            b'<?xml version="1.0" encoding="UTF-8"?><workzag-jobs/>',
        ],
    )
    def test_an_empty_board_is_valid_and_yields_nothing(
        self, server: LocalServer, guarded: GuardedClient, tmp_path: Path, body: bytes
    ) -> None:
        serve(server, PATH, body)
        assert download_and_parse(personio(server), guarded, tmp_path) == []

    def test_the_feed_is_a_full_snapshot(self) -> None:
        assert PersonioXml.snapshot is True


class TestPersonioFetching:
    def test_a_second_download_with_last_modified_is_not_modified(
        self, server: LocalServer, guarded: GuardedClient, tmp_path: Path
    ) -> None:
        stamp = "Tue, 10 Mar 2026 07:00:00 GMT"
        serve(server, PATH, fixture("personio.xml"), last_modified=stamp)
        first = personio(server).download(guarded, tmp_path, etag=None, last_modified=None)
        again = personio(server).download(guarded, tmp_path, etag=None, last_modified=stamp)
        assert first.last_modified == stamp and again.not_modified
        assert server.seen[1].headers["If-Modified-Since"] == stamp

    def test_an_unknown_company_is_a_404_html_page(
        self, server: LocalServer, guarded: GuardedClient, tmp_path: Path
    ) -> None:
        serve(server, PATH, fixture("not_found.html"), status=404, content_type="text/html")
        with pytest.raises(httpx.HTTPStatusError) as raised:
            personio(server).download(guarded, tmp_path, etag=None, last_modified=None)
        assert raised.value.response.status_code == 404
        assert b"Page not found" in raised.value.response.content

    def test_a_redirect_to_the_marketing_site_is_not_a_feed(
        self, server: LocalServer, guarded: GuardedClient, tmp_path: Path
    ) -> None:
        server.redirect(PATH, server.url("/en/"), status=301)
        serve(server, "/en/", fixture("not_found.html"), content_type="text/html")
        with pytest.raises(InvalidFeed, match="HTML page where a Personio XML feed"):
            personio(server).download(guarded, tmp_path, etag=None, last_modified=None)

    def test_429_raises_the_status(
        self, server: LocalServer, guarded: GuardedClient, tmp_path: Path
    ) -> None:
        serve(server, PATH, b"", status=429, headers={"Retry-After": "60"})
        with pytest.raises(httpx.HTTPStatusError) as raised:
            personio(server).download(guarded, tmp_path, etag=None, last_modified=None)
        assert raised.value.response.headers["Retry-After"] == "60"

    def test_a_challenge_page_served_with_200_is_not_a_feed(
        self, server: LocalServer, guarded: GuardedClient, tmp_path: Path
    ) -> None:
        serve(server, PATH, fixture("challenge.html"), content_type="text/html")
        with pytest.raises(InvalidFeed, match="HTML page"):
            personio(server).download(guarded, tmp_path, etag=None, last_modified=None)

    def test_a_truncated_feed_yields_the_positions_before_the_cut_then_fails(
        self, server: LocalServer, guarded: GuardedClient, tmp_path: Path
    ) -> None:
        body = fixture("personio.xml")
        serve(server, PATH, body[: body.index(b"<name>Office Manager")])
        download = personio(server).download(guarded, tmp_path, etag=None, last_modified=None)
        items = personio(server).parse(download.files)
        assert [next(items).external_id, next(items).external_id] == ["1184221", "1184390"]
        with pytest.raises(InvalidFeed, match="cut short"):
            next(items)


@pytest.mark.usefixtures("worker")
class TestPersonioImportRun:
    def test_a_run_stores_the_board_a_304_changes_nothing_and_a_challenge_removes_nothing(
        self, committed: sessionmaker[Session], server: LocalServer
    ) -> None:
        serve(server, PATH, fixture("personio.xml"), etag='"board-1"')
        source_id = add_source(committed, server)
        run = run_import(committed, source_id)
        assert (run.status, run.complete) == (RunStatus.SUCCEEDED, True)
        assert (run.fetched, run.new, run.failed) == (3, 3, 0)
        with committed() as session:
            stored = session.scalars(select(Listing).where(Listing.title.like("Frontend%"))).one()
            assert stored.company == "Alpenglow Software GmbH"
            assert [place["city"] for place in stored.locations] == ["Munich", "Berlin"]
            assert stored.url == "https://alpenglow.jobs.personio.de/job/1184221?language=en"
        assert run_import(committed, source_id).status == RunStatus.NOT_MODIFIED
        serve(server, PATH, fixture("challenge.html"), content_type="text/html")
        failed = run_import(committed, source_id)
        assert failed.status == RunStatus.FAILED and "HTML page" in (failed.error or "")
        assert live_count(committed) == 3


def add_source(committed: sessionmaker[Session], server: LocalServer) -> uuid.UUID:
    config = {"url": URL, "base_url": server.url("/")}
    with committed.begin() as session:
        row = Source(kind="personio_xml", name=f"Alpenglow {uuid.uuid4().hex[:6]}", config=config)
        session.add(row)
        session.flush()
        return row.id
