"""De-duplication across sources: a new sighting joins a listing that another source holds,
found by canonical apply URL, then by key (company, title and first place, folded). Within a
source only the external id says "same": two openings of one role stay two listings.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from jobtracker.listings.import_repository import CatalogueWriter

MEMO_LIMIT = 20_000  # URLs, and keys, remembered as unmatched at most (about 3 MB each)


class Matcher:
    """Finds the listings other sources hold for a chunk's new rows. One per import run: a URL
    or key that no other source's listing had is remembered and not asked about again in the
    run. A board repeats its own keys (five hundred "Warehouse Associate, Seattle"), and asking
    about a key that hundreds of the source's own listings share is what costs: each of them
    has to be found and ruled out. URLs and keys are remembered apart: a board's URLs are
    mostly one per posting, and they would crowd its few keys out of one memo. A listing
    another source adds during the run is found by the next run."""

    def __init__(self, source_id: uuid.UUID) -> None:
        self.source_id = source_id
        self.unmatched_urls: set[str] = set()
        self.unmatched_keys: set[str] = set()

    def find(self, writer: CatalogueWriter, rows: Sequence[dict[str, Any]]) -> Matches:
        urls = {row["canonical_url"] for row in rows if row["canonical_url"]}
        urls -= self.unmatched_urls
        keys = {row["dedupe_key"] for row in rows} - self.unmatched_keys
        by_url: dict[str, uuid.UUID] = {}
        by_key: dict[str, uuid.UUID] = {}
        if urls or keys:
            matching = writer.matching_listings(self.source_id, list(urls), list(keys))
            for listing_id, url, key in matching:
                by_key.setdefault(key, listing_id)
                if url:
                    by_url[url] = listing_id
        _remember(self.unmatched_urls, urls - by_url.keys())
        _remember(self.unmatched_keys, keys - by_key.keys())
        return Matches(by_url, by_key)


def _remember(memo: set[str], unmatched: set[str]) -> None:
    if len(memo) > MEMO_LIMIT:
        memo.clear()
    memo.update(unmatched)


class Matches:
    """One chunk's matches. A listing is joined by one new sighting at most: two new postings
    of one source that match the same listing are two openings, not one."""

    def __init__(self, by_url: dict[str, uuid.UUID], by_key: dict[str, uuid.UUID]) -> None:
        self.by_url, self.by_key = by_url, by_key
        self.taken: set[uuid.UUID] = set()

    def take(self, row: dict[str, Any]) -> uuid.UUID | None:
        """The listing this row joins (URL first, then key), or None: a listing of its own."""
        for listing_id in (
            self.by_url.get(row["canonical_url"]),
            self.by_key.get(row["dedupe_key"]),
        ):
            if listing_id is not None and listing_id not in self.taken:
                self.taken.add(listing_id)
                return listing_id
        return None
