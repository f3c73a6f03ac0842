"""Full-text search of the catalogue: SQLite FTS5 in the embedded default, PostgreSQL full-text
search in scale-out. Both index title, company, skills and description, title weighted most.

The index lives outside the models (see migration 0009): `listings_fts` (FTS5, one row per
listing, keyed by an UNINDEXED listing_id) or `listing_search` (a tsvector with a GIN index).
The importer calls `index_rows` for every new or changed listing in the same transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from jobtracker.kit.bulk import execute_many
from jobtracker.listings.models import Listing

INSERT_SQLITE = (
    "INSERT INTO listings_fts (listing_id, title, company, skills, description)"
    " VALUES (:listing_id, :title, :company, :skills, :description)"
)
INSERT_POSTGRES = (
    "INSERT INTO listing_search (listing_id, document) VALUES (:listing_id,"
    " setweight(to_tsvector('listing_words', :title), 'A')"
    " || setweight(to_tsvector('listing_words', :company), 'B')"
    " || setweight(to_tsvector('listing_words', :skills), 'B')"
    " || setweight(to_tsvector('listing_english', :description), 'C'))"
)
# listing_words and listing_english (migration 0010) are `simple` and `english` with accents
# removed, as FTS5's remove_diacritics does on SQLite: "developpeur" finds "Développeur".


def is_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def index_listings(session: Session, listings: Sequence[Listing]) -> None:
    """(Re)index these listings: their old entries go, their current text comes in."""
    columns = ("id", "title", "company", "skills", "description_text")
    rows = [{name: getattr(listing, name) for name in columns} for listing in listings]
    index_rows(session, rows, replace=True)


def index_rows(session: Session, rows: Sequence[Mapping[str, Any]], *, replace: bool) -> None:
    """Index listings given as their columns (id, title, company, skills, description_text);
    `replace` when they may be indexed already (their old entries go first)."""
    if not rows:
        return
    if replace:
        unindex(session, [row["id"] for row in rows])
    statement = INSERT_SQLITE if is_sqlite(session) else INSERT_POSTGRES
    execute_many(session.connection(), text(statement), [_document(row) for row in rows])


def unindex(session: Session, listing_ids: Sequence[uuid.UUID]) -> None:
    table = "listings_fts" if is_sqlite(session) else "listing_search"
    keys = [_key(session, listing_id) for listing_id in listing_ids]
    for start in range(0, len(keys), 500):  # bounded IN lists
        chunk = keys[start : start + 500]
        marks = ", ".join(f":k{number}" for number in range(len(chunk)))
        values = {f"k{number}": key for number, key in enumerate(chunk)}
        session.execute(text(f"DELETE FROM {table} WHERE listing_id IN ({marks})"), values)  # noqa: S608 - our own table name and placeholders


def _document(row: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "listing_id": row["id"].hex,
        "title": row["title"],
        "company": row["company"],
        "skills": " ".join(row["skills"] or ()),
        "description": row["description_text"],
    }


def _key(session: Session, listing_id: uuid.UUID) -> str | uuid.UUID:
    """SQLite keeps UUIDs as 32 hex characters (SQLAlchemy's Uuid type); PostgreSQL as uuid."""
    return listing_id.hex if is_sqlite(session) else listing_id
