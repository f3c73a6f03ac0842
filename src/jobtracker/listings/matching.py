"""De-duplication across sources: a new sighting joins a listing that another source holds,
found by canonical apply URL, then by key (company, title and first place, folded). Within a
source only the external id says "same": two openings of one role stay two listings.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from jobtracker.listings.import_repository import CatalogueWriter

MEMO_LIMIT = 20_000  # URLs and keys remembered as unmatched at most (about 3 MB)


class Matcher:
    """Finds the listings other sources hold for a chunk's new rows. One per import run: a URL
    or key that no other source's listing had is remembered and not asked about again in the
    run. A board repeats its own keys (five hundred "Warehouse Associate, Seattle"), and asking
    about a key that hundreds of the source's own listings share is what costs: each of them
    has to be found and ruled out. A listing another source adds during the run is found by
    the next run."""

    def __init__(self, source_id: uuid.UUID) -> None:
        self.source_id = source_id
        self.unmatched: set[str] = set()

    def find(self, writer: CatalogueWriter, rows: Sequence[dict[str, Any]]) -> Matches:
        wanted = {f"u:{row['canonical_url']}" for row in rows if row["canonical_url"]}
        wanted.update(f"k:{row['dedupe_key']}" for row in rows)
        wanted -= self.unmatched
        found: dict[str, uuid.UUID] = {}
        if wanted:
            urls = [name[2:] for name in wanted if name.startswith("u:")]
            keys = [name[2:] for name in wanted if name.startswith("k:")]
            for listing_id, url, key in writer.matching_listings(self.source_id, urls, keys):
                found.setdefault(f"k:{key}", listing_id)
                if url:
                    found[f"u:{url}"] = listing_id
        if len(self.unmatched) > MEMO_LIMIT:
            self.unmatched.clear()
        self.unmatched.update(wanted - found.keys())
        return Matches(found)


class Matches:
    """One chunk's matches. A listing is joined by one new sighting at most: two new postings
    of one source that match the same listing are two openings, not one."""

    def __init__(self, found: dict[str, uuid.UUID]) -> None:
        self.found = found
        self.taken: set[uuid.UUID] = set()

    def take(self, row: dict[str, Any]) -> uuid.UUID | None:
        """The listing this row joins (URL first, then key), or None: a listing of its own."""
        names = (
            f"u:{row['canonical_url']}" if row["canonical_url"] else "",
            f"k:{row['dedupe_key']}",
        )
        for name in names:
            listing_id = self.found.get(name)
            if listing_id is not None and listing_id not in self.taken:
                self.taken.add(listing_id)
                return listing_id
        return None
