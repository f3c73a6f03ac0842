"""Reading salaries as people type them (kit.salary), the cases job feeds added."""

from __future__ import annotations

import pytest

from jobtracker.kit.salary import parse_salary


class TestParseSalary:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("$40-50K per year", (40000, 50000, "USD", "year")),
            ("\u20b150,000 \u2013 \u20b160,000 / month", (50000, 60000, "PHP", "month")),
            ("CA$95K \u2013 CA$120K", (95000, 120000, "CAD", "year")),
            ("AU$120k", (120000, 120000, "AUD", "year")),
            ("A$120k", (120000, 120000, "AUD", "year")),
            ("PLN 18 000 - 24 000 monthly", (18000, 24000, "PLN", "month")),
            ("$1.5m", (1500000, 1500000, "USD", "year")),
            ("55.000 \u20ac brutto", (55000, 55000, "EUR", "year")),
            ("45/hr", (45, 45, None, "hour")),
        ],
    )
    def test_amounts_currency_and_period(
        self, text: str, expected: tuple[int, int, str | None, str]
    ) -> None:
        found = parse_salary(text)
        assert found is not None
        assert (found["min"], found["max"], found["currency"], found["period"]) == expected

    def test_a_month_word_after_an_amount_is_not_a_million(self) -> None:
        found = parse_salary("3800 monthly")
        assert found is not None and found["max"] == 3800

    @pytest.mark.parametrize("text", ["Competitive", "", None])
    def test_no_amount_is_none(self, text: str | None) -> None:
        assert parse_salary(text) is None
