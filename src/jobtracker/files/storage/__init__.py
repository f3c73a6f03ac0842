"""Storage adapters for uploaded files; `storage_for(settings)` picks the configured one."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from jobtracker.config import S3Location, Settings
from jobtracker.files.storage.base import Storage, content_disposition

__all__ = ["Storage", "content_disposition", "storage_for"]


def storage_for(settings: Settings) -> Storage:
    """The local files folder, or the bucket of JOBTRACKER_STORAGE_URL."""
    return _storage(settings.storage_location, settings.files_dir.resolve())


@lru_cache(maxsize=8)
def _storage(location: S3Location | None, folder: Path) -> Storage:
    # Cached: an S3 client is costly to build and safe to share between threads. Imported here:
    # boto3 takes a while to import, and most installations never use it.
    if location is None:
        from jobtracker.files.storage.local import LocalStorage

        return LocalStorage(folder)
    from jobtracker.files.storage.s3 import S3Storage

    return S3Storage(location)
