"""What the JSON-API adapters share: greenhouse, lever, ashby, jobicy, remotive, remoteok.

`JsonApiSource` is their base class; a kind says where its board lives (`source_url`), where
the postings sit in the document (`items_path`), and maps one posting (`record`). The JSON is
read as a stream (ijson): one posting in memory at a time, so a board of 100,000 postings
parses in bounded memory, and the postings before a cut in a truncated document are kept.
"""

from __future__ import annotations

import json
from abc import abstractmethod
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, ClassVar

import ijson  # type: ignore[import-untyped]  # no type hints shipped
from pydantic import Field, HttpUrl

from jobtracker.kit.http import FetchResult, GuardedClient
from jobtracker.listings.schemas import ItemError, ListingRecord
from jobtracker.listings.sources.base import (
    Download,
    InvalidFeed,
    Outcome,
    Posting,
    SourceAdapter,
    SourceConfig,
)

ACCEPT = "application/json"
# Served with these, the answer is a page for people (a bot challenge, a login, an error page),
# never the API's JSON, whatever the body looks like.
PAGE_TYPES = frozenset({"text/html", "application/xhtml+xml"})
SNIFF_BYTES = 4096
BOM = b"\xef\xbb\xbf"
ItemOutcome = ListingRecord | ItemError | None


class OptionalUrlConfig(SourceConfig):
    """Config of the remote-job boards: their public API by default, or the `url` given
    (another filter, a mirror)."""

    url: HttpUrl | None = Field(None, description="The API address, if not the default one")


class JsonApiSource(SourceAdapter):
    """A source whose postings come as one JSON document per request (an ATS board API or a
    remote-job board's API).

    - `download` GETs `source_url()` (the vendor's address; `base_url` replaces its scheme and
      host) into one file (Jobicy walks its pages instead), with the validators (a 304 is
      `not_modified`). It raises `InvalidFeed` when the answer is not JSON of the expected
      shape: a `text/html` answer, a body that starts with `<` (a challenge page served with
      200), an empty body, or an object where an array belongs (Lever's `{"ok": false}`) and
      the other way round.
    - `postings` streams the postings at `items_path` ("jobs.item" for `{"jobs": [...]}`, "item"
      for a bare array), one at a time; `read` maps one with `record`. A document that is
      cut short or not JSON raises `InvalidFeed` after the postings before the cut; a document
      without the array (`{"error": ...}`) raises it too, so it never passes for an empty
      board. A posting that `record` cannot read (wrong types) becomes an `ItemError`;
      `record` returns None for an entry that is no posting at all (a legal notice, an
      unlisted job).
    """

    items_path: ClassVar[str] = "jobs.item"

    @abstractmethod
    def source_url(self) -> str:
        """The address of the whole board, with `base_url` applied."""

    @abstractmethod
    def record(self, item: dict[str, Any]) -> ItemOutcome:
        """One posting of the document, normalised with `build_record`."""

    def download(
        self, client: GuardedClient, folder: Path, *, etag: str | None, last_modified: str | None
    ) -> Download:
        path = folder / f"{self.kind}-0001.json"
        start = b"[" if self.items_path == "item" else b"{"
        result = fetch_json(client, self.source_url(), path, start, etag, last_modified)
        files = [] if result.not_modified else [path]
        return Download(files, result.etag, result.last_modified, result.not_modified)

    def postings(self, files: list[Path]) -> Iterator[Posting]:
        for path in files:
            for item in read_items(path, self.items_path):
                yield Posting(json.dumps(item, ensure_ascii=False).encode())

    def read(self, posting: Posting) -> list[Outcome]:
        outcome = self._read(json.loads(posting.raw))
        return [] if outcome is None else [outcome]

    def _read(self, item: object) -> ItemOutcome:
        if not isinstance(item, dict):
            return ItemError(external_id=None, reason="the posting is not a JSON object")
        try:
            return self.record(item)
        except (TypeError, ValueError, AttributeError, KeyError) as error:
            # A field of an unexpected type the mapping did not foresee: this posting only.
            identifier = text(item.get("id"))
            return ItemError(external_id=identifier, reason=f"the posting is unreadable: {error}")


