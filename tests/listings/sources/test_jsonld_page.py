"""The `jsonld_page` adapter, and the two functions "clip a job from any page" reuses, on
pages in the shapes of feeds.md §7 (one posting; many, in @graph, ItemList, arrays and broken
JSON; none)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from jobtracker.kit.http import GuardedClient
from jobtracker.listings.schemas import (
    Category,
    EmploymentType,
    ItemError,
    ListingRecord,
    Location,
    Precision,
    Workplace,
)
from jobtracker.listings.sources import adapter_for
from jobtracker.listings.sources.base import InvalidFeed, SourceAdapter
from jobtracker.listings.sources.jsonld_page import JsonLdPage, job_postings_in, page_summary
from tests.kit.http.conftest import LocalServer
from tests.listings.sources.conftest import fixture
from tests.listings.sources.documents import download_and_parse, records, serve

POSTING_URL = "https://saltmarsh.example.test/careers/sre"
CAREERS_URL = "https://harborlight.example.test/careers"
HTML = "text/html; charset=utf-8"


def page(server: LocalServer, url: str = CAREERS_URL) -> SourceAdapter:
    return adapter_for("jsonld_page", {"url": url, "base_url": server.url("/")}, company="Harbor")


def careers() -> dict[str, ListingRecord]:
    return records(job_postings_in(fixture("jsonld_careers.html"), page_url=CAREERS_URL))


class TestOnePosting:
    def test_every_field_of_a_posting_is_mapped(self) -> None:
        (posting,) = job_postings_in(fixture("jsonld_posting.html"), page_url=POSTING_URL)
        assert isinstance(posting, ListingRecord)
        assert posting.source_kind == "jsonld_page"
        assert (posting.external_id, posting.url) == ("SRE-2026-014", POSTING_URL)
        assert (posting.title, posting.company) == ("Site Reliability Engineer", "Saltmarsh Games")
        assert posting.locations == (
            Location("Kraków, Lesser Poland, PL", "Kraków", "Lesser Poland", "PL"),
        )
        assert (posting.workplace, posting.remote_scope) == (Workplace.REMOTE, "Poland")
        assert posting.employment_type is EmploymentType.FULL_TIME
        assert posting.salary is not None
        assert (posting.salary.min, posting.salary.max) == (Decimal(18000), Decimal(24000))
        assert (posting.salary.currency, posting.salary.period) == ("PLN", "month")
        assert posting.posted is not None and posting.posted.precision is Precision.DATE
        assert posting.posted.value.date().isoformat() == "2026-03-01"  # never the day before
        assert posting.expires is not None
        assert posting.expires.value.isoformat() == "2026-04-30T21:59:59+00:00"
        assert posting.description_text == "Keep Saltmarsh Games online.\nLinux\nGo"
        assert posting.category is Category.DEVOPS

    def test_a_string_of_the_page_reads_like_its_bytes(self) -> None:
        as_text = job_postings_in(fixture("jsonld_posting.html").decode(), page_url=POSTING_URL)
        assert as_text == job_postings_in(fixture("jsonld_posting.html"), page_url=POSTING_URL)

    def test_a_page_without_postings_gives_none(self) -> None:
        assert job_postings_in(fixture("jsonld_none.html"), page_url=CAREERS_URL) == []

    def test_a_page_that_is_not_html_gives_none(self) -> None:
        assert job_postings_in(b"", page_url=CAREERS_URL) == []


class TestManyPostings:
    def test_postings_in_a_graph_item_list_are_found_with_relative_urls_resolved(self) -> None:
        qa = careers()["https://harborlight.example.test/jobs/qa-engineer"]  # via <base href>
        assert (qa.title, qa.company) == ("QA Engineer", "Harborlight Studios")
        assert qa.description_html == "<p>Break our builds before players do.</p>"  # 2 layers
        assert qa.locations == (Location("Athens, Attica, Greece", "Athens", "Attica", "GR"),)
        assert qa.employment_type is EmploymentType.CONTRACT
        assert qa.salary is not None
        assert (qa.salary.min, qa.salary.max, qa.salary.period) == (
            Decimal(32),
            Decimal(32),
            "hour",
        )
        assert qa.posted is not None and qa.posted.value.hour == 10  # no zone: read as UTC

    def test_a_prefixed_type_string_ids_address_strings_and_several_types(self) -> None:
        gameplay = careers()["GP-77"]
        assert [place.raw for place in gameplay.locations] == ["Thessaloniki, Greece", "Remote, GR"]
        assert gameplay.employment_type is EmploymentType.FULL_TIME
        assert gameplay.salary is not None and gameplay.salary.max == Decimal(52000)
        assert gameplay.expires is not None and gameplay.expires.precision is Precision.DATE

    def test_broken_json_in_an_html_comment_is_repaired(self) -> None:
        level = careers()["4410"]
        assert level.description_text == "Build worlds with care."  # a raw line break inside
        assert (level.workplace, level.remote_scope) == (Workplace.REMOTE, "Greece, Cyprus")
        assert level.url == CAREERS_URL  # no url of its own: the page's
        assert level.salary is not None and level.salary.min == Decimal(41000)

    def test_a_posting_without_a_title_is_an_item_error(self) -> None:
        found = job_postings_in(fixture("jsonld_careers.html"), page_url=CAREERS_URL)
        assert ItemError("NT-1", "the title is missing") in found
        assert len(records(found)) == 3

    def test_postings_without_ids_on_one_page_are_told_apart_by_title(self) -> None:
        blocks = "".join(
            '<script type="application/ld+json">'
            f'{{"@type": "JobPosting", "title": "{title}", "description": "x"}}</script>'
            for title in ("Welder", "Electrician", "Welder")
        )
        found = job_postings_in(f"<html><head>{blocks}</head></html>", page_url=CAREERS_URL)
        assert [item.external_id for item in found] == [
            f"{CAREERS_URL}#Welder",
            f"{CAREERS_URL}#Electrician",
        ]

    def test_a_block_beyond_repair_is_said_so(self) -> None:
        block = '<script type="application/ld+json">{{ posting | json }}</script>'
        (error,) = job_postings_in(f"<html><head>{block}</head></html>", page_url=CAREERS_URL)
        assert isinstance(error, ItemError) and error.external_id is None
        assert error.reason.startswith("a JSON-LD block cannot be read")


class TestPageSummary:
    def test_opengraph_first(self) -> None:
        summary = page_summary(fixture("jsonld_posting.html"), POSTING_URL)
        assert summary == {
            "title": "Site Reliability Engineer",
            "page_title": "Site Reliability Engineer \u2013 Saltmarsh Games Careers",
            "site_name": "Saltmarsh Games",
            "description": "Keep Saltmarsh Games online.",
            "url": "https://saltmarsh.example.test/careers/sre-2026-014",
        }

    def test_the_title_and_meta_description_without_opengraph(self) -> None:
        summary = page_summary(fixture("jsonld_none.html"), "https://kestrel.example.test/c?x=1")
        assert summary["title"] == summary["page_title"] == "Careers | Kestrel Maps"
        assert summary["site_name"] is None
        assert summary["description"] == "We have no open roles right now."
        assert summary["url"] == "https://kestrel.example.test/careers"  # the canonical link

    def test_a_page_with_nothing_says_nothing(self) -> None:
        summary = page_summary("<p>hi</p>", "https://example.test/")
        assert (summary["title"], summary["url"]) == (None, "https://example.test/")


class TestJsonLdSource:
    def test_a_careers_page_is_read_through_the_server(
        self, server: LocalServer, guarded: GuardedClient, tmp_path: Path
    ) -> None:
        serve(server, "/careers", fixture("jsonld_careers.html"), content_type=HTML)
        found = download_and_parse(page(server), guarded, tmp_path)
        assert set(records(found)) == {
            "https://harborlight.example.test/jobs/qa-engineer",
            "GP-77",
            "4410",
        }
        assert "text/html" in server.seen[0].headers["Accept"]

    def test_the_company_of_the_source_stands_in(
        self, server: LocalServer, guarded: GuardedClient, tmp_path: Path
    ) -> None:
        posting = '{"@type": "JobPosting", "title": "Baker", "identifier": "B-1"}'
        body = f'<script type="application/ld+json">{posting}</script>'.encode()
        serve(server, "/careers", body, content_type=HTML)
        (baker,) = download_and_parse(page(server), guarded, tmp_path)
        assert isinstance(baker, ListingRecord) and baker.company == "Harbor"

    def test_a_page_without_postings_is_a_valid_empty_board(
        self, server: LocalServer, guarded: GuardedClient, tmp_path: Path
    ) -> None:
        serve(server, "/careers", fixture("jsonld_none.html"), content_type=HTML)
        assert download_and_parse(page(server), guarded, tmp_path) == []
        assert JsonLdPage.snapshot is True

    def test_an_unreadable_block_makes_the_page_incomplete(
        self, server: LocalServer, guarded: GuardedClient, tmp_path: Path
    ) -> None:
        good = '{"@type": "JobPosting", "title": "Baker", "identifier": "B-1"}'
        blocks = f"<script type='application/ld+json'>{good}</script>" + (
            "<script type='application/ld+json'>{% for job in jobs %}</script>"
        )
        serve(server, "/careers", blocks.encode(), content_type=HTML)
        download = page(server).download(guarded, tmp_path, etag=None, last_modified=None)
        items = page(server).parse(download.files)
        assert next(items).external_id == "B-1"
        with pytest.raises(InvalidFeed, match="JSON-LD block of the page cannot be read"):
            next(items)

    def test_a_second_download_with_the_etag_is_not_modified(
        self, server: LocalServer, guarded: GuardedClient, tmp_path: Path
    ) -> None:
        serve(server, "/careers", fixture("jsonld_careers.html"), content_type=HTML, etag='"c3"')
        first = page(server).download(guarded, tmp_path, etag=None, last_modified=None)
        again = page(server).download(guarded, tmp_path, etag=first.etag, last_modified=None)
        assert again.not_modified and again.etag == '"c3"'

    def test_a_challenge_page_served_with_200_is_not_the_page(
        self, server: LocalServer, guarded: GuardedClient, tmp_path: Path
    ) -> None:
        serve(server, "/careers", fixture("challenge.html"), content_type=HTML)
        with pytest.raises(InvalidFeed, match=r"bot-challenge page \(Cloudflare\)"):
            page(server).download(guarded, tmp_path, etag=None, last_modified=None)

    @pytest.mark.parametrize(
        ("body", "content_type", "problem"),
        [
            (b'{"jobs": []}', "application/json", "application/json where a page"),
            (b"   ", HTML, "an empty page"),
        ],
    )
    def test_what_is_not_a_page_is_not_a_page(
        self,
        server: LocalServer,
        guarded: GuardedClient,
        tmp_path: Path,
        body: bytes,
        content_type: str,
        problem: str,
    ) -> None:
        serve(server, "/careers", body, content_type=content_type)
        with pytest.raises(InvalidFeed, match=problem):
            page(server).download(guarded, tmp_path, etag=None, last_modified=None)

    @pytest.mark.parametrize("status", [404, 410, 429, 503])
    def test_error_statuses_raise(
        self, server: LocalServer, guarded: GuardedClient, tmp_path: Path, status: int
    ) -> None:
        serve(server, "/careers", b"gone", status=status, content_type=HTML)
        with pytest.raises(httpx.HTTPStatusError) as raised:
            page(server).download(guarded, tmp_path, etag=None, last_modified=None)
        assert raised.value.response.status_code == status
