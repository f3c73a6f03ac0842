"""The in-memory fake keeps the storage contract (it stands in for the others in tests)."""

from __future__ import annotations

import pytest

from jobtracker.files.storage.memory import MemoryStorage
from tests.files.storage.contract import StorageContract


@pytest.fixture
def storage() -> MemoryStorage:
    return MemoryStorage()


class TestMemoryStorage(StorageContract):
    def test_streams_through_the_app(self, storage: MemoryStorage) -> None:
        assert storage.download_url("resumes/x", "cv.pdf", "application/pdf") is None
