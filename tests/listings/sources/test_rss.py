"""The `rss` adapter on feeds in the real shapes of feeds.md (§4e Teamtailor, §5a Jobicy, §5c
HigherEdJobs, §6d We Work Remotely, §6e Himalayas, and Atom), served by a local server."""

from __future__ import annotations

import tracemalloc
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

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
from jobtracker.listings.sources.base import InvalidFeed
from jobtracker.listings.sources.rss import RssFeed
from jobtracker.tasks.errors import classify
from tests.kit.http.conftest import LocalServer
from tests.listings.sources.conftest import fixture
from tests.listings.sources.documents import download_and_parse, records, serve

JOBICY = "https://jobicy.com/?feed=job_feed"
FEED_PATH = "/"  # the Jobicy URL's path: its query goes along, the server ignores it


def rss(server: LocalServer, url: str = JOBICY, company: str | None = None) -> RssFeed:
    adapter = adapter_for("rss", {"url": url, "base_url": server.url("/")}, company=company)
    assert isinstance(adapter, RssFeed)
    return adapter


def feed_from(
    server: LocalServer,
    client: GuardedClient,
    tmp_path: Path,
    name: str,
    *,
    url: str = JOBICY,
    company: str | None = None,
) -> dict[str, ListingRecord]:
    """The fixture served at the feed URL's path, read by the adapter."""
    serve(server, urlsplit(url).path or "/", fixture(name), content_type="application/rss+xml")
    return records(download_and_parse(rss(server, url, company), client, tmp_path))


def parse_text(tmp_path: Path, document: str) -> list[ListingRecord | ItemError]:
    path = tmp_path / "feed.xml"
    path.write_text(document, encoding="utf-8")
    return list(RssFeed({"url": JOBICY}).parse([path]))


class TestJobicyFeed:
    def test_every_field_of_an_item_is_mapped(
        self, server: LocalServer, guarded: GuardedClient, tmp_path: Path
    ) -> None:
        listing = feed_from(server, guarded, tmp_path, "rss_jobicy.xml")["161205"]
        assert listing.title == "Senior Copywriter \u2013 B2B SaaS"
        assert listing.company == "Pinecrest Analytics"
        assert listing.url == "https://jobicy.com/jobs/161205-senior-copywriter-b2b-saas"
        assert [place.country for place in listing.locations] == ["US", "CA"]
        assert (listing.workplace, listing.remote_scope) == (Workplace.REMOTE, "USA, Canada")
        assert listing.employment_type is EmploymentType.FULL_TIME
        assert listing.salary is not None
        assert (listing.salary.min, listing.salary.max) == (Decimal(60000), Decimal(75000))
        assert (listing.salary.currency, listing.salary.period) == ("USD", "year")
        assert listing.posted is not None and listing.posted.precision is Precision.DATETIME
        assert listing.posted.value.isoformat() == "2026-03-09T06:10:22+00:00"
        assert listing.expires is None
        assert listing.description_text.startswith("Pinecrest Analytics is hiring a copywriter.")

    def test_an_item_without_guid_or_job_type_keeps_its_number_as_id(
        self, server: LocalServer, guarded: GuardedClient, tmp_path: Path
    ) -> None:
        listing = feed_from(server, guarded, tmp_path, "rss_jobicy.xml")["161190"]
        assert listing.company == "Loop & Thread"
        assert (listing.workplace, listing.remote_scope) == (Workplace.REMOTE, "Worldwide")
        assert listing.employment_type is EmploymentType.UNKNOWN
        assert listing.salary is None

    def test_entities_in_titles_are_read_and_descriptions_sanitised(
        self, server: LocalServer, guarded: GuardedClient, tmp_path: Path
    ) -> None:
        listing = feed_from(server, guarded, tmp_path, "rss_jobicy.xml")["161170"]
        assert listing.title == "Data Analyst & Reporting Lead"
        assert (
            "script" not in listing.description_html and "onclick" not in listing.description_html
        )
        assert listing.salary is not None and listing.salary.currency == "EUR"
        assert listing.employment_type is EmploymentType.CONTRACT
        assert listing.posted is not None and listing.posted.value.hour == 8  # +0100 to UTC

    def test_the_feed_is_asked_of_base_url_with_its_query_and_an_xml_accept(
        self, server: LocalServer, guarded: GuardedClient, tmp_path: Path
    ) -> None:
        feed_from(server, guarded, tmp_path, "rss_jobicy.xml")
        assert server.seen[0].path == "/?feed=job_feed"
        assert "application/rss+xml" in server.seen[0].headers["Accept"]

    def test_the_feed_is_windowed(self) -> None:
        assert RssFeed.snapshot is False


