"""Locations as feeds write them: "Lisbon; Remote - Portugal", "San Francisco, CA", "DE"."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from jobtracker.listings.normalize import places
from jobtracker.listings.normalize.places import key
from jobtracker.listings.schemas import Location

# Words that say how, not where: stripped before a location is read, and read by
# `infer_workplace` (remote, hybrid, onsite).
REMOTE = re.compile(
    r"\b(?:fully\s+|100\s*%\s*)?(?:remote(?:ly)?|anywhere(?:\s+in\s+the\s+world)?|worldwide"
    r"|work(?:ing)?\s+from\s+home|wfh|home[\s-]?office|tele-?commut\w*|telework\w*)\b",
    re.IGNORECASE,
)
HYBRID = re.compile(r"\bhybrid\b", re.IGNORECASE)
ONSITE = re.compile(r"\b(?:on[\s-]?site|in[\s-]office|office[\s-]based)\b", re.IGNORECASE)
NOISE = re.compile(
    r"\b(?:only|flexible|first|friendly|possible|\d+\s*(?:days?|x)\b[^,()]*)", re.IGNORECASE
)
_SEPARATORS = re.compile(r"\s*(?:[;|\n\u2022]|\s+or\s+)\s*", re.IGNORECASE)
_DASH = re.compile(r"\s+[-\u2013\u2014]\s+|[()\[\]]")
_LEADING = re.compile(r"^(?:based\s+in|in|from|within)\s+", re.IGNORECASE)


def split_locations(raw: str) -> list[str]:
    """The places a location string names, in order and once each.

    Splits on ";", "|", "•", line breaks and " or "; a comma splits only a list of countries
    or regions ("USA, Canada", "EMEA, UK"), never an address ("Washington, DC",
    "Georgia, USA").
    """
    return list(_split(raw))


@functools.lru_cache(maxsize=4096)  # a feed names the same few hundred places again and again
def _split(raw: str) -> tuple[str, ...]:
    found: list[str] = []
    for part in _SEPARATORS.split(raw):
        for piece in _country_list(part.strip(" ,")):
            if piece and piece not in found:
                found.append(piece)
    return tuple(found)


@functools.lru_cache(maxsize=4096)
def parse_location(raw: str) -> Location:
    """One place read into city, region and ISO country, as far as the text allows.

    "Berlin, Germany", "San Francisco, CA", "Remote - US", "New York, NY, United States",
    "DE" and "Toronto, ON" read fully; "Anywhere" and "EMEA" name no city or country; an
    unknown single name is taken as a city. The raw text is always kept.
    """
    parts = _parts(raw)
    if not parts or len(_country_list(", ".join(parts))) > 1:
        return Location(raw=raw.strip())
    city, region, country = _read_one(parts[0]) if len(parts) == 1 else _read_many(parts)
    return Location(raw=raw.strip(), city=city, region=region, country=country)


def location_from_parts(
    *,
    city: str | None = None,
    region: str | None = None,
    country: str | None = None,
    raw: str | None = None,
) -> Location:
    """A location a source gives in fields (Workable, Ashby's address, JSON-LD, Indeed XML):
    the country name or code as ISO ("USA", "us" -> "US"), a US state or province as its code."""
    code = country_code(country) if country else None
    region_code = _region(region, code)[0] if region else None
    text = raw or ", ".join(part for part in (city, region, country) if part)
    return Location(raw=text, city=city or None, region=region_code or region, country=code)


def country_code(name: str) -> str | None:
    """ISO 3166-1 alpha-2 for a country name, alias or code; None when unknown."""
    found = places.COUNTRY_BY_NAME.get(key(name))
    if found:
        return found
    code = name.strip().upper()
    return code if len(code) == 2 and code.isalpha() else None


def _parts(raw: str) -> list[str]:
    text = NOISE.sub(" ", ONSITE.sub(" ", HYBRID.sub(" ", REMOTE.sub(" ", raw))))
    pieces = (
        _LEADING.sub("", piece.strip(" -:/\u2013\u2014"))
        for piece in _DASH.sub(",", text).split(",")
    )
    return [piece.strip() for piece in pieces if piece.strip()]


def _read_one(part: str) -> tuple[str | None, str | None, str | None]:
    if key(part) in places.CITY_BY_NAME:
        return _with_hub(part, None, None)
    country = _country(part)
    if country:
        return None, None, country
    region, country = _region(part, None)
    if region or key(part) in places.WIDE_REGION_NAMES:
        return None, region, country
    return part, None, None


def _read_many(parts: Sequence[str]) -> tuple[str | None, str | None, str | None]:
    *rest, last = parts
    country = _country(last)
    if country and _is_region_code(last) and _hub(rest[0])[2] != country:
        country = None  # "Wilmington, DE" is in Delaware, "Berlin, DE" in Germany
    if not country:
        rest = list(parts)
    city, region, country = _city_and_region(rest, country)
    return _with_hub(city, region, country)


def _city_and_region(
    rest: Sequence[str], country: str | None
) -> tuple[str | None, str | None, str | None]:
    """What precedes the country: "Austin, TX", "Athens, Attica", "Georgia", "New York";
    the city is the part just before the region ("1200 Larimer St, Denver, CO")."""
    if len(rest) == 1 and _hub(rest[0])[0]:
        return rest[0], None, country  # "New York, USA" is the city, not the state
    region, country = _region(rest[-1], country)
    if region:
        return (rest[-2] if len(rest) > 1 else None), region, country
    if len(rest) == 1:
        return rest[0], None, country
    return rest[-2], rest[-1], country


def _with_hub(
    city: str | None, region: str | None, country: str | None
) -> tuple[str | None, str | None, str | None]:
    """A hub city fills in what the text left out: "Berlin" is in DE, "NYC" in NY, US."""
    hub_city, hub_region, hub_country = _hub(city or "")
    if not hub_city or (country and country != hub_country):
        return city, region, country
    return hub_city, region or hub_region, hub_country


def _hub(name: str) -> tuple[str | None, str | None, str | None]:
    found = places.CITY_BY_NAME.get(key(name))
    if not found:
        return None, None, None
    city, where = found
    country, _, region = where.partition("/")
    return city, region or None, country


def _country(part: str) -> str | None:
    """A country by name or alias, or by an upper-case ISO code ("de" is not Germany)."""
    if len(part) == 2 and part.isupper() and part in places.COUNTRY_CODES:
        return part
    return places.COUNTRY_BY_NAME.get(key(part))


def _region(part: str, country: str | None) -> tuple[str | None, str | None]:
    """A US state or Canadian province, by code or name, within `country` when it is known."""
    code = part.strip()
    for where in (country,) if country else ("US", "CA"):
        if code.isupper() and code in places.REGION_CODES.get(where, ()):
            return code, where
        if key(part) in places.REGIONS.get(where, {}):
            return places.REGIONS[where][key(part)], where
    return None, country


def _is_region_code(part: str) -> bool:
    return (
        len(part) == 2
        and part.isupper()
        and any(part in codes for codes in places.REGION_CODES.values())
    )


def _is_wide(part: str) -> bool:
    return _country(part) is not None or key(part) in places.WIDE_REGION_NAMES


def _country_list(part: str) -> list[str]:
    """ "USA, Canada" is two places; "Georgia, USA" (a state, then its country) is one."""
    pieces = [piece.strip() for piece in part.split(",")]
    if len(pieces) < 2 or not all(_is_wide(piece) for piece in pieces):
        return [part]
    if any(_region(piece, _country(pieces[-1]))[0] for piece in pieces[:-1]):
        return [part]
    return pieces
