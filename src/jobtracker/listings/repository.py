"""SQL of the public catalogue: search with filters (full text on SQLite's FTS5 or PostgreSQL),
a listing with its sightings, and taking listings down or back.

Listings are public, so nothing here is scoped to an owner. The full-text tables are not models
(see search.py and migrations 0009, 0010); they are described here as lightweight tables.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, time
from typing import Any

from sqlalchemy import (
    ColumnClause,
    ColumnElement,
    Select,
    String,
    Uuid,
    column,
    func,
    literal_column,
    select,
    table,
    update,
)
from sqlalchemy.dialects.postgresql import TSVECTOR

from jobtracker.kit.pagination import Pagination
from jobtracker.kit.repository import Repository
from jobtracker.kit.text import like_escape, words
from jobtracker.listings.models import Listing, Sighting, Source
from jobtracker.listings.schemas_catalogue import ListingQuery
from jobtracker.listings.search import is_sqlite

# Private-use characters around matches: the service escapes the passage, then makes them <mark>.
MARK_START, MARK_END = "\ue000", "\ue001"
SNIPPET_WORDS = 30
CHUNK = 500  # ids per statement: bounded IN lists

FTS = table("listings_fts", column("listing_id", String))
FTS_TABLE: ColumnClause[Any] = literal_column("listings_fts")
# bm25 weight of each listings_fts column: listing_id (not indexed), title, company, skills,
# description. A word in the title counts ten times one in the description.
BM25_WEIGHTS = (0.0, 10.0, 4.0, 4.0, 1.0)
DESCRIPTION_COLUMN = 4

SEARCH = table("listing_search", column("listing_id", Uuid), column("document", TSVECTOR))
WORDS_CONFIG: ColumnClause[Any] = literal_column(
    "'listing_words'"
)  # title, company, skills (migration 0010)
ENGLISH_CONFIG: ColumnClause[Any] = literal_column("'listing_english'")  # the description
HEADLINE_OPTIONS = (
    f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords={SNIPPET_WORDS}, MinWords=12,"
    ' MaxFragments=2, FragmentDelimiter=" … "'
)

_TOKEN = re.compile(r'(-?)(?:"([^"]*)"?|([^\s"]+))')
_TERM = re.compile(r"[^\W_]+")


def match_expression(query: str) -> str | None:
    """The user's query as FTS5 syntax, read the way PostgreSQL's websearch_to_tsquery reads it:
    every word required, "a phrase" in quotes, `or` between alternatives, -word excluded.
    Each term goes out quoted and made of letters and digits only, so nothing typed is FTS5
    syntax (c++, AND, NEAR, *, a lone quote). None when no word is left to look for: a query
    of only excluded words, or of punctuation, searches nothing (every listing shows)."""
    groups: list[tuple[list[str], list[str]]] = [([], [])]
    for negated, phrase, bare in _TOKEN.findall(query):
        if not negated and bare.lower() == "or":
            groups.append(([], []))
            continue
        terms = _TERM.findall(phrase or bare)
        if terms:
            groups[-1][1 if negated else 0].append('"' + " ".join(terms) + '"')
    return " OR ".join(_group(wanted, unwanted) for wanted, unwanted in groups if wanted) or None


def _group(wanted: list[str], unwanted: list[str]) -> str:
    expression = "(" + " AND ".join(wanted) + ")"
    return expression + (f" NOT ({' OR '.join(unwanted)})" if unwanted else "")


class ListingRepository(Repository[Listing]):
    model = Listing

    def search(self, query: ListingQuery, page: Pagination) -> tuple[list[Listing], int]:
        """One page of the listings that pass the filters (and match `q`), and their total.
        Ranked by relevance when there is something to search and `sort` allows it, else
        newest first (posted_at, unknown dates last)."""
        statement = self.select().where(*filters(query))
        order = newest_first()
        expression = match_expression(query.q)
        if expression is not None:
            statement, rank = self._matching(statement, query.q, expression)
            order = [rank, *order] if query.sort != "newest" else order
        count: Any = select(func.count()).select_from(statement.subquery())
        total = self.session.scalar(count) or 0
        page_of = statement.order_by(*order).limit(page.limit).offset(page.offset)
        return list(self.session.scalars(page_of)), total

    def _matching(
        self, statement: Select[Listing], query: str, expression: str
    ) -> tuple[Select[Listing], ColumnElement[Any]]:
        """The statement narrowed to listings matching the query, and its order by relevance."""
        if is_sqlite(self.session):
            matched = statement.join(FTS, FTS.c.listing_id == Listing.id)
            matched = matched.where(FTS_TABLE.op("MATCH")(expression))
            return matched, func.bm25(FTS_TABLE, *BM25_WEIGHTS).asc()  # bm25: lower is better
        tsquery = _tsquery(query)
        matched = statement.join(SEARCH, SEARCH.c.listing_id == Listing.id)
        matched = matched.where(SEARCH.c.document.op("@@")(tsquery))
        return matched, func.ts_rank_cd(SEARCH.c.document, tsquery).desc()

    def snippets(self, listing_ids: Sequence[uuid.UUID], query: str) -> dict[uuid.UUID, str]:
        """A passage of each listing's description around the matches of `query`, matches
        between MARK_START and MARK_END, nothing escaped yet. Only for the listings of a page:
        highlighting reads whole descriptions."""
        expression = match_expression(query)
        if expression is None or not listing_ids:
            return {}
        if is_sqlite(self.session):
            return self._fts_snippets(listing_ids, expression)
        headline = func.ts_headline(
            ENGLISH_CONFIG, Listing.description_text, _tsquery(query), HEADLINE_OPTIONS
        )
        statement = select(Listing.id, headline).where(Listing.id.in_(listing_ids))
        return {row[0]: row[1] for row in self.session.execute(statement)}

    def _fts_snippets(
        self, listing_ids: Sequence[uuid.UUID], expression: str
    ) -> dict[uuid.UUID, str]:
        snippet = func.snippet(
            FTS_TABLE, DESCRIPTION_COLUMN, MARK_START, MARK_END, "…", SNIPPET_WORDS
        )
        statement = select(FTS.c.listing_id, snippet).where(
            FTS_TABLE.op("MATCH")(expression),
            FTS.c.listing_id.in_([listing_id.hex for listing_id in listing_ids]),
        )
        return {uuid.UUID(row[0]): row[1] for row in self.session.execute(statement)}

    def sightings(self, listing_id: uuid.UUID) -> list[tuple[Sighting, Source]]:
        """Every source's copy of the listing, with its source, first seen first."""
        statement = (
            select(Sighting, Source)
            .join(Source, Source.id == Sighting.source_id)
            .where(Sighting.listing_id == listing_id)
            .order_by(Sighting.first_seen_at, Source.name)
        )
        return [(sighting, source) for sighting, source in self.session.execute(statement)]

    def values_of(self, name: str) -> list[str]:
        """The distinct values of a vocabulary column (category, employment_type) among the
        listings on show, for the search form's choices."""
        column_ = getattr(Listing, name)
        statement = select(column_).where(Listing.removed_at.is_(None)).distinct()
        return sorted(self.session.scalars(statement))

    def take_down(self, listing_ids: Sequence[uuid.UUID], at: datetime) -> list[uuid.UUID]:
        """Mark these listings removed; returns those that were not already."""
        return self._set_removed(listing_ids, Listing.removed_at.is_(None), at)

    def restore(self, listing_ids: Sequence[uuid.UUID]) -> list[uuid.UUID]:
        """Clear the removal of these listings; returns those that were removed."""
        return self._set_removed(listing_ids, Listing.removed_at.is_not(None), None)

    def _set_removed(
        self,
        listing_ids: Sequence[uuid.UUID],
        condition: ColumnElement[bool],
        removed_at: datetime | None,
    ) -> list[uuid.UUID]:
        # Conditional updates: a listing taken down twice (two runs, two workers) changes once,
        # so its event is raised once.
        changed: list[uuid.UUID] = []
        for chunk in _chunks(listing_ids):
            statement = (
                update(Listing)
                .where(Listing.id.in_(chunk), condition)
                .values(removed_at=removed_at)
                .returning(Listing.id)
            )
            changed.extend(self.session.scalars(statement))
        return changed


