"""Reading a salary as people type it: "$120k-150k", "55.000 € brutto", "45/hr", "£40,000 p.a.".

The result is {min, max, currency, period}, or None when no amount can be found. Amounts are
numbers in the currency's unit (thousands expanded); currency is an ISO 4217 code when a symbol
or code says so; period is hour, day, week, month or year when the text says so, and year for
amounts of 10,000 or more when it does not.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import TypedDict

from jobtracker.kit.text import fold


class Salary(TypedDict):
    min: float | int
    max: float | int
    currency: str | None
    period: str | None


# Checked in this order: a longer symbol before the one inside it ("ca$" holds "a$" and "$").
SYMBOLS = {"us$": "USD", "ca$": "CAD", "au$": "AUD", "nz$": "NZD", "hk$": "HKD", "mx$": "MXN",
           "c$": "CAD", "a$": "AUD", "r$": "BRL", "$": "USD", "€": "EUR", "£": "GBP",
           "¥": "JPY", "₹": "INR", "zł": "PLN", "₱": "PHP", "₩": "KRW", "₺": "TRY", "₴": "UAH",
           "₦": "NGN", "₪": "ILS", "kč": "CZK"}  # fmt: skip
CODES = {"USD", "EUR", "GBP", "CAD", "AUD", "NZD", "CHF", "SEK", "NOK", "DKK", "PLN", "CZK",
         "HUF", "JPY", "INR", "BRL", "MXN", "SGD", "ZAR", "ILS", "RON", "TRY", "HKD", "KRW",
         "UAH", "NGN", "ARS", "CLP", "IDR", "MYR", "THB", "VND", "PKR", "EGP", "AED", "KES",
         "TWD", "CNY", "BGN", "ISK", "RSD"}  # fmt: skip
WORD_CURRENCIES = {"euro": "EUR", "euros": "EUR", "dollars": "USD", "pounds": "GBP"}
PERIODS = (
    ("hour", r"/\s*h(ou)?r?\b|per hour|hourly|an hour|stundenlohn|/\s*hora|\bph\b"),
    ("day", r"/\s*d(ay)?\b|per day|daily|a day|tagessatz"),
    ("week", r"/\s*w(ee)?k\b|per week|weekly|a week"),
    ("month", r"/\s*mo(nth)?\b|per month|monthly|a month|p\.?\s?m\.?(?!\w)|monatlich|/\s*mes"),
    ("year", r"/\s*y(ea)?r\b|per year|yearly|annual|annum|p\.?\s?a\.?(?!\w)|a year|jährlich"
             r"|brutto|gross|/\s*año"),
)  # fmt: skip
# 1,234,567 or 1.234.567 or 1 234 567 (grouped), or 45 / 45.50 / 1,5 (plain), each maybe "k"/"m".
# The "k"/"m" is a multiplier only as a word of its own: "24 000 monthly" is not 24 billion.
NUMBER = re.compile(
    r"(\d{1,3}(?:([.,\u00a0\u202f ])\d{3})(?:\2\d{3})*|\d+(?:[.,]\d{1,2})?)(?:\s*([km])(?![a-z]))?"
)
# Compiled once: `re.search(pattern, ...)` looks each up in re's cache, a third of the time of
# a salary's reading.
_PERIOD_PATTERNS = tuple((period, re.compile(pattern)) for period, pattern in PERIODS)
_NOT_DIGIT = re.compile(r"\D")
RANGE_GAP = re.compile(r"^\s*(-|\u2013|\u2014|to|bis|a)\s*\D{0,4}$")
MULTIPLIERS = {"k": 1000, "m": 1_000_000, None: 1}


def parse_salary(text: str | None) -> Salary | None:
    if not text or not text.strip():
        return None
    lowered = text.lower()
    amounts = _amounts(lowered)
    if not amounts:
        return None
    low, high = min(amounts), max(amounts)
    currency = _currency(text)
    period = _period(lowered) or ("year" if high >= 10_000 else None)
    return Salary(min=_plain(low), max=_plain(high), currency=currency, period=period)


def _amounts(text: str) -> list[Decimal]:
    """The first amount, and the second when the text between them reads as a range."""
    found = list(NUMBER.finditer(text))[:2]
    if not found:
        return []
    values = [_value(match) for match in found]
    suffixes = [match.group(3) for match in found]
    if len(found) == 2 and not RANGE_GAP.match(text[found[0].end() : found[1].start()]):
        values, suffixes = values[:1], suffixes[:1]
    if len(values) == 2 and suffixes[1] and not suffixes[0] and values[0] < values[1]:
        values[0] *= MULTIPLIERS[suffixes[1]]  # "$120-150k": the "k" applies to both
    return [value for value in values if value > 0]


def _value(match: re.Match[str]) -> Decimal:
    digits, separator, suffix = match.group(1), match.group(2), match.group(3)
    if separator:  # a grouped number: every separator is a thousands separator
        digits = _NOT_DIGIT.sub("", digits)
    try:
        number = Decimal(digits.replace(",", "."))
    except InvalidOperation:
        return Decimal(0)
    return number * MULTIPLIERS[suffix]


def _currency(text: str) -> str | None:
    lowered = text.lower()
    for symbol, code in SYMBOLS.items():
        if symbol in lowered:
            return code
    words: list[str] = re.findall(r"[A-Za-z]{3,7}", text)
    for word in words:
        if word.upper() in CODES and (word.isupper() or len(word) == 3):
            return word.upper()
        if fold(word) in WORD_CURRENCIES:
            return WORD_CURRENCIES[fold(word)]
    return None


def _period(text: str) -> str | None:
    for period, pattern in _PERIOD_PATTERNS:
        if pattern.search(text):
            return period
    return None


def _plain(value: Decimal) -> float | int:
    return int(value) if value == value.to_integral_value() else float(round(value, 2))
