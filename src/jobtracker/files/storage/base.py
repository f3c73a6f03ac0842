"""The storage of uploaded files, behind one small contract (DESIGN.md §4: adapters)."""

from __future__ import annotations

import re
import unicodedata
from abc import ABC, abstractmethod
from collections.abc import Iterator
from typing import BinaryIO
from urllib.parse import quote

CHUNK_BYTES = 64 * 1024
DOWNLOAD_URL_SECONDS = 5 * 60
# Segments of letters, digits, dot, dash and underscore, starting with a letter or digit: no "..",
# no absolute path, nothing a folder or a bucket could read as anything but a plain name.
_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)*$")


class Storage(ABC):
    """Where the bytes of uploaded files live; the database keeps only their key.

    The contract every adapter keeps (tests/files/storage/contract.py checks it):

    - Keys are chosen by the application (random, like `resumes/<uuid4 hex>`), never by a user;
      `check_key` refuses anything else before it reaches a folder or a bucket.
    - `put(key, data, content_type)` stores bytes or a binary file object under `key`, replacing
      what was there. When it returns the file is durable; when it raises nothing is promised.
    - `open(key)` returns an iterator of byte chunks. A missing key raises FileNotFoundError at
      once, from `open` itself, before any chunk, so that a download can still answer 404.
    - `delete(key)` is idempotent: deleting a missing key is not an error (tasks run twice).
    - `download_url(key, filename, content_type)` is an address where a browser can fetch the
      file itself for `DOWNLOAD_URL_SECONDS` (5 minutes) with `filename` as its attachment name,
      or None: "stream it through the application".
    - Errors of the backend (a store that is down) propagate as they are: the task layer retries
      them, a request answers 500.
    """

    @abstractmethod
    def put(self, key: str, data: bytes | BinaryIO, content_type: str) -> None:
        """Store `data` under `key`."""

    @abstractmethod
    def open(self, key: str) -> Iterator[bytes]:
        """The stored bytes in chunks; FileNotFoundError now if there are none."""

    @abstractmethod
    def delete(self, key: str) -> None:
        """Forget `key`; nothing happens if it is not there."""

    def download_url(self, key: str, filename: str, content_type: str) -> str | None:
        """A short-lived direct address for the file, or None to stream it through the app."""
        return None

    def read(self, key: str) -> bytes:
        """The whole file (for extraction: uploads are small, by setting)."""
        return b"".join(self.open(key))


def check_key(key: str) -> str:
    if len(key) > 500 or not _KEY.match(key):
        raise ValueError(f"not a storage key: {key!r}")
    return key


def content_disposition(filename: str) -> str:
    """`attachment` with an ASCII fallback name and the exact UTF-8 name (RFC 6266, 5987)."""
    ascii_name = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode()
    fallback = re.sub(r"[^A-Za-z0-9._ ()-]", "_", ascii_name) or "download"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