class TestFeedShapes:
    def test_teamtailor_company_places_department_and_remote_status(
        self, server: LocalServer, guarded: GuardedClient, tmp_path: Path
    ) -> None:
        url = "https://fjordline.teamtailor.com/jobs.rss"
        found = feed_from(server, guarded, tmp_path, "rss_teamtailor.xml", url=url)
        lead = found["0c5e2f7a-91d3-4f0e-a4b6-1e2d3c4b5a69"]
        assert (lead.company, lead.department) == ("Fjordline Logistics", "Operations")
        assert lead.locations == (Location("Bergen DC", "Bergen", None, "NO"),)
        assert lead.workplace is Workplace.ONSITE
        assert lead.description_html == (
            "<p>Lead the night shift.</p><ul><li>Forklift &amp; safety training</li></ul>"
        )
        planner = found["7d1b3a55-0e2f-4c8a-9b61-2f4e5d6c7b80"]
        assert planner.workplace is Workplace.REMOTE
        assert [place.country for place in planner.locations] == ["NO", "SE"]

    def test_we_work_remotely_company_from_the_title_region_as_scope_and_expiry(
        self, server: LocalServer, guarded: GuardedClient, tmp_path: Path
    ) -> None:
        url = "https://weworkremotely.com/remote-jobs.rss"
        found = feed_from(server, guarded, tmp_path, "rss_wwr.xml", url=url)
        rails = found[
            "https://weworkremotely.com/remote-jobs/ridgeway-health-senior-rails-developer"
        ]
        assert (rails.company, rails.title) == ("Ridgeway Health", "Senior Rails Developer")
        assert (rails.workplace, rails.remote_scope) == (Workplace.REMOTE, "USA Only")
        assert rails.locations == (Location("United States", None, None, "US"),)
        assert rails.category is Category.BACKEND
        assert rails.expires is not None
        assert rails.expires.value.isoformat() == "2026-04-05T18:20:11+00:00"
        designer = found[
            "https://weworkremotely.com/remote-jobs/tidepool-studio-product-designer-mobile"
        ]
        assert (designer.company, designer.title) == ("Tidepool Studio", "Product Designer: Mobile")
        assert designer.remote_scope == "Worldwide"

    def test_higheredjobs_institution_from_the_title_and_a_named_zone(
        self, server: LocalServer, guarded: GuardedClient, tmp_path: Path
    ) -> None:
        url = "https://www.higheredjobs.com/rss/categoryFeed.cfm?catID=68"
        found = feed_from(server, guarded, tmp_path, "rss_higheredjobs.xml", url=url)
        (listing,) = found.values()
        assert listing.external_id == "https://www.higheredjobs.com/details.cfm?JobCode=178812345"
        assert (listing.title, listing.company) == (
            "Assistant Professor of Chemistry",
            "Lakeside State University",
        )
        assert listing.posted is not None
        assert listing.posted.value.isoformat() == "2026-03-05T19:00:00+00:00"  # EST is -0500

    def test_himalayas_undeclared_prefixes_are_read_and_do_not_stop_the_parse(
        self, server: LocalServer, guarded: GuardedClient, tmp_path: Path
    ) -> None:
        url = "https://himalayas.app/jobs/rss"
        found = feed_from(server, guarded, tmp_path, "rss_himalayas.xml", url=url)
        writer = found["https://himalayas.app/companies/arcwise/jobs/technical-writer"]
        assert writer.company == "Arcwise"
        assert (writer.workplace, writer.remote_scope) == (
            Workplace.REMOTE,
            "United States, Canada",
        )
        assert writer.employment_type is EmploymentType.CONTRACT
        assert writer.description_text == "Document our SDKs.\nWrite guides & references."
        assert len(found) == 2

    def test_an_atom_feed(
        self, server: LocalServer, guarded: GuardedClient, tmp_path: Path
    ) -> None:
        url = "https://careers.kelpworks.example.test/jobs.atom"
        found = feed_from(server, guarded, tmp_path, "atom.xml", url=url, company="Kelpworks")
        sre = found["tag:kelpworks.example.test,2026:job-2207"]
        assert (sre.title, sre.company) == ("Platform Engineer & SRE", "Kelpworks")
        assert sre.url == "https://careers.kelpworks.example.test/jobs/2207"
        assert sre.description_html == "<p>Run our <b>Kubernetes</b> clusters in Lisbon.</p>"
        assert (
            sre.posted is not None and sre.posted.value.isoformat() == "2026-03-02T07:30:00+00:00"
        )
        assert sre.updated is not None and sre.updated.value.day == 6
        frontend = found["tag:kelpworks.example.test,2026:job-2210"]
        assert frontend.description_text == "Build the booking UI."
        assert "<em>booking</em>" in frontend.description_html


