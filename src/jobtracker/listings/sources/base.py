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
- `postings(files)` reads the files as a stream (lxml iterparse for XML, ijson for JSON) and
  yields one `Posting` per posting: its bytes as the source wrote them, and the `context` its
  reading depends on (an RSS channel's title). It raises `InvalidFeed` when the document itself
  is broken (truncated XML, unreadable JSON); postings already yielded stay, but the run does
  not count as complete.
- `read(posting)` turns one posting into a `ListingRecord`, or an `ItemError` for a posting that
  fails validation (the run goes on); a list, empty for an entry that is no posting (a legal
  notice), several for a careers page (whose "posting" is the page). It depends on the posting
  and the adapter's config only, so the importer can run it in another process, and skip it
  for a posting whose bytes it already read in an earlier run (`fingerprint`).
- `parse(files)` is the two together, in order.
- `snapshot` is True for full-snapshot sources (absence from two complete fetches = removed),
  False for windowed feeds (expiry dates, a 404/410 on the posting, or the TTL decide instead).
"""

from __future__ import annotations

import pickle
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


@dataclass(frozen=True, slots=True)
class Posting:
    """One posting as the source wrote it (an XML element, a JSON object, a careers page)."""

    raw: bytes
    context: str = ""  # what else reading it depends on, e.g. the feed's title


Outcome = ListingRecord | ItemError
# Bump when the normalisation changes what a posting reads as: postings whose bytes did not
# change are not read again (their fingerprint matches), so a better reader needs a new number.
READER_VERSION = 1


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

    @property
    def identity(self) -> str:
        """What besides a posting's bytes its reading depends on: two postings with the same
        bytes and context, read by adapters of the same identity, read the same."""
        config = self.config.model_dump_json()
        return f"{self.kind}|{READER_VERSION}|{self.company or ''}|{config}"

    @abstractmethod
    def postings(self, files: list[Path]) -> Iterator[Posting]: ...

    @abstractmethod
    def read(self, posting: Posting) -> list[Outcome]: ...

    def parse(self, files: list[Path]) -> Iterator[Outcome]:
        """Every posting of the files, read."""
        for posting in self.postings(files):
            yield from self.read(posting)


class ReadWhole(SourceAdapter):
    """A source read whole rather than a posting at a time (a careers page, whose JSON-LD
    blocks are read together): `postings` reads, and carries each outcome as its posting."""

    @staticmethod
    def carry(outcome: Outcome) -> Posting:
        return Posting(pickle.dumps(outcome))

    def read(self, posting: Posting) -> list[Outcome]:
        # Bytes `carry` made in this process or its import pool; never bytes from outside.
        return [pickle.loads(posting.raw)]  # noqa: S301
