"""The one call every adapter ends with: fields in, a validated `ListingRecord` (or the
`ItemError` that says why the item was skipped) out."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from json.encoder import c_make_encoder, encode_basestring  # type: ignore[attr-defined]
from operator import attrgetter
from typing import Any
from urllib.parse import urlsplit

from jobtracker.listings.categories import classify
from jobtracker.listings.normalize.dates import parse_timestamp
from jobtracker.listings.normalize.html import (
    clean_text,
    sanitize_html,
    text_of_sanitized,
    unescape_layers,
)
from jobtracker.listings.normalize.locations import parse_location, split_locations
from jobtracker.listings.normalize.salary import salary_from_text
from jobtracker.listings.normalize.workplace import employment_type, infer_workplace
from jobtracker.listings.schemas import (
    EmploymentType,
    ItemError,
    ListingRecord,
    Location,
    Salary,
    Timestamp,
    Workplace,
    jsonable,
)

TITLE_LIMIT = 300
COMPANY_LIMIT = 200
SHORT_LIMIT = 200  # department, remote scope, external id
URL_LIMIT = 2000
DESCRIPTION_LIMIT = 200_000  # characters of sanitised HTML
LOCATIONS_LIMIT = 50
SKILLS_LIMIT, SKILL_LIMIT = 30, 50  # how many, and characters each
PLACE_TEXT_LIMIT = 300  # characters of a location text worth remembering
HASH_VERSION = 1
# What a reader sees change. Not the times the source stamps (posted, updated: a re-stamp is
# not an edit) and not what is derived from other fields (text, category: a better classifier
# must not make every listing "updated").
HASHED_FIELDS = (
    "external_id", "url", "apply_url", "title", "company", "locations", "workplace",
    "remote_scope", "employment_type", "department", "description_html", "salary", "expires",
)  # fmt: skip

TimeInput = Timestamp | str | int | float | None
# Made once (json.dumps makes an encoder per call); a record holds no cycle; the keys are put
# in sorted order (`_CANONICAL_KEYS`) rather than sorted at every call.
_CANONICAL_JSON = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, check_circular=False)
_CANONICAL_KEYS = tuple(sorted((*HASHED_FIELDS, "version")))
_SPACE = re.compile(r"\s")  # str.isspace(), as str.strip() reads it
_BRACKET = re.compile(r"[\[\]]")


def _getter(kind: type[Any]) -> Callable[[Any], tuple[object, ...]]:
    """A dataclass's field values, in field order, as one tuple."""
    return attrgetter(*(field.name for field in dataclasses.fields(kind)))


_location_values = _getter(Location)
_salary_values = _getter(Salary)
_time_values = _getter(Timestamp)


def content_hash(record: ListingRecord) -> str:
    """sha256 of the canonical JSON (sorted keys, no spaces, amounts as plain strings) of the
    fields a reader sees change: the same listing hashes the same in every run and process."""
    return _digest({name: getattr(record, name) for name in HASHED_FIELDS})


def _digest(fields: Mapping[str, Any]) -> str:
    """`content_hash` of a record's fields, given before the record is made (a frozen
    record made twice, to add its hash, cost more than the hash)."""
    # Built by hand, not with dataclasses.asdict or `jsonable` over everything: their walk of
    # every field cost more than the hashing itself. Strings and string enums go as they are
    # (json writes a StrEnum as its value, as `jsonable` does); amounts and times as `jsonable`
    # writes them.
    salary, expires = fields["salary"], fields["expires"]
    values = {
        **fields,
        "locations": [_location_values(place) for place in fields["locations"]],
        "salary": [_plain(value) for value in _salary_values(salary)] if salary else None,
        "expires": [_plain(value) for value in _time_values(expires)] if expires else None,
        "version": HASH_VERSION,
    }
    canonical = {name: values[name] for name in _CANONICAL_KEYS}
    if fields.get("skills"):  # only when there are any: listings without kept their hashes
        canonical = dict(sorted({**canonical, "skills": list(fields["skills"])}.items()))
    return hashlib.sha256(_canonical_json(canonical).encode()).hexdigest()


def _canonical_json_encoder() -> Callable[[object], str]:
    """`_CANONICAL_JSON.encode`, by the C encoder it makes anew at every call (and a Python
    function around it that cost a fifth of the encoding of a record), made once here; json's
    own `encode` when there is no C encoder."""
    if c_make_encoder is None:
        return _CANONICAL_JSON.encode
    encoder = _CANONICAL_JSON
    chunks = c_make_encoder(
        None, encoder.default, encode_basestring, None, encoder.key_separator,
        encoder.item_separator, encoder.sort_keys, encoder.skipkeys, encoder.allow_nan,
    )  # fmt: skip
    return lambda value: "".join(chunks(value, 0))


_canonical_json = _canonical_json_encoder()


def _plain(value: object) -> object:
    """`jsonable` of one field value of a Location, Salary or Timestamp."""
    if isinstance(value, Decimal):
        return _amount_text(str(value))
    return jsonable(value) if isinstance(value, datetime) else value


# Keyed by the amount's exact text (str(Decimal("-0")) is not str(Decimal("0"))): pay bands
# repeat, and normalising and formatting a Decimal costs more than the rest of its record's
# JSON.
@functools.lru_cache(maxsize=4096)
def _amount_text(exact: str) -> str:
    return jsonable(Decimal(exact))  # type: ignore[no-any-return]


