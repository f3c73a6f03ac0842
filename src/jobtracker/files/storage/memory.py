"""Files in a dictionary: the fake for tests, and the reference for the contract."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import BinaryIO

from jobtracker.files.storage.base import CHUNK_BYTES, Storage, check_key


class MemoryStorage(Storage):
    def __init__(self) -> None:
        self.files: dict[str, tuple[bytes, str]] = {}
        self._lock = threading.Lock()

    def put(self, key: str, data: bytes | BinaryIO, content_type: str) -> None:
        content = data if isinstance(data, bytes) else data.read()
        with self._lock:
            self.files[check_key(key)] = (content, content_type)

    def open(self, key: str) -> Iterator[bytes]:
        with self._lock:
            found = self.files.get(check_key(key))
        if found is None:
            raise FileNotFoundError(key)
        content = found[0]
        return iter([content[i : i + CHUNK_BYTES] for i in range(0, len(content), CHUNK_BYTES)])

    def delete(self, key: str) -> None:
        with self._lock:
            self.files.pop(check_key(key), None)
