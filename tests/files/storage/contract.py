"""The Storage contract (files/storage/base.py), one test class that each adapter's tests inherit
with their own `storage` fixture."""

from __future__ import annotations

import io
import uuid

import pytest

from jobtracker.files.storage.base import Storage


def new_key() -> str:
    return f"resumes/{uuid.uuid4().hex}"


class StorageContract:
    def test_put_then_open_returns_the_same_bytes(self, storage: Storage) -> None:
        key, data = new_key(), bytes(range(256)) * 1000  # several chunks
        storage.put(key, data, "application/pdf")
        assert b"".join(storage.open(key)) == data

    def test_put_takes_a_file_object(self, storage: Storage) -> None:
        key = new_key()
        storage.put(key, io.BytesIO(b"from a file"), "text/plain")
        assert storage.read(key) == b"from a file"

    def test_put_again_replaces_the_file(self, storage: Storage) -> None:
        key = new_key()
        storage.put(key, b"first", "text/plain")
        storage.put(key, b"second", "text/plain")
        assert storage.read(key) == b"second"

    def test_open_of_a_missing_key_raises_at_once(self, storage: Storage) -> None:
        with pytest.raises(FileNotFoundError):
            storage.open(new_key())

    def test_delete_forgets_the_file_and_is_idempotent(self, storage: Storage) -> None:
        key = new_key()
        storage.put(key, b"bye", "text/plain")
        storage.delete(key)
        storage.delete(key)
        with pytest.raises(FileNotFoundError):
            storage.open(key)

    @pytest.mark.parametrize("key", ["../outside", "/etc/passwd", "a/../../b", "", ".hidden"])
    def test_keys_that_could_leave_their_place_are_refused(
        self, storage: Storage, key: str
    ) -> None:
        with pytest.raises(ValueError, match="not a storage key"):
            storage.put(key, b"x", "text/plain")
