"""Salaries in the shapes feeds.md §10.4 describes: cents, strings, periods, tiers, free text."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jobtracker.listings.normalize import (
    currency_code,
    pick_salary,
    salary_from_amounts,
    salary_from_text,
    salary_period,
)
from jobtracker.listings.normalize.salary import Amount
from jobtracker.listings.schemas import Salary


class TestSalaryPeriod:
    @pytest.mark.parametrize(
        ("value", "period"),
        [
            ("per-year-salary", "year"),  # Lever
            ("per-month-salary", "month"),
            ("per-week-salary", "week"),
            ("per-day-wage", "day"),
            ("per-day-salary", "day"),
            ("per-hour-wage", "hour"),
            ("one-time", "one_time"),
            ("1 YEAR", "year"),  # Ashby
            ("1 HOUR", "hour"),
            ("NONE", None),
            ("yearly", "year"),  # Jobicy
            ("monthly", "month"),
            ("hourly", "hour"),
            ("YEAR", "year"),  # JSON-LD unitText
            ("HOUR", "hour"),
            ("MONTH", "month"),
            ("year", "year"),  # Recruitee
            ("month", "month"),
            ("fortnightly-ish", None),
            (None, None),
        ],
    )
    def test_every_vocabulary(self, value: str | None, period: str | None) -> None:
        assert salary_period(value) == period


class TestSalaryFromAmounts:
    def test_greenhouse_cents_become_units(self) -> None:
        salary = salary_from_amounts(
            low=6500000, high=8200000, currency="EUR", period=None, cents=True, raw="Portugal"
        )
        assert salary == Salary(Decimal(65000), Decimal(82000), "EUR", None, "Portugal")

    def test_recruitee_string_amounts(self) -> None:
        salary = salary_from_amounts(low="3800", high="4600", currency="EUR", period="month")
        assert salary == Salary(Decimal(3800), Decimal(4600), "EUR", "month")

    def test_decimal_strings_keep_their_cents(self) -> None:
        salary = salary_from_amounts(low="18.50", high="55000.00", currency="eur", period="year")
        assert salary is not None
        assert (salary.min, salary.max, salary.currency) == (
            Decimal("18.50"),
            Decimal("55000.00"),
            "EUR",
        )

    def test_lever_salary_range(self) -> None:
        salary = salary_from_amounts(
            low=70000, high=90000, currency="EUR", period="per-year-salary"
        )
        assert salary == Salary(Decimal(70000), Decimal(90000), "EUR", "year")

    def test_jsonld_single_value(self) -> None:
        salary = salary_from_amounts(low=42.5, high=42.5, currency="USD", period="HOUR")
        assert salary == Salary(Decimal("42.5"), Decimal("42.5"), "USD", "hour")

    @pytest.mark.parametrize(("low", "high"), [(0, 0), (None, None), ("", ""), ("n/a", None)])
    def test_no_amount_is_no_salary(self, low: Amount, high: Amount) -> None:
        # RemoteOK sends 0 when it does not know.
        assert salary_from_amounts(low=low, high=high, currency="USD", period=None) is None

    def test_no_amount_but_a_text_keeps_the_text(self) -> None:
        salary = salary_from_amounts(low=None, high=None, currency=None, period=None, raw="DOE")
        assert salary == Salary(None, None, None, None, "DOE")

    def test_a_reversed_range_is_put_in_order(self) -> None:
        salary = salary_from_amounts(low=90000, high=70000, currency="PLN", period="year")
        assert salary is not None and (salary.min, salary.max) == (70000, 90000)

    @pytest.mark.parametrize("currency", ["CAD", "EUR", "PLN", "GBP"])
    def test_currencies_are_never_assumed(self, currency: str) -> None:
        salary = salary_from_amounts(low=1, high=2, currency=currency, period=None)
        assert salary is not None and salary.currency == currency


class TestSalaryFromText:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("$40-50K per year", (40000, 50000, "USD", "year")),
            ("\u20b150,000 \u2013 \u20b160,000 / month", (50000, 60000, "PHP", "month")),
            ("$40,000 - $50,000", (40000, 50000, "USD", "year")),  # Remotive
            ("$120k - $150k", (120000, 150000, "USD", "year")),
            ("$42 - $50 per hour", (42, 50, "USD", "hour")),  # Indeed
            ("$70K per year", (70000, 70000, "USD", "year")),
            ("CA$95K \u2013 CA$120K", (95000, 120000, "CAD", "year")),  # Ashby summary
            ("PLN 18 000 - 24 000 monthly", (18000, 24000, "PLN", "month")),
        ],
    )
    def test_free_text_is_read(self, text: str, expected: tuple[int, int, str, str]) -> None:
        salary = salary_from_text(text)
        assert salary is not None
        assert (salary.min, salary.max, salary.currency, salary.period) == expected
        assert salary.raw == text

    @pytest.mark.parametrize("text", ["Competitive", "DOE", "Negotiable + equity"])
    def test_text_that_cannot_be_read_is_kept_raw(self, text: str) -> None:
        assert salary_from_text(text) == Salary(None, None, None, None, text)

    @pytest.mark.parametrize("text", ["", "   ", None])
    def test_no_text_is_no_salary(self, text: str | None) -> None:
        assert salary_from_text(text) is None


class TestPickSalary:
    def test_the_widest_range_of_the_first_currency(self) -> None:
        tiers = [
            Salary(Decimal(65000), Decimal(82000), "EUR", "year", "Portugal"),
            Salary(Decimal(50000), Decimal(70000), "EUR", "year", "Spain"),
            Salary(Decimal(90000), Decimal(120000), "USD", "year", "US"),
        ]
        assert pick_salary(tiers) == Salary(
            Decimal(50000), Decimal(82000), "EUR", "year", "Portugal; Spain"
        )

    def test_a_tier_without_amounts_does_not_decide(self) -> None:
        tiers = [
            None,
            Salary(None, None, None, None, "Offers Equity"),
            Salary(Decimal(1), Decimal(2), "CAD", "year"),
        ]
        assert pick_salary(tiers) == tiers[2]

    def test_only_texts_give_the_first_text(self) -> None:
        tiers = [Salary(None, None, None, None, "Competitive"), Salary(None, None, None, None, "x")]
        assert pick_salary(tiers) == tiers[0]

    def test_no_tiers_no_salary(self) -> None:
        assert pick_salary([]) is None


class TestCurrencyCode:
    @pytest.mark.parametrize(
        ("value", "code"), [("eur", "EUR"), ("\u20ac", "EUR"), ("CA$", "CAD"), ("", None)]
    )
    def test_codes_and_symbols(self, value: str, code: str | None) -> None:
        assert currency_code(value) == code
