"""One-document sources: the URL fetched, and what is not the document expected."""

from __future__ import annotations

from pathlib import Path

import pytest

from jobtracker.listings.sources.base import vendor_url
from jobtracker.listings.sources.document import challenge_in, root_name
from tests.listings.sources.conftest import fixture


class TestVendorUrl:
    @pytest.mark.parametrize(
        ("url", "base", "fetched"),
        [
            ("https://jobicy.com/?feed=job_feed", None, "https://jobicy.com/?feed=job_feed"),
            (
                "https://jobicy.com/?feed=job_feed",
                "http://127.0.0.1:8001",
                "http://127.0.0.1:8001/?feed=job_feed",
            ),
            (
                "https://alpenglow.jobs.personio.de/xml?language=en",
                "http://127.0.0.1:8001/",
                "http://127.0.0.1:8001/xml?language=en",
            ),
            (
                "https://careers.example.test/jobs#top",
                "http://localhost:8000/demo/",
                "http://localhost:8000/demo/jobs",
            ),
        ],
    )
    def test_base_url_replaces_scheme_and_host(
        self, url: str, base: str | None, fetched: str
    ) -> None:
        assert vendor_url(url, base) == fetched


class TestChallengeIn:
    def test_a_cloudflare_challenge_is_named(self) -> None:
        assert challenge_in(fixture("challenge.html").decode()) == "Cloudflare"

    def test_an_incapsula_page_is_named(self) -> None:
        page = '<html><head><META NAME="robots"></head><iframe src="/_Incapsula_Resource?x=1">'
        assert challenge_in(page) == "Incapsula"

    def test_a_careers_page_is_not_a_challenge(self) -> None:
        assert challenge_in(fixture("jsonld_posting.html").decode()) is None


class TestRootName:
    def test_the_root_of_a_feed(self, tmp_path: Path) -> None:
        path = tmp_path / "feed.xml"
        path.write_bytes(fixture("personio.xml"))
        assert root_name(path) == "workzag-jobs"

    def test_an_html_page_has_its_html_root(self, tmp_path: Path) -> None:
        path = tmp_path / "page.html"
        path.write_bytes(fixture("challenge.html"))
        assert root_name(path) == "html"

    @pytest.mark.parametrize("body", [b'{"jobs": []}', b"", b"<!-- nothing -->"])
    def test_what_is_not_xml_has_none(self, tmp_path: Path, body: bytes) -> None:
        path = tmp_path / "answer"
        path.write_bytes(body)
        assert root_name(path) is None
