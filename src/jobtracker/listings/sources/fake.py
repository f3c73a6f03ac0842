"""A source for tests and demos that lives in memory: `FAKE_BOARDS[board]` holds what it serves.

It keeps the contract of base.py exactly (download, then a streamed parse, failures included),
so the importer's tests exercise the same paths as real adapters without a network peer.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from jobtracker.kit.http import GuardedClient
from jobtracker.listings.schemas import ItemError, ListingRecord
from jobtracker.listings.sources.base import BoardConfig, Download, InvalidFeed, Posting, ReadWhole


@dataclass
class FakeBoard:
    items: list[ListingRecord | ItemError] = field(default_factory=list)
    fail_download: Exception | None = None  # raised by download (a failed fetch)
    broken_after: int | None = None  # InvalidFeed after this many items (a truncated feed)
    not_modified: bool = False


FAKE_BOARDS: dict[str, FakeBoard] = {}


class FakeSource(ReadWhole):
    kind: ClassVar[str] = "fake"
    snapshot: ClassVar[bool] = True
    Config = BoardConfig

    @property
    def board(self) -> FakeBoard:
        return FAKE_BOARDS[self.config.board]  # type: ignore[attr-defined]

    def download(
        self, client: GuardedClient, folder: Path, *, etag: str | None, last_modified: str | None
    ) -> Download:
        if self.board.fail_download:
            raise self.board.fail_download
        if self.board.not_modified and etag:
            return Download(etag=etag, not_modified=True)
        return Download(files=[], etag=f"v{len(self.board.items)}")

    def postings(self, files: list[Path]) -> Iterator[Posting]:
        for number, item in enumerate(self.board.items):
            if self.board.broken_after is not None and number >= self.board.broken_after:
                raise InvalidFeed("the document ends in the middle of an item")
            yield self.carry(item)


class FakeFeed(FakeSource):
    """The same, as a windowed feed: absence proves nothing, pages and expiry decide."""

    kind: ClassVar[str] = "fake_feed"
    snapshot: ClassVar[bool] = False
