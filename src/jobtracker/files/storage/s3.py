"""An S3-compatible bucket (scale-out): AWS S3, MinIO, Ceph, R2... through boto3.

Downloads do not pass through the application: `download_url` is a pre-signed GET, valid five
minutes, that makes the store itself answer with the attachment name and the content type.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, BinaryIO

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from jobtracker.config import S3Location
from jobtracker.files.storage.base import (
    CHUNK_BYTES,
    DOWNLOAD_URL_SECONDS,
    Storage,
    check_key,
    content_disposition,
)

_MISSING = {"NoSuchKey", "404", "NotFound"}


class S3Storage(Storage):
    """One client per process (boto3 clients are thread-safe); every call has timeouts and
    boto3's standard retries."""

    def __init__(self, location: S3Location, *, client: Any = None) -> None:
        self.bucket = location.bucket
        self.client: Any = client or _client(location)

    def put(self, key: str, data: bytes | BinaryIO, content_type: str) -> None:
        self.client.put_object(
            Bucket=self.bucket, Key=check_key(key), Body=data, ContentType=content_type
        )

    def open(self, key: str) -> Iterator[bytes]:
        try:
            found = self.client.get_object(Bucket=self.bucket, Key=check_key(key))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in _MISSING:
                raise FileNotFoundError(key) from error
            raise
        return _chunks(found["Body"])

    def delete(self, key: str) -> None:
        # S3 answers 204 for a missing key too: idempotent by the store's own rule.
        self.client.delete_object(Bucket=self.bucket, Key=check_key(key))

    def download_url(self, key: str, filename: str, content_type: str) -> str:
        params = {
            "Bucket": self.bucket,
            "Key": check_key(key),
            "ResponseContentDisposition": content_disposition(filename),
            "ResponseContentType": content_type,
        }
        url: str = self.client.generate_presigned_url(
            "get_object", Params=params, ExpiresIn=DOWNLOAD_URL_SECONDS
        )
        return url


def _client(location: S3Location) -> Any:
    config = Config(
        signature_version="s3v4",
        connect_timeout=5,
        read_timeout=30,
        retries={"max_attempts": 3, "mode": "standard"},
    )
    return boto3.client(
        "s3", endpoint_url=location.endpoint_url, region_name=location.region, config=config
    )


def _chunks(body: Any) -> Iterator[bytes]:
    try:
        yield from body.iter_chunks(CHUNK_BYTES)
    finally:
        body.close()