def fetch_json(
    client: GuardedClient,
    url: str,
    path: Path,
    start: bytes,
    etag: str | None = None,
    last_modified: str | None = None,
) -> FetchResult:
    """GET `url` into `path` and check that it is JSON starting with `start` ("{" or "[");
    after a 304 no file is left."""
    with path.open("wb") as file:
        result = client.download(url, file, accept=ACCEPT, etag=etag, last_modified=last_modified)
    if result.not_modified:
        path.unlink()
        return result
    _check_json(result, path, start)
    return result


def _check_json(result: FetchResult, path: Path, start: bytes) -> None:
    if result.content_type in PAGE_TYPES:
        raise InvalidFeed(f"{result.url} answered {result.content_type} where JSON was expected")
    with path.open("rb") as file:
        head = file.read(SNIFF_BYTES).removeprefix(BOM).lstrip()
    if not head:
        raise InvalidFeed(f"{result.url} answered with an empty body")
    if head.startswith(b"<"):
        raise InvalidFeed(f"{result.url} answered with markup, not JSON: {_preview(head)}")
    if not head.startswith(start):
        shape = "an array" if start == b"[" else "an object"
        raise InvalidFeed(f"{result.url} answered JSON that is not {shape}: {_preview(head)}")


def _preview(head: bytes) -> str:
    return repr(head[:80].decode("utf-8", errors="replace"))


def read_items(path: Path, items_path: str) -> Iterator[Any]:
    """The values at `items_path` of the JSON file, one at a time (integers as int, other
    numbers as float). `InvalidFeed` when the document is broken or has no such array."""
    empty = True
    with _open(path) as file:
        try:
            for item in ijson.items(file, items_path, use_float=True):
                empty = False
                yield item
        except (ijson.JSONError, UnicodeDecodeError) as error:
            raise _broken(path, error) from None
    if empty and not _has_array(path, items_path.removesuffix("item").rstrip(".")):
        name = items_path.removesuffix(".item")
        raise InvalidFeed(f"{path.name}: the document has no `{name}` array")


def _has_array(path: Path, prefix: str) -> bool:
    """Whether an array is at `prefix` ("" for the document itself): an empty board has one."""
    with _open(path) as file:
        try:
            events = ijson.parse(file)
            return any(key == prefix and event == "start_array" for key, event, _ in events)
        except (ijson.JSONError, UnicodeDecodeError):
            return False


def _open(path: Path) -> IO[bytes]:
    file = path.open("rb")
    if file.read(len(BOM)) != BOM:
        file.seek(0)
    return file


def load_json(path: Path) -> Any:
    """A small JSON file (one page of a paginated API) at once; `InvalidFeed` if broken."""
    try:
        with path.open(encoding="utf-8-sig") as file:
            return json.load(file)
    except ValueError as error:  # JSONDecodeError and UnicodeDecodeError both are
        raise _broken(path, error) from None


def _broken(path: Path, error: Exception) -> InvalidFeed:
    # The parser's message spans lines (an excerpt with an arrow): one line for the run's log.
    said = " ".join(str(error).split())[:300]
    return InvalidFeed(f"{path.name}: the JSON is cut short or broken ({said})")


# Feeds put unexpected types anywhere (null for a list, a number for a string): these read one
# field as the type the mapping needs, or nothing.


def text(value: object) -> str | None:
    """A string, or a number as a string (ids); None for anything else or an empty string."""
    if type(value) is str:  # nearly every value: a third of the time of the checks below
        return value.strip() or None
    # A tuple, not `str | int | float`: isinstance checks a union at half the speed.
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return None
    return str(value).strip() or None


def obj(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def objs(value: object) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def texts(value: object) -> list[str]:
    """The strings of a list (or a single string as a list of one)."""
    values = value if isinstance(value, list) else [value]
    return [found for found in (text(item) for item in values) if found]
