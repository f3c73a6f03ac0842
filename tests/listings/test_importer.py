"""The importer on its own: chunks applied, de-duplication across sources, removal and return."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from jobtracker.kit.clock import utcnow
from jobtracker.listings import importer, reading
from jobtracker.listings.matching import Matcher
from jobtracker.listings.models import Listing, Sighting, Source
from jobtracker.listings.normalize import build_record
from jobtracker.listings.schemas import ListingRecord


def record(external_id: str, title: str = "Backend Engineer", **fields: Any) -> ListingRecord:
    values: dict[str, Any] = {
        "source_kind": "fake", "external_id": external_id, "title": title,
        "url": f"https://jobs.example.com/{external_id}", "company": "Acme",
        "locations": ["Berlin, Germany"], "description_html": "<p>Build APIs in Python.</p>",
        **fields,
    }  # fmt: skip
    built = build_record(**values)
    assert isinstance(built, ListingRecord), built
    return built


def source(session: Session, name: str = "Acme board") -> Source:
    row = Source(kind="fake", name=name, config={"board": name})
    session.add(row)
    session.flush()
    return row


def apply(session: Session, board: Source, *records: ListingRecord, **when: Any) -> dict[str, int]:
    rows = [reading.row_of(item) for item in records]
    now = when.get("now", utcnow())
    return importer.apply_chunk(session, source_id=board.id, rows=rows, now=now)


def live_titles(session: Session) -> list[str]:
    query = select(Listing.title).where(Listing.removed_at.is_(None)).order_by(Listing.title)
    return list(session.scalars(query))


@pytest.fixture
def board(session: Session) -> Source:
    return source(session)


class TestApplyChunk:
    def test_new_postings_become_listings_with_a_sighting_each(
        self, session: Session, board: Source
    ) -> None:
        counts = apply(session, board, record("1"), record("2", "Data Engineer"))
        assert counts == {"new": 2, "updated": 0, "unchanged": 0}
        assert live_titles(session) == ["Backend Engineer", "Data Engineer"]
        sightings = session.scalars(select(Sighting).where(Sighting.source_id == board.id))
        assert sorted(s.external_id for s in sightings) == ["1", "2"]

    def test_the_same_postings_again_are_unchanged_and_a_changed_one_is_updated(
        self, session: Session, board: Source
    ) -> None:
        apply(session, board, record("1"), record("2"))
        edited = record("2", description_html="<p>Now with Rust.</p>")
        assert apply(session, board, record("1"), edited) == {
            "new": 0, "updated": 1, "unchanged": 1,
        }  # fmt: skip
        text = session.scalar(select(Listing.description_text).where(Listing.url.like("%/2")))
        assert text == "Now with Rust."

    def test_an_id_repeated_in_one_chunk_is_stored_once(
        self, session: Session, board: Source
    ) -> None:
        assert apply(session, board, record("1"), record("1"))["new"] == 1
        assert len(live_titles(session)) == 1

    def test_the_same_apply_url_on_two_sources_is_one_listing(self, session: Session) -> None:
        ats, aggregator = source(session, "Acme ATS"), source(session, "Remote board")
        apply_url = "https://boards.example.com/acme/jobs/77?utm_source=remote"
        apply(session, ats, record("77", apply_url="https://boards.example.com/acme/jobs/77"))
        apply(session, aggregator, record("r-5", apply_url=apply_url, company="ACME"))
        [listing] = session.scalars(select(Listing))
        sightings = session.scalars(select(Sighting).where(Sighting.listing_id == listing.id))
        assert len(list(sightings)) == 2

    def test_the_same_company_title_and_place_on_two_sources_is_one_listing(
        self, session: Session
    ) -> None:
        first, second = source(session, "One"), source(session, "Two")
        apply(session, first, record("a", url="https://one.example/a"))
        apply(session, second, record("b", url="https://two.example/b", company="acme"))
        assert len(list(session.scalars(select(Listing)))) == 1


class TestRemoval:
    def test_a_posting_missing_from_two_complete_fetches_is_taken_down(
        self, session: Session, board: Source
    ) -> None:
        start = utcnow()
        apply(session, board, record("1"), record("2", "Data Engineer"), now=start)
        for run in (1, 2):
            later = start + timedelta(minutes=run)
            apply(session, board, record("1"), now=later)
            removed = importer.finish_snapshot(
                session, source_id=board.id, run_started=later, now=later
            )
            assert removed == (0 if run == 1 else 1)
        assert live_titles(session) == ["Backend Engineer"]

    def test_a_taken_down_posting_that_comes_back_is_restored(
        self, session: Session, board: Source
    ) -> None:
        start = utcnow()
        apply(session, board, record("1"), now=start)
        for run in (1, 2):
            later = start + timedelta(minutes=run)
            importer.finish_snapshot(session, source_id=board.id, run_started=later, now=later)
        assert live_titles(session) == []
        apply(session, board, record("1"), now=start + timedelta(minutes=3))
        assert live_titles(session) == ["Backend Engineer"]

    def test_a_listing_stays_while_another_source_still_carries_it(self, session: Session) -> None:
        first, second = source(session, "One"), source(session, "Two")
        start = utcnow()
        apply(session, first, record("a"), now=start)
        apply(session, second, record("b"), now=start)
        for run in (1, 2):
            later = start + timedelta(minutes=run)
            importer.finish_snapshot(session, source_id=first.id, run_started=later, now=later)
        assert live_titles(session) == ["Backend Engineer"]

    def test_windowed_feeds_take_down_expired_and_long_unseen_postings(
        self, session: Session, board: Source
    ) -> None:
        now = utcnow()
        expired = record("1", "Expired", expires=(now - timedelta(days=1)).isoformat())
        apply(session, board, expired, record("2", "Fresh"), now=now)
        apply(session, board, record("3", "Old"), now=now - timedelta(days=40))
        removed = importer.expire_windowed(
            session, source_id=board.id, now=now, ttl=timedelta(days=30)
        )
        assert removed == 2 and live_titles(session) == ["Fresh"]


class TestWithinOneSource:
    def test_two_postings_of_one_source_with_the_same_title_and_place_stay_two(
        self, session: Session, board: Source
    ) -> None:
        """Two openings of the same role: only the external id says "same" within a source."""
        counts = apply(session, board, record("1"), record("2"))
        assert counts["new"] == 2 and live_titles(session) == ["Backend Engineer"] * 2

    def test_the_same_apply_url_within_one_source_is_not_merged(
        self, session: Session, board: Source
    ) -> None:
        shared = "https://apply.example.com/acme"
        apply(session, board, record("1", apply_url=shared), record("2", apply_url=shared))
        assert len(live_titles(session)) == 2

    def test_two_new_postings_that_match_another_sources_listing_join_it_once(
        self, session: Session
    ) -> None:
        """The aggregator lists two openings of the role the ATS lists once: one joins the
        ATS's listing, the other stays a listing of its own."""
        ats, aggregator = source(session, "Acme ATS"), source(session, "Remote board")
        apply(session, ats, record("a", url="https://ats.example/a"))
        apply(session, aggregator, record("r1", url="https://agg.example/1"),
              record("r2", url="https://agg.example/2"))  # fmt: skip
        assert len(live_titles(session)) == 2
        joined = select(Sighting.listing_id).where(Sighting.source_id == aggregator.id)
        assert len(set(session.scalars(joined))) == 2

    def test_a_run_that_matched_nothing_at_first_still_joins_a_listing_later(
        self, session: Session
    ) -> None:
        """A run remembers the keys that matched nothing; the others it still looks up."""
        ats, aggregator = source(session, "Acme ATS"), source(session, "Remote board")
        apply(session, ats, record("a", url="https://ats.example/a"))
        matcher = Matcher(aggregator.id)
        rows = [reading.row_of(record("x", "Data Engineer", url="https://agg.example/x"))]
        importer.apply_chunk(session, source_id=aggregator.id, rows=rows, now=utcnow(),
                             matcher=matcher)  # fmt: skip
        rows = [reading.row_of(record("y", url="https://agg.example/y"))]
        importer.apply_chunk(session, source_id=aggregator.id, rows=rows, now=utcnow(),
                             matcher=matcher)  # fmt: skip
        assert live_titles(session) == ["Backend Engineer", "Data Engineer"]  # "y" joined
