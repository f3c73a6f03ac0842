"""Job feeds in RSS 2.0, RSS 1.0 or Atom (`rss`): any feed at its URL (config `url`).

Windowed (`snapshot = False`): a feed lists its latest items, so an item that left it was not
necessarily taken down; expiry dates, a 404/410 on the posting and the TTL decide instead.

Read as generic RSS/Atom, with the job-board shapes of feeds.md where they fit:
- WP Job Manager (Jobicy's `https://jobicy.com/?feed=job_feed`): `job_listing:company`,
  `job_listing:location`, `job_listing:job_type`, `job_listing:salary`, found by their prefix
  whatever URI the site declares for it; there is no id element, so the id is the number that
  starts the link's last segment (`/jobs/161205-senior-copywriter` -> "161205").
- Teamtailor (`https://{company}.teamtailor.com/jobs.rss`): `tt:locations`, `tt:department`,
  `remoteStatus`; the channel's title is the company.
- We Work Remotely (and any item with its `region`): "Company: Title" titles, `region` (the
  remote scope), `country`, `type`, `expires_at`.
- HigherEdJobs: "Title - Institution" titles.
- Himalayas: `himalayas:companyName`, `himalayas:locationRestriction`, prefixes never declared
  (see xml_stream.py: the parse goes on).
Anywhere else: id from `guid` (Atom `id`), else the link; company from the item, else the
source's name; the description from `content:encoded`, else `description` (Atom `content`,
else `summary`); dates in RFC 822 (RSS) or ISO 8601 (Atom); a salary from `job_listing:salary`
or from "Compensation: ..." / "Salary: ..." prose in the description. HTML escaped inside XML
is unescaped once by the XML parser and once more per layer it still has (`build_record`).
Boards that list remote jobs only (`REMOTE_ONLY_HOSTS`, and any item with a WWR `region`) are
remote, their location text being the remote scope.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar
from urllib.parse import parse_qs, urlsplit

from jobtracker.kit.http import FetchResult
from jobtracker.listings.normalize import (
    build_record,
    infer_workplace,
    location_from_parts,
    unescape_layers,
)
from jobtracker.listings.schemas import ItemError, ListingRecord, Location, Workplace
from jobtracker.listings.sources.base import Outcome, Posting
from jobtracker.listings.sources.document import DocumentSource, expect_xml
from jobtracker.listings.sources.xml_stream import (
    Element,
    Fields,
    item_bytes,
    local_name,
    parse_item,
    stream_items,
)

ATOM = "{http://www.w3.org/2005/Atom}"
ITEMS = ("item", "{http://purl.org/rss/1.0/}item", f"{ATOM}entry")
ROOTS = ("rss", "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}RDF", f"{ATOM}feed")
WHAT = "RSS or Atom feed"
ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9"
# feeds.md §9 "always remote": an item's place on these boards is who may apply, not an office.
REMOTE_ONLY_HOSTS = frozenset(
    {"jobicy.com", "weworkremotely.com", "himalayas.app", "remotive.com", "remoteok.com"}
)
COMPANY_TITLE_HOSTS = frozenset({"weworkremotely.com"})  # "Company: Title"
TITLE_COMPANY_HOSTS = frozenset({"higheredjobs.com"})  # "Title - Institution"
# A plain http(s) link, read as urlsplit reads it, in a fifth of its 3 µs: user info up to the
# netloc's last "@", the host up to a port; the netloc ends at the first "/", "?" or "#", the
# path at the first "?" or "#". Only for ASCII links without what urlsplit removes (tab, line
# breaks) or checks (the brackets of an IPv6 host).
_PLAIN_LINK = re.compile(r"https?://(?:[^/?#]*@)?([^/?#:]*)[^/?#]*([^?#]*)")
_URL_REMOVED = re.compile(r"[\t\r\n\[\]]")
_WP_JOB_ID = re.compile(r"/(\d+)-[^/]*/?$")
_PROSE_SALARY = re.compile(
    r"\b(?:compensation|salary|pay(?:\s+range)?)\s*:\s*([^<\n]{3,120})", re.IGNORECASE
)
SALARY_WORDS = ("compensation", "salary", "pay")  # the words _PROSE_SALARY starts with
# The only letters that an ignore-case expression reads as an ASCII letter and str.lower()
# does not lower to it (the long s is an "s"; the dotted capital I lowers to two characters),
# found by checking every code point; see _salary_word_starts.
ODD_CASE = {"\u0130": "i", "\u0131": "i", "\u017f": "s"}
_ODD_CASE_TABLE = str.maketrans(ODD_CASE)


class RssFeed(DocumentSource):
    """An RSS 2.0, RSS 1.0 or Atom feed of job postings (see the module's docstring)."""

    kind: ClassVar[str] = "rss"
    snapshot: ClassVar[bool] = False
    accept: ClassVar[str] = ACCEPT

    def check(self, path: Path, result: FetchResult) -> None:
        expect_xml(path, result, roots={"rss", "RDF", "feed"}, what=f"an {WHAT}")

    def postings(self, files: list[Path]) -> Iterator[Posting]:
        for path in files:
            feed_title: str | None = None
            for item in stream_items(path, items=ITEMS, roots=ROOTS, what=WHAT):
                if feed_title is None:
                    feed_title = _feed_title(item)
                yield Posting(item_bytes(item), feed_title)

    def read(self, posting: Posting) -> list[Outcome]:
        return [self.record(Fields(parse_item(posting.raw)), feed_title=posting.context)]

    def record(self, item: Fields, *, feed_title: str | None) -> ListingRecord | ItemError:
        """One item as a listing."""
        link = _link(item)
        host, path = _host_and_path(link)
        company = item.text("job_listing:company", "himalayas:companyName")
        title, title_company = _title_and_company(item, host, named=bool(company))
        company = company or title_company
        if not company and (item.has_prefix("tt") or item.text("remoteStatus")):
            company = feed_title  # Teamtailor: the channel is the company's board
        description = item.markup("content:encoded", "description", "content", "summary")
        places, workplace, scope = _where(item, host)
        return build_record(
            source_kind=self.kind, external_id=_external_id(item, link, path), title=title,
            url=link, company=company or self.company, locations=places,
            workplace=workplace, remote_scope=scope,
            employment_type=item.text("job_listing:job_type", "type", "himalayas:employmentType"),
            department=item.text("tt:department"), description_html=description,
            salary=item.text("job_listing:salary") or _prose_salary(description),
            posted=item.text("pubDate", "published", "dc:date", "updated"),
            updated=item.text("updated"),
            expires=item.text("expires_at", "job_listing:expires", "himalayas:expiryDate"),
            skills=(item.text("skills") or "").split(","),  # WWR: "Ruby, Rails, PostgreSQL"
        )  # fmt: skip


def _feed_title(first_item: Element) -> str:
    """The channel's (or Atom feed's) title, read at the first item, before it is released."""
    parent = first_item.getparent()
    if parent is None:
        return ""
    for child in parent:
        if isinstance(child.tag, str) and local_name(child) == "title":
            return "".join(child.itertext()).strip()
    return ""


def _link(item: Fields) -> str | None:
    """RSS `link`; Atom's alternate `<link href>`; else a `guid` that is a URL."""
    text = item.text("link")
    if text:
        return text
    for element in item.all("link"):
        if element.get("rel", "alternate") == "alternate" and element.get("href"):
            return element.get("href")
    guid = item.text("guid", "id")
    return guid if guid and guid.startswith(("http://", "https://")) else None


def _host_and_path(link: str | None) -> tuple[str, str]:
    """The link's host ("www." dropped; "" when none) and path, as urlsplit reads them."""
    text = link or ""
    plain = _PLAIN_LINK.match(text) if text.isascii() and not _URL_REMOVED.search(text) else None
    if plain is None:
        parts = urlsplit(text)
        return (parts.hostname or "").removeprefix("www."), parts.path
    name, percent, zone = plain.group(1).partition("%")  # urlsplit lowers no IPv6 zone
    return f"{name.lower()}{percent}{zone}".removeprefix("www."), plain.group(2)


def _external_id(item: Fields, link: str | None, path: str) -> str | None:
    """WP Job Manager: the post number (from the link's `path`, else the guid's `p=`); else
    the guid (Atom id), else the link."""
    guid = item.text("guid", "id")
    if item.has_prefix("job_listing"):
        number = _WP_JOB_ID.search(path)
        post = parse_qs(urlsplit(guid).query).get("p", [""])[0] if guid else ""
        if number or post.isdigit():
            return number.group(1) if number else post
    return guid or link


def _title_and_company(item: Fields, host: str, *, named: bool) -> tuple[str | None, str | None]:
    """WWR writes "Company: Title", HigherEdJobs "Title - Institution"; others the title
    (and those whose company is `named` in an element of its own)."""
    title = item.text("title")
    if not title or named:
        return title, None
    if (item.text("region") or host in COMPANY_TITLE_HOSTS) and ": " in title:
        company, _, rest = title.partition(": ")
        return rest, company
    if host in TITLE_COMPANY_HOSTS and " - " in title:
        rest, _, company = title.rpartition(" - ")
        return rest, company
    return title, None


def _where(item: Fields, host: str) -> tuple[list[str | Location], Workplace | None, str | None]:
    """Locations, workplace and remote scope. Remote-only boards: remote, scoped to the
    region they name; Teamtailor: its `remoteStatus`; else inferred from the places."""
    places: list[str | Location] = [*_teamtailor_places(item), *_plain_places(item)]
    region = item.text("region")  # WWR: who may apply, e.g. "USA Only"
    restrictions = item.texts("himalayas:locationRestriction")
    if region or restrictions or host in REMOTE_ONLY_HOSTS:
        scope_texts = [region] if region else restrictions or [_raw(p) for p in places]
        places = places or list(restrictions)
        return places, Workplace.REMOTE, infer_workplace(remote=True, texts=scope_texts)[1]
    status = item.text("remoteStatus")
    if status:
        workplace, scope = infer_workplace(workplace=status, texts=[_raw(p) for p in places])
        return places, workplace, scope
    return places, None, None


def _plain_places(item: Fields) -> list[str | Location]:
    country = item.text("country")
    return [text for text in (item.text("job_listing:location", "location"), country) if text]


def _teamtailor_places(item: Fields) -> list[str | Location]:
    found: list[str | Location] = []
    for group in item.all("tt:locations"):
        for place in group:
            fields = Fields(place)
            city, country = fields.text("tt:city"), fields.text("tt:country")
            name = fields.text("tt:name")
            if city or country or name:
                found.append(location_from_parts(raw=name, city=city, country=country))
    return found


def _raw(place: str | Location) -> str:
    return place.raw if isinstance(place, Location) else place


def _prose_salary(description: str | None) -> str | None:
    """ "Compensation: $60,000 - $75,000 / year" in a Jobicy excerpt (prose is all it has).
    Read only when the description names a salary word: an entity-escaped one
    ("&#115;alary") does not count."""
    lowered = _lowered(description) if description else ""
    if not description or not any(word in lowered for word in SALARY_WORDS):
        return None
    text = unescape_layers(description)
    if text is not description:
        lowered = _lowered(text)
    found = (_PROSE_SALARY.match(text, start) for start in _salary_word_starts(text, lowered))
    match = next(filter(None, found), None)
    return match.group(1).strip(" .;") if match else None


def _lowered(text: str) -> str:
    """The text in lower case, as an ignore-case expression reads it, and of the same length.

    `ODD_CASE` first folds the letters that such an expression reads as ASCII and str.lower()
    does not lower to it, so that the lowered text has a word exactly where the expression
    would find one."""
    odd = any(char in text for char in ODD_CASE)
    return (text.translate(_ODD_CASE_TABLE) if odd else text).lower()


def _salary_word_starts(text: str, lowered: str) -> Iterator[int]:
    """Where a salary word ends just before a colon (spaces between), in order: the only
    places `_PROSE_SALARY` may match, since it needs that colon.

    An ignore-case expression tries every position of a description, about 30 µs a kilobyte.
    Finding every salary word first took a fifth of that; a description has few colons, and
    looking back from each for a word halves it again (a Jobicy item: 7.7 to 3.8 µs)."""
    colon = text.find(":")
    while colon >= 0:
        start = _salary_word_before(text, lowered, colon)
        if start is not None:
            yield start
        colon = text.find(":", colon + 1)


def _salary_word_before(text: str, lowered: str, end: int) -> int | None:
    """The start of the salary word ("compensation", "pay range") that ends at `end`, but for
    spaces (`\\s`, which is str.isspace); None when there is none."""
    end = _before_spaces(text, end)
    for word in SALARY_WORDS:
        if lowered.endswith(word, 0, end):
            return end - len(word)
    if lowered.endswith("range", 0, end):  # "pay range", one space or more between
        pay = _before_spaces(text, end - len("range"))
        if pay < end - len("range") and lowered.endswith("pay", 0, pay):
            return pay - len("pay")
    return None


def _before_spaces(text: str, end: int) -> int:
    """Where the whitespace that ends at `end` starts."""
    while end > 0 and text[end - 1].isspace():
        end -= 1
    return end
