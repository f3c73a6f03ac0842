"""The local folder adapter: the contract, and files that stay inside their folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from jobtracker.config import Settings
from jobtracker.files.storage import storage_for
from jobtracker.files.storage.local import LocalStorage
from tests.files.storage.contract import StorageContract, new_key


@pytest.fixture
def storage(tmp_path: Path) -> LocalStorage:
    return LocalStorage(tmp_path / "files")


class TestLocalStorage(StorageContract):
    def test_files_are_written_under_the_folder_by_key(
        self, storage: LocalStorage, tmp_path: Path
    ) -> None:
        key = new_key()
        storage.put(key, b"on disk", "text/plain")
        assert (tmp_path / "files" / key).read_bytes() == b"on disk"
        assert not list((tmp_path / "files").rglob("*.tmp"))

    def test_a_link_pointing_out_of_the_folder_is_not_followed(
        self, storage: LocalStorage, tmp_path: Path
    ) -> None:
        (tmp_path / "files").mkdir()
        (tmp_path / "secret").write_text("do not read")
        (tmp_path / "files" / "escape").symlink_to(tmp_path / "secret")
        with pytest.raises(ValueError, match="leaves the files folder"):
            storage.open("escape")

    def test_streams_through_the_app(self, storage: LocalStorage) -> None:
        assert storage.download_url(new_key(), "cv.pdf", "application/pdf") is None


class TestStorageFor:
    def test_without_a_storage_url_files_go_to_the_files_folder(self, settings: Settings) -> None:
        storage = storage_for(settings)
        assert isinstance(storage, LocalStorage)
        assert storage.folder == settings.files_dir.resolve()
