"""The contract every source adapter keeps (one file per kind, next to this one).

An adapter knows one kind of source (a Greenhouse board, an RSS feed, a careers page): how to
fetch it and how to read it. It knows nothing of the database: the importer
(`listings/importer.py`) stores what it yields, decides what is new, changed or removed, and
runs it all as one durable task per import run.

- `Config` validates the source's `config` (admin API: invalid → 422 naming the field). Every
  kind accepts an optional `base_url` that replaces the vendor's API host (tests point it at a
  local server); feed and page kinds take `url`, board kinds take `board`.
- `download(client, folder, etag=, last_modified=)` fetches everything the source serves, page by
  page, through the guarded HTTP client, into files in `folder` (never the whole feed in memory),
  and returns a `Download`: the files in order, the validators for next time, whether the server
  said nothing changed (304), and whether the files hold the *complete* board.
  It raises when the fetch failed (a timeout, 5xx, 429, an HTML challenge page served with 200
  where a feed was expected: `InvalidFeed`): a failed fetch never marks anything removed.
- `parse(files)` reads the files as a stream (lxml iterparse for XML) and yields one
  `ListingRecord` per posting, or an `ItemError` for a posting that fails validation (the run
  goes on). It raises `InvalidFeed` when the document itself is broken (truncated XML,
  unreadable JSON); records already yielded stay, but the run does not count as complete.
- `snapshot` is True for full-snapshot sources (absence from two complete fetches = removed),
  False for windowed feeds (expiry dates, a 404/410 on the posting, or the TTL decide instead).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit, urlunsplit

from pydantic import BaseModel, ConfigDict, Field, HttpUrl

from jobtracker.kit.http import GuardedClient
from jobtracker.listings.schemas import ItemError, ListingRecord


def vendor_url(url: str, base_url: str | HttpUrl | None) -> str:
    """The vendor's `url`, fetched from `base_url`'s scheme and host (and below its path, as a
    prefix) when one is set: `https://jobicy.com/?feed=job_feed` with base
    `http://127.0.0.1:8001` is `http://127.0.0.1:8001/?feed=job_feed`."""
    if not base_url:
        return url
    parts, base = urlsplit(url), urlsplit(str(base_url))
    path = base.path.rstrip("/") + (parts.path or "/")
    return urlunsplit((base.scheme, base.netloc, path, parts.query, ""))


class InvalidFeed(Exception):
    """The source answered, but not with a feed we can read (a retry may see a good one)."""


class SourceConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    base_url: HttpUrl | None = Field(None, description="Replaces the vendor's API host")


class FeedConfig(SourceConfig):
    url: HttpUrl = Field(description="The feed or page to read")


class BoardConfig(SourceConfig):
    board: str = Field(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9_.-]+$")


@dataclass(frozen=True)
class Download:
    files: list[Path] = field(default_factory=list)
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False
    complete: bool = True


class SourceAdapter(ABC):
    kind: ClassVar[str]
    snapshot: ClassVar[bool]
    Config: ClassVar[type[SourceConfig]]

    def __init__(self, config: dict[str, Any], *, company: str | None = None) -> None:
        """`company` is the source's name, for boards whose postings carry no company."""
        self.config = self.Config.model_validate(config)
        self.company = company

    @abstractmethod
    def download(
        self, client: GuardedClient, folder: Path, *, etag: str | None, last_modified: str | None
    ) -> Download: ...

    @abstractmethod
    def parse(self, files: list[Path]) -> Iterator[ListingRecord | ItemError]: ...