class TestEscaping:
    """HTML escaped inside XML is unescaped exactly once per layer it has."""

    @pytest.mark.parametrize(
        ("description", "html", "text"),
        [
            ("<![CDATA[<p>AT&amp;T &lt;3</p>]]>", "<p>AT&amp;T &lt;3</p>", "AT&T <3"),
            ("&lt;p&gt;Fish &amp;amp; chips&lt;/p&gt;", "<p>Fish &amp; chips</p>", "Fish & chips"),
            ("&amp;lt;p&amp;gt;Twice&amp;lt;/p&amp;gt;", "<p>Twice</p>", "Twice"),
            ("R&amp;amp;amp;D, not R&amp;D", "R&amp;amp;D, not R&amp;D", "R&amp;D, not R&D"),
        ],
    )
    def test_each_layer_once(self, tmp_path: Path, description: str, html: str, text: str) -> None:
        item = (
            "<item><title>Tester</title><guid>t-1</guid><link>https://jobs.example.test/1</link>"
            f"<description>{description}</description></item>"
        )
        (listing,) = parse_text(tmp_path, f'<rss version="2.0"><channel>{item}</channel></rss>')
        assert isinstance(listing, ListingRecord)
        assert (listing.description_html, listing.description_text) == (html, text)

    def test_an_item_without_a_link_is_an_item_error_and_the_parse_goes_on(
        self, tmp_path: Path
    ) -> None:
        items = (
            "<item><title>No link</title><guid>x-1</guid></item>"
            "<item><title>Fine</title><link>https://jobs.example.test/2</link></item>"
        )
        bad, good = parse_text(tmp_path, f"<rss><channel>{items}</channel></rss>")
        assert isinstance(bad, ItemError) and bad.external_id == "x-1"
        assert isinstance(good, ListingRecord) and good.external_id == "https://jobs.example.test/2"


