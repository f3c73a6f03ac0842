"""The title classifier, on labelled real-world titles kept in titles.csv."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest

from jobtracker.listings import categories
from jobtracker.listings.categories import RULES, classify
from jobtracker.listings.schemas import Category

TITLES = Path(__file__).with_name("titles.csv")


def labelled() -> list[tuple[str, str]]:
    with TITLES.open(encoding="utf-8", newline="") as file:
        return [(row["title"], row["category"]) for row in csv.DictReader(file)]


class TestClassify:
    def test_the_table_is_large_and_covers_every_category(self) -> None:
        rows = labelled()
        assert len(rows) >= 150
        assert {category for _, category in rows} == {category.value for category in Category}

    @pytest.mark.parametrize(("title", "expected"), labelled())
    def test_labelled_title(self, title: str, expected: str) -> None:
        assert classify(title) == Category(expected)

    @pytest.mark.parametrize(
        ("title", "expected"),
        [
            ("Engineering Manager, Frontend", Category.ENGINEERING_MANAGEMENT),
            ("Full Stack Engineer (React, Node.js)", Category.FULL_STACK),
            ("Product Designer", Category.DESIGN),
            ("AI Product Manager", Category.PRODUCT),
            ("Frontend Engineer (React Native)", Category.MOBILE),
            ("Penetration Tester", Category.SECURITY),
        ],
    )
    def test_earlier_rules_win_over_later_ones(self, title: str, expected: Category) -> None:
        assert classify(title) == expected

    @pytest.mark.parametrize("title", ["Build Engineer", "Guild Lead", "Go-to-Market Manager"])
    def test_phrases_match_whole_words_only(self, title: str) -> None:
        # "ui" is in "build" and "guild", "go" begins "go-to-market": none of them says so.
        assert classify(title) not in {Category.FRONTEND, Category.DESIGN, Category.BACKEND}

    def test_entities_and_accents_do_not_matter(self) -> None:
        assert classify("DÉVELOPPEUR FULL-STACK") == classify("developpeur full stack")

    def test_an_empty_title_is_other(self) -> None:
        assert classify("") == Category.OTHER


class TestDeterminism:
    def test_the_same_title_always_gets_the_same_category(self) -> None:
        titles = [title for title, _ in labelled()]
        first = [classify(title) for title in titles]
        assert all([classify(title) for title in titles] == first for _ in range(3))

    def test_another_process_with_another_hash_seed_agrees(self) -> None:
        titles = [title for title, _ in labelled()]
        script = (
            "import sys; from jobtracker.listings.categories import classify\n"
            "print('\\n'.join(classify(t).value for t in sys.stdin.read().split('\\n')))"
        )
        env = os.environ | {"PYTHONHASHSEED": "12345"}
        result = subprocess.run(
            [sys.executable, "-c", script],
            input="\n".join(titles),
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
        assert result.stdout.split() == [classify(title).value for title in titles]


class TestDocumentation:
    def test_the_docstring_lists_the_rules_in_their_order(self) -> None:
        doc = categories.__doc__ or ""
        positions = [doc.index(f". {category.value}:") for category, _ in RULES]
        assert positions == sorted(positions)

    def test_every_category_but_other_has_a_rule_and_a_label(self) -> None:
        assert [category for category, _ in RULES if category is Category.OTHER] == []
        assert {category for category, _ in RULES} == set(Category) - {Category.OTHER}
        assert Category.DEVOPS.label == "DevOps / SRE / Platform"
        assert all(category.label for category in Category)
