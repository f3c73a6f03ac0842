"""Indeed-style XML job feeds (`indeed_xml`): the `<source><job>` syndication format that
employers and ATSs publish for Indeed, Talroo, JobInventory and others (config `url`: the
feed's address, e.g. `https://ats.example.com/feeds/indeed.xml`). feeds.md §8.

A full snapshot (`snapshot = True`): Indeed requires the feed to hold every live job, so a job
absent from a complete feed is closed.

One `<job>` per posting, every value in CDATA: `referencenumber` is the id (unique per
location copy of a job, unlike `requisitionid`), `title`, `url`, `company` (else `sourcename`,
else the source's name), `city`/`state`/`country`, `jobtype` ("fulltime, parttime"), `salary`
as free text ("$42 - $50 per hour"), `description` (HTML), `date` (ISO 8601 or, in older
feeds, RFC 822) and `expirationdate`; `remotetype`, when present, says remote or hybrid.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

from jobtracker.kit.http import FetchResult
from jobtracker.listings.normalize import build_record, infer_workplace, location_from_parts
from jobtracker.listings.schemas import ItemError, ListingRecord, Location, Workplace
from jobtracker.listings.sources.base import Outcome, Posting
from jobtracker.listings.sources.document import DocumentSource, expect_xml
from jobtracker.listings.sources.xml_stream import Fields, item_bytes, parse_item, stream_items

ACCEPT = "application/xml, text/xml;q=0.9"
WHAT = "Indeed XML feed"


class IndeedXml(DocumentSource):
    """An Indeed-style `<source><job>` feed (see the module's docstring)."""

    kind: ClassVar[str] = "indeed_xml"
    snapshot: ClassVar[bool] = True
    accept: ClassVar[str] = ACCEPT

    def check(self, path: Path, result: FetchResult) -> None:
        expect_xml(path, result, roots={"source"}, what=f"an {WHAT} (<source><job>)")

    def postings(self, files: list[Path]) -> Iterator[Posting]:
        for path in files:
            for job in stream_items(path, items=("job",), roots=("source",), what=WHAT):
                yield Posting(item_bytes(job))

    def read(self, posting: Posting) -> list[Outcome]:
        return [self.record(Fields(parse_item(posting.raw)))]

    def record(self, job: Fields) -> ListingRecord | ItemError:
        """One `<job>` as a listing."""
        workplace, scope = _workplace(job.text("remotetype"))
        return build_record(
            source_kind=self.kind, external_id=job.text("referencenumber"),
            title=job.text("title"), url=job.text("url"),
            company=job.text("company", "sourcename") or self.company,
            locations=_places(job), workplace=workplace, remote_scope=scope,
            employment_type=job.text("jobtype"), description_html=job.markup("description"),
            salary=job.text("salary"), posted=job.text("date"),
            expires=job.text("expirationdate"),
        )  # fmt: skip


def _places(job: Fields) -> list[Location]:
    city, state, country = job.text("city"), job.text("state"), job.text("country")
    if not (city or state or country):
        return []
    return [location_from_parts(city=city, region=state, country=country)]


def _workplace(remote_type: str | None) -> tuple[Workplace | None, str | None]:
    """ "Fully remote", "Hybrid", "WFH flexible": a workplace when it says one; None lets the
    locations decide."""
    if not remote_type:
        return None, None
    workplace, scope = infer_workplace(workplace=remote_type, texts=[remote_type])
    return (None, None) if workplace is Workplace.UNKNOWN else (workplace, scope)
