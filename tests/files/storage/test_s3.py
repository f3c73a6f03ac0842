"""The S3 adapter against a real S3-compatible server on 127.0.0.1 (moto's standalone server)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from jobtracker.config import S3Location, Settings, SettingsError, load_settings
from jobtracker.files.storage import storage_for
from jobtracker.files.storage.s3 import S3Storage
from tests.files.storage.contract import StorageContract, new_key


@pytest.fixture
def storage(s3_settings: Settings) -> S3Storage:
    storage = storage_for(s3_settings)
    assert isinstance(storage, S3Storage)
    return storage


class TestS3Storage(StorageContract):
    def test_objects_land_in_the_configured_bucket(self, storage: S3Storage, bucket: str) -> None:
        key = new_key()
        storage.put(key, b"%PDF-1.7", "application/pdf")
        found = storage.client.head_object(Bucket=bucket, Key=key)
        assert found["ContentType"] == "application/pdf"

    def test_presigned_url_downloads_the_bytes_with_the_attachment_name(
        self, storage: S3Storage
    ) -> None:
        key = new_key()
        storage.put(key, b"%PDF-1.7 resume", "application/pdf")
        url = storage.download_url(key, "Zoë Müller CV.pdf", "application/pdf")
        response = httpx.get(url)
        assert response.status_code == 200
        assert response.content == b"%PDF-1.7 resume"
        assert response.headers["content-type"] == "application/pdf"
        assert (
            "filename*=UTF-8''Zo%C3%AB%20M%C3%BCller%20CV.pdf"
            in response.headers["content-disposition"]
        )

    def test_presigned_url_is_valid_five_minutes(self, storage: S3Storage) -> None:
        url = storage.download_url(new_key(), "cv.pdf", "application/pdf")
        assert parse_qs(urlsplit(url).query)["X-Amz-Expires"] == ["300"]


class TestStorageUrlSetting:
    def test_names_the_bucket_the_endpoint_and_the_region(self, settings: Settings) -> None:
        url = "s3://cv-files?endpoint_url=http://127.0.0.1:9000&region=eu-west-1"
        location = load_settings(data_dir=settings.data_dir, storage_url=url).storage_location
        assert location == S3Location(
            bucket="cv-files", endpoint_url="http://127.0.0.1:9000", region="eu-west-1"
        )

    def test_empty_means_the_local_files_folder(self, settings: Settings) -> None:
        assert load_settings(data_dir=settings.data_dir, storage_url="").storage_location is None

    @pytest.mark.parametrize(
        ("url", "message"),
        [
            ("https://bucket", "must be s3://bucket-name"),
            ("s3://Bad_Bucket", "must be s3://bucket-name"),
            ("s3://bucket/some/path", "without a path"),
            ("s3://bucket?acl=public-read", "takes two options"),
            ("s3://bucket?endpoint_url=ftp://host", "http:// or https://"),
        ],
    )
    def test_bad_urls_are_refused_naming_the_variable(
        self, settings: Settings, url: str, message: str
    ) -> None:
        with pytest.raises(SettingsError, match=f"JOBTRACKER_STORAGE_URL: .*{message}"):
            load_settings(data_dir=settings.data_dir, storage_url=url)
