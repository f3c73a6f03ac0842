"""Careers pages that carry schema.org `JobPosting` JSON-LD (`jsonld_page`): any page at a URL
(config `url`) whose HTML holds one posting or many. feeds.md §7.

A full snapshot (`snapshot = True`) of the postings the page lists: one missing from two
complete fetches in a row was taken down (Google asks sites to remove the markup, or the page,
of an expired job). A page with no posting is a valid empty board; a page whose JSON-LD cannot
be read even after repair, or a bot wall's challenge page, is not (`InvalidFeed`).

Two functions serve "clip a job from any page" as well:
- `job_postings_in(html, page_url=...)`: every JobPosting of a page as a listing record (or
  the `ItemError` saying why one is unusable);
- `page_summary(html, page_url)`: what the page says of itself when it has no JobPosting:
  OpenGraph `og:title` (else `<title>`), `og:site_name`, `og:description` (else the meta
  description) and its canonical URL.

Where postings hide: any `<script type="application/ld+json">` block (a page often has several:
Organization, BreadcrumbList...), as an object, an array, inside `@graph`, an `ItemList`'s
`itemListElement` (`ListItem.item`), or any other property (`WebPage.mainEntity`); `@type` a
string or an array, with or without the schema.org prefix. The common breakage is read as well:
HTML comments or CDATA around the JSON, raw line breaks in strings, trailing commas
(`json_repair`). Microdata (`itemtype=".../JobPosting"`) is not read.

Mapping: id `identifier.value` (or a plain identifier), else the posting's `url`, else the
page's URL (one posting) or the page's URL with the title (several); `hiringOrganization.name`
(or a plain string); `jobLocation` Place(s) with their PostalAddress (`addressCountry` a code,
a name or a Country); `jobLocationType` TELECOMMUTE makes it remote, scoped to
`applicantLocationRequirements`; `employmentType` a string or a list; `baseSalary` (else
`estimatedSalary`) MonetaryAmount with a QuantitativeValue (`value`, or `minValue`/`maxValue`,
`unitText` HOUR...YEAR) or a bare number; `datePosted` (often a date alone), `validThrough`
(the expiry), `dateModified`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar, TypedDict
from urllib.parse import urljoin

import json_repair
from lxml import etree, html

from jobtracker.kit.http import FetchResult
from jobtracker.listings.normalize import (
    build_record,
    clean_text,
    infer_workplace,
    location_from_parts,
    pick_salary,
    salary_from_amounts,
)
from jobtracker.listings.schemas import ItemError, ListingRecord, Location, Salary, Workplace
from jobtracker.listings.sources.base import InvalidFeed, Posting, ReadWhole
from jobtracker.listings.sources.document import DocumentSource, expect_html_page

KIND = "jsonld_page"
ACCEPT = "text/html, application/xhtml+xml;q=0.9"
MAX_DEPTH = 12  # how deep postings are looked for in a JSON-LD block
_WRAPPERS = re.compile(r"^\s*(?://\s*)?(?:<!--|<!\[CDATA\[)|(?://\s*)?(?:-->|\]\]>)\s*$")
_SCHEMA_PREFIX = re.compile(r"^(?:https?://schema\.org/|schema:)", re.IGNORECASE)
Document = html.HtmlElement


class PageSummary(TypedDict):
    """What a page says of itself (OpenGraph, then plain HTML); None where it says nothing."""

    title: str | None  # og:title, else <title>
    page_title: str | None  # <title>
    site_name: str | None  # og:site_name
    description: str | None  # og:description, else <meta name="description">
    url: str  # og:url, else <link rel="canonical">, made absolute; else the page's URL


class JsonLdPage(DocumentSource, ReadWhole):
    """A careers page with JobPosting JSON-LD (see the module's docstring)."""

    kind: ClassVar[str] = KIND
    snapshot: ClassVar[bool] = True
    accept: ClassVar[str] = ACCEPT

    def check(self, path: Path, result: FetchResult) -> None:
        expect_html_page(path, result)

    def postings(self, files: list[Path]) -> Iterator[Posting]:
        page_url = str(self.feed_config.url)
        for path in files:
            records, unreadable = _read_page(path.read_bytes(), page_url, self.company)
            yield from (self.carry(record) for record in records)
            if unreadable:
                # The block might have held postings: calling the page complete would take
                # them down.
                raise InvalidFeed(f"a JSON-LD block of the page cannot be read: {unreadable[0]}")


def job_postings_in(
    html_page: str | bytes, *, page_url: str, company: str | None = None
) -> list[ListingRecord | ItemError]:
    """Every schema.org JobPosting in the page's JSON-LD, as a listing record (source kind
    `jsonld_page`), or an `ItemError` for a posting without a title or an id, and for a JSON-LD
    block that cannot be read even after repair (external id None). Relative URLs are read
    against `page_url` (and the page's `<base href>`); `company` stands in for a posting
    without `hiringOrganization`. An empty list when the page has no posting."""
    records, unreadable = _read_page(html_page, page_url, company)
    errors = [ItemError(None, f"a JSON-LD block cannot be read: {text}") for text in unreadable]
    return [*records, *errors]


def page_summary(html_page: str | bytes, page_url: str) -> PageSummary:
    """What the page says of itself, for a page with no JobPosting (see `PageSummary`)."""
    document = _document(html_page)
    page_title = _clean(document.findtext(".//title") if document is not None else None)
    base = _base_url(document, page_url)
    canonical = _meta(document, "og:url") or _canonical(document)
    return PageSummary(
        title=_meta(document, "og:title") or page_title,
        page_title=page_title,
        site_name=_meta(document, "og:site_name"),
        description=_meta(document, "og:description") or _meta(document, "description"),
        url=_absolute(canonical, base) or page_url,
    )


def _read_page(
    html_page: str | bytes, page_url: str, company: str | None
) -> tuple[list[ListingRecord | ItemError], list[str]]:
    """The page's postings as records, and what could not be read."""
    document = _document(html_page)
    if document is None:
        return [], []
    base = _base_url(document, page_url)
    postings: list[dict[str, Any]] = []
    unreadable: list[str] = []
    for block in _ld_blocks(document):
        data = _json(block)
        if data is None:
            unreadable.append(block.strip()[:100])
        else:
            postings.extend(_job_postings(data, 0))
    fallback = _Fallback(page_url, base, single=len(postings) == 1, company=company)
    return _unique([_record(posting, fallback) for posting in postings]), unreadable


def _document(html_page: str | bytes) -> Document | None:
    """The page parsed as HTML; None when it holds nothing. Bytes that are valid UTF-8 are
    read as UTF-8 (not left to libxml2's guess for a page without `<meta charset>`), others as
    the page's `<meta charset>` says."""
    if isinstance(html_page, str):
        html_page = html_page.encode("utf-8")
    parser = html.HTMLParser(encoding=_encoding(html_page), no_network=True, huge_tree=True)
    try:
        return html.document_fromstring(html_page, parser=parser)
    except (etree.ParserError, ValueError):
        return None


def _encoding(data: bytes) -> str | None:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return "utf-8"


def _ld_blocks(document: Document) -> Iterator[str]:
    for script in document.iter("script"):
        kind = (script.get("type") or "").split(";")[0].strip().lower()
        if kind == "application/ld+json" and script.text and script.text.strip():
            yield script.text


def _json(block: str) -> Any:
    """The block's JSON: strictly if it is valid (raw line breaks allowed), else repaired;
    None when it is no object or array (a repair that finds no object read a template, not
    JSON: `{{ posting | json }}`)."""
    text = "\n".join(_WRAPPERS.sub("", line) for line in block.strip().splitlines())
    try:
        data = json.loads(text, strict=False)
    except ValueError:
        data = json_repair.loads(text)
        if not _holds_object(data):
            return None
    return data if isinstance(data, dict | list) else None


def _holds_object(data: Any) -> bool:
    if isinstance(data, list):
        return any(isinstance(item, dict) for item in data)
    return isinstance(data, dict) and bool(data)


def _job_postings(node: Any, depth: int) -> Iterator[dict[str, Any]]:
    """Every JobPosting object in the JSON, wherever it is nested (not inside a posting)."""
    if depth > MAX_DEPTH:
        return
    if isinstance(node, list):
        for item in node:
            yield from _job_postings(item, depth + 1)
    elif isinstance(node, dict):
        if _is_posting(node):
            yield node
            return
        for value in node.values():
            if isinstance(value, dict | list):
                yield from _job_postings(value, depth + 1)


def _is_posting(node: dict[str, Any]) -> bool:
    kinds = node.get("@type")
    names = kinds if isinstance(kinds, list) else [kinds]
    return any(isinstance(name, str) and _SCHEMA_PREFIX.sub("", name) == "JobPosting"
               for name in names)  # fmt: skip


class _Fallback:
    """What a posting takes from its page: the base of its relative URLs (`<base href>`), and
    the page's URL and company when it says nothing itself."""

    def __init__(self, page_url: str, base: str, *, single: bool, company: str | None) -> None:
        self.page_url, self.base, self.single, self.company = page_url, base, single, company


def _record(posting: dict[str, Any], page: _Fallback) -> ListingRecord | ItemError:
    title = _text(posting.get("title")) or _text(posting.get("name"))
    url = _absolute(_text(posting.get("url")), page.base)
    workplace, scope = _workplace(posting)
    return build_record(
        source_kind=KIND, external_id=_external_id(posting, url, title, page), title=title,
        url=url or page.page_url, company=_name(posting.get("hiringOrganization")) or page.company,
        locations=_locations(posting.get("jobLocation")), workplace=workplace, remote_scope=scope,
        employment_type=_texts(posting.get("employmentType")),
        description_html=_text(posting.get("description")),
        salary=_salary(posting.get("baseSalary") or posting.get("estimatedSalary")),
        posted=_text(posting.get("datePosted")), updated=_text(posting.get("dateModified")),
        expires=_text(posting.get("validThrough")),
        skills=[part for text in _texts(posting.get("skills")) for part in text.split(",")],
    )  # fmt: skip


def _external_id(
    posting: dict[str, Any], url: str | None, title: str | None, page: _Fallback
) -> str | None:
    identifier = posting.get("identifier")
    if isinstance(identifier, list):
        identifier = identifier[0] if identifier else None
    value = identifier.get("value") if isinstance(identifier, dict) else identifier
    found = _text(value) or url
    if found or page.single:
        return found or page.page_url
    return f"{page.page_url}#{clean_text(title)}" if title else None


def _workplace(posting: dict[str, Any]) -> tuple[Workplace | None, str | None]:
    """TELECOMMUTE: remote, scoped to who may apply; else None (the places decide)."""
    kinds = [kind.upper() for kind in _texts(posting.get("jobLocationType"))]
    if "TELECOMMUTE" not in kinds:
        return None, None
    allowed = [_name(place) for place in _as_list(posting.get("applicantLocationRequirements"))]
    return infer_workplace(workplace="TELECOMMUTE", texts=[name for name in allowed if name])


def _locations(value: Any) -> list[str | Location]:
    found: list[str | Location] = []
    for place in _as_list(value):
        address = place.get("address") or place.get("name") if isinstance(place, dict) else place
        if isinstance(address, dict):
            parts = {
                "city": _text(address.get("addressLocality")),
                "region": _text(address.get("addressRegion")),
                "country": _name(address.get("addressCountry")),
            }
            if any(parts.values()):
                found.append(location_from_parts(**parts))
        elif _text(address):
            found.append(_text(address) or "")
    return found


def _salary(value: Any) -> Salary | None:
    """baseSalary: MonetaryAmount(s) with a QuantitativeValue or a bare amount; the widest
    range of several (`pick_salary`)."""
    tiers = []
    for amount in _as_list(value):
        money = amount if isinstance(amount, dict) else {"value": amount}
        quantity = money.get("value")
        if not isinstance(quantity, dict):
            quantity = {"value": quantity}
        low = _amount(quantity.get("minValue")) or _amount(quantity.get("value"))
        high = _amount(quantity.get("maxValue")) or _amount(quantity.get("value"))
        period = _text(quantity.get("unitText")) or _text(money.get("unitText"))
        currency = _text(money.get("currency"))
        tiers.append(salary_from_amounts(low=low, high=high, currency=currency, period=period))
    return pick_salary(tiers)


def _amount(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    return str(value)


def _name(value: Any) -> str | None:
    """An Organization, Country or Place by its name, or a plain string."""
    if isinstance(value, list):
        return next((name for name in map(_name, value) if name), None)
    if isinstance(value, dict):
        return _text(value.get("name"))
    return _text(value)


def _text(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    return str(value).strip() or None


def _texts(value: Any) -> list[str]:
    return [text for text in map(_text, _as_list(value)) if text]


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _unique(records: list[ListingRecord | ItemError]) -> list[ListingRecord | ItemError]:
    """One record per id: a posting the page marks up twice (as itself and in a list) once."""
    seen: set[str] = set()
    kept: list[ListingRecord | ItemError] = []
    for record in records:
        if isinstance(record, ListingRecord):
            if record.external_id in seen:
                continue
            seen.add(record.external_id)
        kept.append(record)
    return kept


def _absolute(url: str | None, base: str) -> str | None:
    return urljoin(base, url) if url else None


def _base_url(document: Document | None, page_url: str) -> str:
    found = document.find(".//base[@href]") if document is not None else None
    return urljoin(page_url, found.get("href") or "") if found is not None else page_url


def _meta(document: Document | None, name: str) -> str | None:
    if document is None:
        return None
    for meta in document.iter("meta"):
        if name in (meta.get("property"), meta.get("name")):
            found = _clean(meta.get("content"))
            if found:
                return found
    return None


def _canonical(document: Document | None) -> str | None:
    if document is None:
        return None
    for link in document.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split():
            return link.get("href")
    return None


def _clean(text: str | None) -> str | None:
    return clean_text(text) or None
