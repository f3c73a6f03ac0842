"""Salaries from amounts (cents, strings, every source's period words) and from free text."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from jobtracker.kit.salary import SYMBOLS, parse_salary
from jobtracker.kit.text import fold
from jobtracker.listings.schemas import Salary

Amount = int | float | str | Decimal | None
RAW_LIMIT = 300
# Lever per-year-salary / per-hour-wage / one-time, Ashby "1 YEAR" / "NONE", Jobicy yearly,
# JSON-LD YEAR / HOUR, Recruitee year / month: the first word that names a period decides.
PERIOD_WORDS = {
    "hour": "hour", "hourly": "hour", "hr": "hour", "day": "day", "daily": "day",
    "week": "week", "weekly": "week", "month": "month", "monthly": "month", "year": "year",
    "yearly": "year", "annual": "year", "annually": "year", "annum": "year", "yr": "year",
    "onetime": "one_time", "once": "one_time",
}  # fmt: skip
_AMOUNT = re.compile(r"^\d+(?:\.\d+)?$")
_SPACES = re.compile(r"\s+")


def salary_period(value: str | None) -> str | None:
    """hour, day, week, month, year or one_time from any source's period word; None for
    "NONE", "unspecified" or a word no source uses."""
    folded = fold(value or "").replace("one-time", "onetime").replace("one time", "onetime")
    for word in re.findall(r"[a-z]+", folded):
        if word in PERIOD_WORDS:
            return PERIOD_WORDS[word]
    return None


def salary_from_amounts(
    *,
    low: Amount,
    high: Amount,
    currency: str | None,
    period: str | None,
    cents: bool = False,
    raw: str | None = None,
) -> Salary | None:
    """A salary from a source's fields: numbers or strings ("55000.00", "3,800"), in cents for
    Greenhouse (`cents=True`), 0 or empty meaning "not given". None when there is no amount and
    no raw text; a reversed range is put in order."""
    amounts = [_amount(value, cents=cents) for value in (low, high)]
    if amounts[0] is not None and amounts[1] is not None and amounts[0] > amounts[1]:
        amounts.reverse()
    text = _raw(raw)
    if amounts == [None, None] and text is None:
        return None
    return Salary(amounts[0], amounts[1], currency_code(currency), salary_period(period), text)


def salary_from_text(text: str | None) -> Salary | None:
    """A salary read from what people write ("$40-50K per year", "₱50,000 - ₱60,000 / month",
    "55.000 € brutto") with `kit.salary.parse_salary`; text it cannot read is kept as `raw`
    alone ("Competitive", "DOE"). None for empty text."""
    raw = _raw(text)
    return None if raw is None else _read_salary(raw)


# Feeds repeat their pay bands and their "Competitive"; a key is at most RAW_LIMIT characters.
@functools.lru_cache(maxsize=4096)
def _read_salary(raw: str) -> Salary:
    found = parse_salary(raw)
    if found is None:
        return Salary(None, None, None, None, raw)
    low, high = (Decimal(str(found[bound])) for bound in ("min", "max"))
    return Salary(low, high, found["currency"], found["period"], raw)


def pick_salary(tiers: Iterable[Salary | None]) -> Salary | None:
    """One salary for a listing with several tiers or zones (Greenhouse pay ranges, Ashby
    compensation tiers): the widest range across the tiers that share the first tier's currency
    and period, so a reader sees the lowest and the highest pay offered; the raw texts joined.
    A listing with no amounts at all gives its first tier (raw text only)."""
    present = [tier for tier in tiers if tier is not None]
    priced = [tier for tier in present if tier.min is not None or tier.max is not None]
    if not priced:
        return present[0] if present else None
    first = priced[0]
    same = [t for t in priced if (t.currency, t.period) == (first.currency, first.period)]
    lows = [t.min for t in same if t.min is not None]
    highs = [t.max for t in same if t.max is not None]
    raws = list(dict.fromkeys(t.raw for t in same if t.raw))
    raw = "; ".join(raws)[:RAW_LIMIT] or None
    return Salary(
        min(lows, default=None), max(highs, default=None), first.currency, first.period, raw
    )


def currency_code(value: str | None) -> str | None:
    """An ISO 4217 code from a code in any case or a symbol ("€", "CA$"); None otherwise."""
    text = (value or "").strip()
    if re.fullmatch(r"[A-Za-z]{3}", text):
        return text.upper()
    return SYMBOLS.get(text.lower())


def _amount(value: Amount, *, cents: bool) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    text = str(value).strip().replace(",", "").replace("_", "")
    if not _AMOUNT.match(text):
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation:
        return None
    if amount <= 0:
        return None
    return amount / 100 if cents else amount


def _raw(text: str | None) -> str | None:
    cleaned = _SPACES.sub(" ", text or "").strip()
    return cleaned[:RAW_LIMIT] or None
