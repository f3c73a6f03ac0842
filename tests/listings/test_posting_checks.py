"""Windowed feeds: a posting whose own page answers 404 or 410 is taken down; other answers
(a 500, a timeout) prove nothing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from jobtracker.kit.clock import utcnow
from jobtracker.listings import importer, reading
from jobtracker.listings.models import Listing, Source
from jobtracker.listings.tasks import check_posting_batch
from tests.kit.http.conftest import LocalServer
from tests.listings.test_importer import record


@pytest.fixture
def pages() -> Iterator[LocalServer]:
    local = LocalServer()
    local.start()
    local.reply("/alive", 200, b"<html>still hiring</html>")
    local.reply("/gone", 404, b"not found")
    local.reply("/closed", 410, b"gone")
    local.reply("/flaky", 500, b"oops")
    yield local
    local.stop()


class TestPostingChecks:
    def test_404_and_410_take_a_posting_down_and_500_does_not(
        self, committed: sessionmaker[Session], pages: LocalServer
    ) -> None:
        with committed.begin() as session:
            feed = Source(kind="fake_feed", name="Remote feed", config={"board": "feed"})
            session.add(feed)
            session.flush()
            items = [record(path, path.title(), url=pages.url(f"/{path}"))
                     for path in ("alive", "gone", "closed", "flaky")]  # fmt: skip
            rows = [reading.row_of(item) for item in items]
            importer.apply_chunk(session, source_id=feed.id, rows=rows, now=utcnow())
        assert check_posting_batch() == 2
        with committed() as session:
            live = session.scalars(select(Listing.title).where(Listing.removed_at.is_(None)))
            assert sorted(live) == ["Alive", "Flaky"]

    def test_full_snapshot_sources_are_not_checked_page_by_page(
        self, committed: sessionmaker[Session], pages: LocalServer
    ) -> None:
        with committed.begin() as session:
            board = Source(kind="fake", name="ATS board", config={"board": "ats"})
            session.add(board)
            session.flush()
            row = reading.row_of(record("gone", url=pages.url("/gone")))
            importer.apply_chunk(session, source_id=board.id, rows=[row], now=utcnow())
        assert check_posting_batch() == 0
        assert "/gone" not in pages.paths()
