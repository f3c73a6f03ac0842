"""A folder on this machine (the embedded default): `settings.files_dir`."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from jobtracker.files.storage.base import CHUNK_BYTES, Storage, check_key


class LocalStorage(Storage):
    """Each key is a file under the folder, written atomically (a temporary file, then a rename),
    so a reader never sees half a file. Keys never leave the folder, whatever they say."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder.resolve()

    def put(self, key: str, data: bytes | BinaryIO, content_type: str) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        try:
            with os.fdopen(descriptor, "wb") as handle:
                _write(handle, data)
                handle.flush()
                os.fsync(handle.fileno())
            Path(temporary).replace(path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def open(self, key: str) -> Iterator[bytes]:
        handle = self._path(key).open("rb")  # FileNotFoundError now, not at the first chunk
        return _chunks(handle)

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def _path(self, key: str) -> Path:
        path = (self.folder / check_key(key)).resolve()
        if not path.is_relative_to(self.folder):  # a symbolic link inside pointing out
            raise ValueError(f"key {key!r} leaves the files folder")
        return path


def _write(handle: BinaryIO, data: bytes | BinaryIO) -> None:
    if isinstance(data, bytes):
        handle.write(data)
    else:
        shutil.copyfileobj(data, handle, CHUNK_BYTES)


def _chunks(handle: BinaryIO) -> Iterator[bytes]:
    with handle:
        while chunk := handle.read(CHUNK_BYTES):
            yield chunk