def filters(query: ListingQuery) -> list[ColumnElement[bool]]:
    """The conditions of every filter but the text search."""
    conditions = [*_text_filters(query), *_choice_filters(query)]
    if not query.include_removed:
        conditions.append(Listing.removed_at.is_(None))
    if query.salary_min is not None:
        paid = func.coalesce(Listing.salary_max, Listing.salary_min)
        conditions += [paid >= query.salary_min, Listing.salary_period == query.salary_period]
    if query.posted_since is not None:
        since = datetime.combine(query.posted_since, time.min, tzinfo=UTC)
        conditions.append(Listing.posted_at >= since)
    return conditions


def _text_filters(query: ListingQuery) -> Iterator[ColumnElement[bool]]:
    """Each typed word must appear in the folded column (so "berlin germany" finds
    "Berlin, Germany" whatever punctuation the folded text keeps)."""
    for column_, text in ((Listing.location_text, query.location),
                          (Listing.company_key, query.company)):  # fmt: skip
        for word in words(text):
            yield column_.like(f"%{like_escape(word)}%", escape="\\")


def _choice_filters(query: ListingQuery) -> Iterator[ColumnElement[bool]]:
    for column_, chosen in ((Listing.workplace, query.workplace),
                            (Listing.employment_type, query.employment_type),
                            (Listing.category, query.category)):  # fmt: skip
        if chosen:
            yield column_.in_(chosen)


def newest_first() -> list[ColumnElement[Any]]:
    return [Listing.posted_at.desc().nulls_last(), Listing.first_seen_at.desc(), Listing.id.asc()]


def _tsquery(query: str) -> ColumnElement[Any]:
    """websearch_to_tsquery in both configurations: the title's words as written, the
    description's as English stems ("developers" also finds "developer")."""
    as_words = func.websearch_to_tsquery(WORDS_CONFIG, query)
    return as_words.op("||")(func.websearch_to_tsquery(ENGLISH_CONFIG, query))


def _chunks(ids: Sequence[uuid.UUID]) -> Iterator[Sequence[uuid.UUID]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]