def build_record(
    *,
    source_kind: str,
    external_id: str | int | None,
    title: str | None,
    url: str | None,
    apply_url: str | None = None,
    company: str | None = None,
    locations: Iterable[str | Location] = (),
    workplace: Workplace | None = None,
    remote_scope: str | None = None,
    employment_type: EmploymentType | str | Sequence[str] | None = None,
    department: str | None = None,
    description_html: str | None = None,
    salary: Salary | str | None = None,
    posted: TimeInput = None,
    updated: TimeInput = None,
    expires: TimeInput = None,
    skills: Iterable[str] = (),
) -> ListingRecord | ItemError:
    """A validated, normalised listing, or the reason the item is skipped.

    Required: an external id (ints become strings), a title, and an http(s) `url` (the
    `apply_url` stands in when there is no url; an apply url that is not http(s) is dropped).
    Title (300), company (200), department and scope (200) are cut to length; entities in them
    are read. The description is unescaped as far as it is escaped (`unescape_layers`),
    sanitised, cut to 200,000 characters, and given as text too. Location strings are split and
    parsed; `workplace` None is inferred from them; an employment value, a salary text and
    times in any feed form are read here. Skills (tags) are cleaned, kept once each (30 at most,
    50 characters each). The category and the content hash are computed.
    """
    identifier = clean_text(str(external_id) if external_id is not None else None)[:SHORT_LIMIT]
    title_text = _cut(clean_text(title), TITLE_LIMIT)
    problem = _missing(identifier, title_text)
    if problem:
        return ItemError(external_id=identifier or None, reason=problem)
    link = _http_url(url or apply_url)
    if link is None:
        reason = f"the url is not an http or https URL: {str(url or apply_url)[:200]!r}"
        return ItemError(external_id=identifier, reason=reason)
    places = _locations(locations)
    found_workplace, found_scope = _workplace(workplace, places)
    html = _description(description_html or "")
    fields: dict[str, Any] = {  # the record's fields but its hash, which is made of them
        "source_kind": source_kind,
        "external_id": identifier,
        "url": link,
        "apply_url": _http_url(apply_url),
        "title": title_text,
        "company": _cut(clean_text(company), COMPANY_LIMIT) or None,
        "locations": places,
        "workplace": found_workplace,
        "remote_scope": _cut(clean_text(remote_scope or found_scope), SHORT_LIMIT) or None,
        "employment_type": _employment(employment_type),
        "department": _cut(clean_text(department), SHORT_LIMIT) or None,
        "description_html": html,
        "description_text": text_of_sanitized(html),
        "salary": salary_from_text(salary) if isinstance(salary, str) else salary,
        "posted": _time(posted),
        "updated": _time(updated),
        "expires": _time(expires),
        "category": classify(title_text),
        "skills": _skills(skills),
    }
    return ListingRecord(**fields, content_hash=_digest(fields))


def _skills(values: Iterable[str]) -> tuple[str, ...]:
    found: dict[str, str] = {}
    for value in values:
        skill = _cut(clean_text(value), SKILL_LIMIT)
        if skill:
            found.setdefault(skill.casefold(), skill)
    return tuple(found.values())[:SKILLS_LIMIT]


def _missing(identifier: str, title: str) -> str | None:
    if not identifier:
        return "the external id is missing"
    if not title:
        return "the title is missing"
    return None


def _http_url(url: str | None) -> str | None:
    """The URL when it is absolute http(s) without spaces; javascript:, data: and relative
    links are not."""
    text = (url or "").strip()
    if not text or len(text) > URL_LIMIT or _SPACE.search(text):
        return None
    if text.isascii() and text.startswith(("http://", "https://")) and not _BRACKET.search(text):
        # What urlsplit says of such a URL (it raises on brackets, and checks non-ASCII
        # hosts), without its cost: the scheme is http(s), the host what follows "//".
        return text if text.partition("//")[2][:1] not in {"", "/", "?", "#"} else None
    parts = urlsplit(text)
    return text if parts.scheme.lower() in {"http", "https"} and parts.netloc else None


def _locations(values: Iterable[str | Location]) -> tuple[Location, ...]:
    found: dict[str, Location] = {}
    for value in values:
        parsed = [value] if isinstance(value, Location) else _parsed(value)
        for place in parsed:
            found.setdefault(place.raw.casefold(), place)
    return tuple(found.values())[:LOCATIONS_LIMIT]


def _parsed(text: str) -> Sequence[Location]:
    if type(text) is str and len(text) <= PLACE_TEXT_LIMIT:
        return _remembered_places(text)
    return [parse_location(part) for part in split_locations(clean_text(text))]


# Keyed by a location text, which a feed repeats listing after listing ("Remote - US"):
# cleaning and splitting it anew took 1 µs.
@functools.lru_cache(maxsize=4096)
def _remembered_places(text: str) -> tuple[Location, ...]:
    return tuple(parse_location(part) for part in split_locations(clean_text(text)))


def _workplace(
    given: Workplace | None, places: tuple[Location, ...]
) -> tuple[Workplace, str | None]:
    if given is not None:
        return given, None
    return infer_workplace(texts=[place.raw for place in places])


def _employment(value: EmploymentType | str | Sequence[str] | None) -> EmploymentType:
    return value if isinstance(value, EmploymentType) else employment_type(value)


def _description(fragment: str) -> str:
    """Sanitised HTML; a description past the limit is cut and sanitised again, which closes
    whatever tag the cut left open."""
    html = sanitize_html(unescape_layers(fragment[: DESCRIPTION_LIMIT * 10]))
    if len(html) <= DESCRIPTION_LIMIT:
        return html
    return sanitize_html(html[:DESCRIPTION_LIMIT].rsplit("<", 1)[0])[:DESCRIPTION_LIMIT]


def _time(value: TimeInput) -> Timestamp | None:
    return value if isinstance(value, Timestamp) else parse_timestamp(value)


def _cut(text: str, limit: int) -> str:
    return text[:limit].rstrip()