class TestFetching:
    def test_a_second_download_with_the_validators_is_not_modified(
        self, server: LocalServer, guarded: GuardedClient, tmp_path: Path
    ) -> None:
        body = fixture("rss_jobicy.xml")
        modified = "Mon, 09 Mar 2026 06:15:00 GMT"
        serve(server, FEED_PATH, body, etag='"feed-v7"', last_modified=modified)
        first = rss(server).download(guarded, tmp_path, etag=None, last_modified=None)
        assert (first.etag, first.last_modified, first.complete) == ('"feed-v7"', modified, True)
        again = rss(server).download(guarded, tmp_path, etag=first.etag, last_modified=modified)
        assert again.not_modified and again.files == []
        assert (again.etag, again.last_modified) == ('"feed-v7"', modified)
        assert server.seen[1].headers["If-None-Match"] == '"feed-v7"'

    def test_an_empty_feed_is_valid_and_yields_nothing(
        self, server: LocalServer, guarded: GuardedClient, tmp_path: Path
    ) -> None:
        empty = (
            b'<?xml version="1.0"?><rss version="2.0"><channel><title>Jobs</title></channel></rss>'
        )
        serve(server, FEED_PATH, empty)
        assert download_and_parse(rss(server), guarded, tmp_path) == []

    def test_an_unknown_feed_is_a_404(
        self, server: LocalServer, guarded: GuardedClient, tmp_path: Path
    ) -> None:
        serve(server, FEED_PATH, fixture("not_found.html"), status=404, content_type="text/html")
        with pytest.raises(httpx.HTTPStatusError) as raised:
            rss(server).download(guarded, tmp_path, etag=None, last_modified=None)
        assert raised.value.response.status_code == 404

    def test_429_is_retried_after_the_time_the_server_asks(
        self, server: LocalServer, guarded: GuardedClient, tmp_path: Path
    ) -> None:
        serve(server, FEED_PATH, b"slow down", status=429, headers={"Retry-After": "120"})
        with pytest.raises(httpx.HTTPStatusError) as raised:
            rss(server).download(guarded, tmp_path, etag=None, last_modified=None)
        verdict = classify(raised.value)
        assert (verdict.transient, verdict.retry_after) == (True, 120.0)

    def test_a_challenge_page_served_with_200_is_not_a_feed(
        self, server: LocalServer, guarded: GuardedClient, tmp_path: Path
    ) -> None:
        serve(server, FEED_PATH, fixture("challenge.html"), content_type="text/html")
        with pytest.raises(InvalidFeed, match="HTML page where an RSS or Atom feed"):
            rss(server).download(guarded, tmp_path, etag=None, last_modified=None)

    def test_json_where_a_feed_was_expected_is_not_a_feed(
        self, server: LocalServer, guarded: GuardedClient, tmp_path: Path
    ) -> None:
        serve(server, FEED_PATH, b'{"jobs": []}', content_type="application/json")
        with pytest.raises(InvalidFeed, match="no XML document"):
            rss(server).download(guarded, tmp_path, etag=None, last_modified=None)

    def test_a_truncated_feed_yields_the_items_before_the_cut_then_fails(
        self, server: LocalServer, guarded: GuardedClient, tmp_path: Path
    ) -> None:
        body = fixture("rss_jobicy.xml")
        serve(server, FEED_PATH, body[: body.index(b"<title>Data Analyst")])
        download = rss(server).download(guarded, tmp_path, etag=None, last_modified=None)
        items = rss(server).parse(download.files)
        ids = [next(items).external_id, next(items).external_id]
        assert ids == ["161205", "161190"]
        with pytest.raises(InvalidFeed, match="cut short or not well-formed"):
            next(items)


class TestBoundedMemory:
    def test_a_50000_item_feed_parses_in_bounded_memory(self, tmp_path: Path) -> None:
        """tracemalloc sees Python's heap; the parsed tree lives in libxml2's, which only the
        process's resident size shows (an item never released grows it by ~100 MB here)."""
        path = tmp_path / "big.xml"
        write_big_feed(path, items=50_000)
        assert path.stat().st_size > 45_000_000
        start_resident = resident_bytes()
        most_resident = start_resident
        tracemalloc.start()
        try:
            count = 0
            # The stream alone: reading each posting is the same work whatever the feed's size.
            for count, _ in enumerate(RssFeed({"url": JOBICY}).postings([path]), 1):
                if count % 2000 == 0:
                    most_resident = max(most_resident, resident_bytes())
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert count == 50_000
        assert peak < 50_000_000
        assert most_resident - start_resident < 50_000_000


def write_big_feed(path: Path, *, items: int) -> None:
    body = "<p>" + "Build and run our services. " * 30 + "</p>"
    with path.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0"?><rss version="2.0"><channel><title>Big</title>')
        for number in range(items):
            out.write(
                f"<item><title>Engineer {number}</title><guid>job-{number}</guid>"
                f"<link>https://jobs.example.test/{number}</link>"
                f"<description><![CDATA[{body}]]></description></item>"
            )
        out.write("</channel></rss>")


def resident_bytes() -> int:
    """This process's resident set size (Linux)."""
    with Path("/proc/self/statm").open() as statm:
        return int(statm.read().split()[1]) * 4096
