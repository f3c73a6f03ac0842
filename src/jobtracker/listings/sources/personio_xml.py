"""Personio's XML job feed (`personio_xml`): `https://{company}.jobs.personio.de/xml?language=en`
(config `url`; `.jobs.personio.com` serves the same). feeds.md §4d.

A full snapshot (`snapshot = True`): the feed lists every published position, so a position
absent from a complete feed was unpublished. `<workzag-jobs></workzag-jobs>` (or
`<workzag-jobs/>`) is a valid empty board; an unknown company answers 404 with an HTML page
(an `httpx.HTTPStatusError`), or redirects to personio.de's HTML site (`InvalidFeed`).

Root `<workzag-jobs>` (with a hyphen), one `<position>` per job: `id`, `name` (the title),
`subcompany` (the company, else the source's name), `office` plus `additionalOffices/office`,
`department`, `jobDescriptions/jobDescription{name, value}` (HTML sections in CDATA, or
entity-escaped in some feeds: joined with their names as headings), `employmentType`
(permanent, intern, trainee, freelance) with `schedule` (full-time, part-time), `createdAt`.
The feed carries no posting URL: it is `https://{company host}/job/{id}` (the feed's host, not
`base_url`), with the feed's `language`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

from jobtracker.kit.http import FetchResult
from jobtracker.listings.normalize import build_record, join_sections
from jobtracker.listings.schemas import ItemError, ListingRecord
from jobtracker.listings.sources.base import Outcome, Posting
from jobtracker.listings.sources.document import DocumentSource, expect_xml
from jobtracker.listings.sources.xml_stream import (
    Fields,
    item_bytes,
    parse_item,
    stream_items,
    text_of,
)

ACCEPT = "application/xml, text/xml;q=0.9"
WHAT = "Personio XML feed"


class PersonioXml(DocumentSource):
    """A Personio company's XML feed of positions (see the module's docstring)."""

    kind: ClassVar[str] = "personio_xml"
    snapshot: ClassVar[bool] = True
    accept: ClassVar[str] = ACCEPT

    def check(self, path: Path, result: FetchResult) -> None:
        expect_xml(path, result, roots={"workzag-jobs"}, what=f"a {WHAT} (<workzag-jobs>)")

    def postings(self, files: list[Path]) -> Iterator[Posting]:
        for path in files:
            for position in stream_items(
                path, items=("position",), roots=("workzag-jobs",), what=WHAT
            ):
                yield Posting(item_bytes(position))

    def read(self, posting: Posting) -> list[Outcome]:
        return [self.record(Fields(parse_item(posting.raw)))]

    def record(self, position: Fields) -> ListingRecord | ItemError:
        """One `<position>` as a listing."""
        identifier = position.text("id")
        return build_record(
            source_kind=self.kind, external_id=identifier, title=position.text("name"),
            url=self.posting_url(identifier),
            company=position.text("subcompany") or self.company,
            locations=_offices(position), department=position.text("department"),
            employment_type=_terms(position),
            description_html=_description(position), posted=position.text("createdAt"),
            skills=(position.text("keywords") or "").split(","),
        )  # fmt: skip

    def posting_url(self, identifier: str | None) -> str | None:
        """The position's page on the company's Personio site, in the feed's language."""
        if not identifier:
            return None
        feed = urlsplit(str(self.feed_config.url))
        language = parse_qs(feed.query).get("language", [])[:1]
        query = urlencode({"language": language[0]}) if language else ""
        return urlunsplit((feed.scheme, feed.netloc, f"/job/{identifier}", query, ""))


def _terms(position: Fields) -> list[str]:
    """ "intern" with "full-time" is an internship, "permanent" with "part-time" part-time:
    `employment_type` takes the first it recognises and "permanent" only as a last resort."""
    return [term for term in (position.text("employmentType"), position.text("schedule")) if term]


def _offices(position: Fields) -> list[str]:
    extra = [text_of(office) for group in position.all("additionalOffices") for office in group]
    return [office for office in (position.text("office"), *extra) if office]


def _description(position: Fields) -> str:
    sections = [
        (fields.text("name"), fields.markup("value"))
        for group in position.all("jobDescriptions")
        for fields in map(Fields, group)
    ]
    return join_sections(sections)
