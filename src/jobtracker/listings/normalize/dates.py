"""Times in every form the feeds use, as UTC with their precision."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, tzinfo
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from jobtracker.listings.schemas import Precision, Timestamp

# Epoch values below this are seconds, above it milliseconds: 1e11 seconds is the year 5138,
# 1e11 milliseconds is March 1973, before any job feed.
MILLISECONDS_FROM = 100_000_000_000
# Outside these years a value is a placeholder ("0000-00-00", 9999-12-31 "never expires") or
# garbage, not a time a listing was posted or expires.
YEARS = range(1990, 2101)
_DATE_ONLY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_EPOCH = re.compile(r"^\d{9,14}(?:\.\d+)?$")
_UTC_SUFFIX = re.compile(r"\s*(?:UTC|GMT|Z)$", re.IGNORECASE)
_LONG_FRACTION = re.compile(r"(\.\d{6})\d+")
_ISO_START = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d")
MONTHS = {name: number for number, name in enumerate(
    ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), start=1
)}  # fmt: skip
# "Sun, 01 Nov 2026 09:00:00 +0000", as nearly every RSS feed writes it, is read here and not
# by email.utils, which splits the text and tries every older form first: a quarter of the
# time. A year from 1000 on, so that none is a two-digit year email.utils moves to 19xx or
# 20xx; zone minutes below 60, which ISO 8601 requires and email.utils does not.
_COMMON_RFC822 = re.compile(
    rf"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), ([0-9]{{2}}) ({'|'.join(MONTHS)}) ([1-9][0-9]{{3}})"
    r" ([0-9]{2}):([0-9]{2}):([0-9]{2}) ([+-])([0-9]{2}[0-5][0-9])"
)
# Zone names RFC 822 does not know but feeds write; email.utils knows the US ones and GMT.
ZONE_NAMES = {"CET": "+0100", "CEST": "+0200", "BST": "+0100", "EET": "+0200",
              "EEST": "+0300", "WET": "+0000", "WEST": "+0100", "MSK": "+0300",
              "JST": "+0900", "AEST": "+1000", "AEDT": "+1100"}  # fmt: skip


def parse_timestamp(value: str | int | float | None, *, assume: str = "utc") -> Timestamp | None:
    """A feed's time as UTC: epoch seconds or milliseconds (told apart by magnitude), ISO 8601
    with an offset, with milliseconds, naive (read in the `assume` zone, an IANA name), or a
    date alone (midnight UTC of that same date, precision `date`: never the day before),
    "2026-09-01 10:00:00 UTC", and RFC 822 ("Tue, 03 Mar 2026 08:45:00 +0100", GMT, EST, CET).
    Anything else, or a year outside 1990-2100, is None."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):  # a tuple: isinstance checks a union at half the speed
        return _checked(_from_epoch(value), Precision.DATETIME)
    text = value.strip()
    if _EPOCH.match(text):
        return _checked(_from_epoch(float(text)), Precision.DATETIME)
    day = _DATE_ONLY.match(text)
    if day:
        return _checked(_midnight(*map(int, day.groups())), Precision.DATE)
    moment = _from_iso(text) or _from_rfc822(text)
    return _checked(_as_utc(moment, _zone(assume)) if moment else None, Precision.DATETIME)


def _from_epoch(number: float) -> datetime | None:
    seconds = number / 1000 if abs(number) >= MILLISECONDS_FROM else number
    try:
        return datetime.fromtimestamp(seconds, tz=UTC) if seconds > 0 else None
    except (OverflowError, OSError, ValueError):
        return None


def _midnight(year: int, month: int, day: int) -> datetime | None:
    try:
        return datetime.combine(date(year, month, day), datetime.min.time(), tzinfo=UTC)
    except ValueError:
        return None


def _from_iso(text: str) -> datetime | None:
    """ISO 8601, and Recruitee's "2026-09-01 10:00:00 UTC" (a literal zone name after it)."""
    # The start is checked first, on the text as given: when it matches, neither rewrite below
    # can touch it (a zone name or a "." comes after its last digit). Each rewrite runs only
    # when what it rewrites can be there: an expression ending in `$` tries every position.
    if not _ISO_START.match(text):
        return None
    normalised = _UTC_SUFFIX.sub("+00:00", text) if text[-1].isalpha() else text
    if "." in normalised:
        normalised = _LONG_FRACTION.sub(r"\1", normalised)
    try:
        return datetime.fromisoformat(normalised)
    except ValueError:
        return None


def _from_rfc822(text: str) -> datetime | None:
    common = _COMMON_RFC822.fullmatch(text)
    if common:
        return _from_common_rfc822(*common.groups())
    name = text.rsplit(" ", 1)[-1].upper()
    if name in ZONE_NAMES:
        text = f"{text[: -len(name)]}{ZONE_NAMES[name]}"
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None


def _from_common_rfc822(
    day: str, month: str, year: str, hour: str, minute: str, second: str, sign: str, zone: str
) -> datetime | None:
    """What email.utils.parsedate_to_datetime reads from the common form, "-0000" (no zone
    known) as a naive time as it does, by way of ISO 8601 (eight int() cost more)."""
    offset = "" if zone == "0000" and sign == "-" else f"{sign}{zone[:2]}:{zone[2:]}"
    iso = f"{year}-{MONTHS[month]:02d}-{day}T{hour}:{minute}:{second}{offset}"
    try:
        return datetime.fromisoformat(iso)
    except ValueError:  # a day, an hour or an offset out of range
        return None


def _as_utc(moment: datetime, zone: tzinfo) -> datetime:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=zone)
    return aware.astimezone(UTC)


def _zone(name: str) -> tzinfo:
    if name.lower() in {"utc", "z", "gmt"}:
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def _checked(moment: datetime | None, precision: Precision) -> Timestamp | None:
    if moment is None or moment.year not in YEARS:
        return None
    return Timestamp(value=moment, precision=precision)
