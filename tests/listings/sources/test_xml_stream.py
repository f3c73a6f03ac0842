"""Streaming XML: items one at a time, entities never expanded, nothing fetched, undeclared
prefixes survived, broken documents told apart from complete ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from jobtracker.listings.sources.base import InvalidFeed
from jobtracker.listings.sources.xml_stream import Fields, stream_items

ROOTS = ("rss",)


def items_of(tmp_path: Path, document: str, *, items: tuple[str, ...] = ("item",)) -> list[Fields]:
    path = tmp_path / "feed.xml"
    path.write_text(document, encoding="utf-8")
    return [Fields(item) for item in stream_items(path, items=items, roots=ROOTS, what="feed")]


class TestStreamItems:
    def test_items_come_in_order(self, tmp_path: Path) -> None:
        found = items_of(
            tmp_path, "<rss><channel><item><t>1</t></item><item><t>2</t></item></channel></rss>"
        )
        assert [item.text("t") for item in found] == ["1", "2"]

    def test_an_external_entity_is_never_fetched_nor_read(self, tmp_path: Path) -> None:
        document = (
            '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
            "<rss><channel><item><t>&secret;</t></item></channel></rss>"
        )
        (item,) = items_of(tmp_path, document)
        assert item.text("t") == "&secret;"

    def test_nested_entities_stay_references(self, tmp_path: Path) -> None:
        laughs = "".join(f'<!ENTITY l{n} "&l{n - 1};&l{n - 1};&l{n - 1};">' for n in range(1, 9))
        document = (
            f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY l0 "ha">{laughs}]>'
            "<rss><channel><item><t>&l8;</t></item></channel></rss>"
        )
        (item,) = items_of(tmp_path, document)
        assert item.text("t") == "&l8;"

    def test_undeclared_prefixes_are_read_by_their_written_name(self, tmp_path: Path) -> None:
        document = "<rss><channel><item><h:company>Arcwise</h:company></item></channel></rss>"
        (item,) = items_of(tmp_path, document)
        assert item.text("h:company") == "Arcwise"

    def test_a_declared_prefix_is_read_by_prefix_whatever_its_uri(self, tmp_path: Path) -> None:
        document = (
            '<rss xmlns:job_listing="https://board.example.test"><channel><item>'
            "<job_listing:company>Acme</job_listing:company></item></channel></rss>"
        )
        (item,) = items_of(tmp_path, document)
        assert item.text("job_listing:company") == "Acme"
        assert item.has_prefix("job_listing")

    def test_a_document_cut_short_fails_after_the_items_before_the_cut(
        self, tmp_path: Path
    ) -> None:
        path = tmp_path / "feed.xml"
        path.write_text("<rss><channel><item><t>1</t></item><item><t>2", encoding="utf-8")
        stream = stream_items(path, items=("item",), roots=ROOTS, what="feed")
        assert Fields(next(stream)).text("t") == "1"
        with pytest.raises(InvalidFeed, match="feed: cut short or not well-formed"):
            next(stream)

    def test_a_cut_after_an_undeclared_prefix_still_fails(self, tmp_path: Path) -> None:
        with pytest.raises(InvalidFeed, match="cut short"):
            items_of(tmp_path, "<rss><channel><item><h:c>x</h:c></item><item>")

    @pytest.mark.parametrize(
        "document",
        [
            "<rss><channel><item><t>Fish & chips</t></item></channel></rss>",  # a bare &
            "<rss><channel><item><t>A&nbsp;B</t></item></channel></rss>",  # HTML's entity
        ],
    )
    def test_a_document_that_is_not_well_formed_fails(self, tmp_path: Path, document: str) -> None:
        with pytest.raises(InvalidFeed, match="not well-formed"):
            items_of(tmp_path, document)

    def test_another_root_is_not_an_empty_feed(self, tmp_path: Path) -> None:
        with pytest.raises(InvalidFeed, match=r"root element is none of <rss>"):
            items_of(tmp_path, "<html><body><p>Maintenance</p></body></html>")

    def test_a_description_written_as_elements_keeps_its_tags(self, tmp_path: Path) -> None:
        document = "<rss><channel><item><d>Intro <p>Body &amp; more</p></d></item></channel></rss>"
        (item,) = items_of(tmp_path, document)
        assert item.markup("d") == "Intro <p>Body &amp; more</p>"
        assert item.text("d") == "Intro Body & more"

    def test_items_already_read_are_released(self, tmp_path: Path) -> None:
        path = tmp_path / "feed.xml"
        items = "".join(f"<item><t>{n}</t></item>" for n in range(5))
        path.write_text(f"<rss><channel><title>T</title>{items}</channel></rss>", encoding="utf-8")
        # The children each earlier item still has in the tree, seen from each item in turn.
        earlier = [
            [len(old) for old in item.itersiblings(preceding=True) if old.tag == "item"]
            for item in stream_items(path, items=("item",), roots=ROOTS, what="feed")
        ]
        assert earlier == [[], [0], [0], [0], [0]]  # only the one just read, emptied
