"""Fixtures for resumes: upload helpers, an app with small limits, and a real S3-compatible server
(moto's standalone server) on 127.0.0.1 with a fresh bucket per test."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import httpx
import pytest
from fastapi.testclient import TestClient
from moto.server import ThreadedMotoServer
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from jobtracker.config import Settings
from jobtracker.files.models import Resume
from jobtracker.main import create_app
from tests.helpers import Account

REGION = "eu-west-1"
SMALL_UPLOAD = 64 * 1024
SMALL_DOCX = 256 * 1024


def upload(
    client: TestClient,
    account: Account | None,
    data: bytes,
    filename: str = "resume.pdf",
    *,
    title: str = "",
    content_type: str = "application/octet-stream",
) -> httpx.Response:
    """POST /api/resumes as a client would: multipart with the file and a title."""
    headers = account.headers if account else {}
    files = {"file": (filename, data, content_type)}
    return client.post("/api/resumes", files=files, data={"title": title}, headers=headers)


def raw_upload(
    client: TestClient, account: Account, data: bytes, filename: bytes, *, chunk: int = 0
) -> httpx.Response:
    """A multipart body written by hand: the file name's bytes exactly as given (httpx would
    percent-encode control characters, as browsers do), sent in `chunk`-sized pieces without a
    Content-Length when `chunk` is set."""
    boundary = uuid.uuid4().hex
    body = b"".join([
        f"--{boundary}\r\n".encode(),
        b'Content-Disposition: form-data; name="file"; filename="' + filename + b'"\r\n',
        b"Content-Type: application/octet-stream\r\n\r\n", data,
        f"\r\n--{boundary}--\r\n".encode(),
    ])  # fmt: skip
    content: bytes | Iterator[bytes] = body
    if chunk:
        content = (body[start : start + chunk] for start in range(0, len(body), chunk))
    headers = {**account.headers, "Content-Type": f"multipart/form-data; boundary={boundary}"}
    return client.post("/api/resumes", content=content, headers=headers)


def uploaded(client: TestClient, account: Account, data: bytes, filename: str = "cv.pdf",
             **fields: Any) -> dict[str, Any]:  # fmt: skip
    response = upload(client, account, data, filename, **fields)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def stored_key(session: Session, resume_id: str) -> str:
    key = session.scalar(select(Resume.storage_key).where(Resume.id == uuid.UUID(resume_id)))
    assert key is not None
    return key


@pytest.fixture
def small_limits(
    settings: Settings, engine: Engine, session_factory: sessionmaker[Session]
) -> Iterator[TestClient]:
    """The API with uploads limited to 64 KB and DOCX to 256 KB unpacked."""
    limited = settings.model_copy(
        update={"max_upload_bytes": SMALL_UPLOAD, "max_docx_uncompressed_bytes": SMALL_DOCX}
    )
    with TestClient(create_app(limited, engine=engine, session_factory=session_factory)) as client:
        yield client


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """moto's S3 server on a free port of 127.0.0.1, with fake credentials in the environment."""
    with pytest.MonkeyPatch.context() as environment:
        for name, value in {
            "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_CONFIG_FILE": "/nonexistent", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
        }.items():  # fmt: skip
            environment.setenv(name, value)
        for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
            environment.delenv(name, raising=False)
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        host, port = server.get_host_and_port()
        yield f"http://{host}:{port}"
        server.stop()


@pytest.fixture
def bucket(s3_endpoint: str) -> str:
    name = f"resumes-{uuid.uuid4().hex[:12]}"
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name=REGION)
    client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    return name


@pytest.fixture
def s3_settings(settings: Settings, s3_endpoint: str, bucket: str) -> Settings:
    url = f"s3://{bucket}?endpoint_url={s3_endpoint}&region={REGION}"
    return settings.model_copy(update={"storage_url": url})


@pytest.fixture
def s3_client(
    s3_settings: Settings, engine: Engine, session_factory: sessionmaker[Session]
) -> Iterator[TestClient]:
    """The API storing files in the bucket."""
    app = create_app(s3_settings, engine=engine, session_factory=session_factory)
    with TestClient(app) as client:
        yield client
