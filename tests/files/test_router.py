"""Resumes through the HTTP API: what is accepted, limits, names, downloads, profile visibility,
and who may do what."""

from __future__ import annotations

import hashlib
import re
import uuid
from typing import Any, BinaryIO

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from jobtracker.config import Settings
from jobtracker.files import service
from jobtracker.files.storage import storage_for
from jobtracker.files.storage.memory import MemoryStorage
from tests.files.conftest import SMALL_UPLOAD, raw_upload, stored_key, upload, uploaded
from tests.files.documents import EXE, HTML, TEXT, docx_bytes, docx_with_padding, pdf_bytes
from tests.helpers import Account, Accounts

PROBLEM = "application/problem+json"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def me(accounts: Accounts) -> Account:
    return accounts.create("Ada Owner")


@pytest.fixture
def other(accounts: Accounts) -> Account:
    return accounts.create("Otto Other")


def problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body: dict[str, Any] = response.json()
    return body


def titles(client: TestClient, account: Account) -> list[str]:
    page = client.get("/api/resumes", headers=account.headers).json()
    return [item["title"] for item in page["items"]]


class TestUpload:
    def test_pdf_is_recorded_with_its_kind_size_and_sha256(
        self, client: TestClient, me: Account
    ) -> None:
        data = pdf_bytes()
        resume = uploaded(client, me, data, "Ada CV.pdf", title="Analyst roles")
        assert resume["title"] == "Analyst roles"
        assert (resume["kind"], resume["content_type"]) == ("pdf", "application/pdf")
        assert resume["size_bytes"] == len(data)
        assert resume["sha256"] == hashlib.sha256(data).hexdigest()
        assert (resume["filename"], resume["text_status"]) == ("Ada CV.pdf", "pending")
        assert resume["download_url"] == f"/api/resumes/{resume['id']}/file"

    @pytest.mark.parametrize(
        ("data", "name", "kind", "content_type"),
        [
            (docx_bytes(), "cv.docx", "docx", DOCX_TYPE),
            (TEXT.encode(), "cv.txt", "txt", "text/plain; charset=utf-8"),
        ],
        ids=["docx", "txt"],
    )
    def test_docx_and_text_are_accepted(
        self, client: TestClient, me: Account, data: bytes, name: str, kind: str,
        content_type: str,
    ) -> None:  # fmt: skip
        resume = uploaded(client, me, data, name)
        assert (resume["kind"], resume["content_type"], resume["filename"]) == (
            kind, content_type, name,
        )  # fmt: skip

    def test_pdf_named_txt_is_stored_as_a_pdf(self, client: TestClient, me: Account) -> None:
        resume = uploaded(client, me, pdf_bytes(), "notes.txt", content_type="text/plain")
        assert (resume["kind"], resume["filename"]) == ("pdf", "notes.pdf")

    @pytest.mark.parametrize("data", [EXE, HTML], ids=["exe", "html"])
    def test_other_files_named_pdf_are_refused_saying_what_is_accepted(
        self, client: TestClient, me: Account, data: bytes
    ) -> None:
        response = upload(client, me, data, "cv.pdf", content_type="application/pdf")
        body = problem(response, 422)
        assert "Accepted: PDF, Word (.docx) or plain text (UTF-8)" in body["detail"]
        assert body["errors"][0]["loc"] == ["body", "file"]
        assert titles(client, me) == []

    def test_zip_bomb_is_refused(self, small_limits: TestClient, me: Account) -> None:
        bomb = docx_with_padding(300 * 1024)
        assert len(bomb) < SMALL_UPLOAD
        body = problem(upload(small_limits, me, bomb, "cv.docx"), 422)
        assert body["detail"] == "This Word document unpacks to more than 256 KB."

    def test_file_just_over_the_limit_is_413(self, small_limits: TestClient, me: Account) -> None:
        body = problem(upload(small_limits, me, b"a" * (SMALL_UPLOAD + 1), "cv.txt"), 413)
        assert body["type"] == "/problems/payload-too-large"
        assert body["detail"] == "Files are limited to 64 KB."

    def test_file_at_the_limit_is_accepted(self, small_limits: TestClient, me: Account) -> None:
        response = upload(small_limits, me, b"a" * SMALL_UPLOAD, "cv.txt")
        assert response.status_code == 201, response.text

    def test_body_far_over_the_limit_is_refused(
        self, small_limits: TestClient, me: Account
    ) -> None:
        body = problem(upload(small_limits, me, b"a" * (4 * SMALL_UPLOAD), "cv.txt"), 413)
        assert body["detail"] == "Files are limited to 64 KB."
        assert titles(small_limits, me) == []

    def test_body_without_a_content_length_is_counted_as_it_arrives(
        self, small_limits: TestClient, me: Account
    ) -> None:
        data = b"a" * (4 * SMALL_UPLOAD)
        response = raw_upload(small_limits, me, data, b"cv.txt", chunk=8192)
        assert "content-length" not in response.request.headers  # chunked
        problem(response, 413)

    @pytest.mark.parametrize(
        ("name", "stored"),
        [
            ("../../etc/passwd", "passwd.txt"),
            ("Zoë Müller — Lebenslauf.txt", "Zoë Müller — Lebenslauf.txt"),
            ("cv\u202etxt.exe", "cvtxt.txt"),
        ],
        ids=["path", "unicode", "right-to-left-override"],
    )
    def test_file_names_are_sanitised(
        self, client: TestClient, me: Account, name: str, stored: str
    ) -> None:
        assert uploaded(client, me, TEXT.encode(), name)["filename"] == stored

    def test_control_characters_in_the_raw_name_are_dropped(
        self, client: TestClient, me: Account
    ) -> None:
        response = raw_upload(client, me, TEXT.encode(), b"a\x07b\x1bc\x7fd\te.txt")
        assert response.status_code == 201, response.text
        assert response.json()["filename"] == "abcd e.txt"

    def test_storage_key_is_random_and_holds_the_bytes(
        self, client: TestClient, me: Account, session: Session, settings: Settings
    ) -> None:
        resume = uploaded(client, me, pdf_bytes(), "Ada CV.pdf")
        key = stored_key(session, resume["id"])
        assert re.fullmatch(r"resumes/[0-9a-f]{32}", key)
        assert storage_for(settings).read(key) == pdf_bytes()

    def test_empty_title_is_the_file_name(self, client: TestClient, me: Account) -> None:
        assert uploaded(client, me, TEXT.encode(), "Ada 2026.txt")["title"] == "Ada 2026"

    def test_title_longer_than_200_characters_is_422(self, client: TestClient, me: Account) -> None:
        response = upload(client, me, TEXT.encode(), "cv.txt", title="t" * 201)
        assert problem(response, 422)["errors"][0]["loc"] == ["body", "title"]

    def test_request_without_a_file_is_422(self, client: TestClient, me: Account) -> None:
        response = client.post("/api/resumes", data={"title": "x"}, headers=me.headers)
        assert problem(response, 422)["errors"][0]["loc"] == ["body", "file"]

    def test_first_resume_is_the_default(self, client: TestClient, me: Account) -> None:
        first = uploaded(client, me, TEXT.encode(), "first.txt")
        second = uploaded(client, me, TEXT.encode(), "second.txt")
        assert (first["is_default"], second["is_default"]) == (True, False)


class BrokenStore(MemoryStorage):
    def put(self, key: str, data: bytes | BinaryIO, content_type: str) -> None:
        raise OSError("the disk is full")


class TestStoreFailure:
    def test_file_that_cannot_be_stored_leaves_no_resume(
        self, app: FastAPI, me: Account, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(service, "storage_for", lambda settings: BrokenStore())
        with TestClient(app, raise_server_exceptions=False) as client:
            assert upload(client, me, TEXT.encode(), "cv.txt").status_code == 500
            assert titles(client, me) == []


class TestListReadUpdate:
    def test_list_shows_the_default_first_then_the_newest(
        self, client: TestClient, me: Account
    ) -> None:
        for name in ("a.txt", "b.txt", "c.txt"):
            uploaded(client, me, TEXT.encode(), name)
        page = client.get("/api/resumes", params={"limit": 2}, headers=me.headers).json()
        assert [item["title"] for item in page["items"]] == ["a", "c"]
        assert (page["total"], page["limit"], page["offset"]) == (3, 2, 0)

    def test_read_has_the_text_once_extracted(self, client: TestClient, me: Account) -> None:
        resume = uploaded(client, me, TEXT.encode(), "cv.txt")
        read = client.get(f"/api/resumes/{resume['id']}", headers=me.headers).json()
        assert (read["text_status"], read["text"]) == ("pending", None)

    def test_put_renames_and_shows_on_the_profile(self, client: TestClient, me: Account) -> None:
        resume = uploaded(client, me, TEXT.encode(), "cv.txt")
        body = {"title": "Platform roles", "is_default": True, "visible_on_profile": True}
        response = client.put(f"/api/resumes/{resume['id']}", json=body, headers=me.headers)
        assert response.status_code == 200, response.text
        assert {key: response.json()[key] for key in body} == body

    def test_making_one_default_clears_the_other(self, client: TestClient, me: Account) -> None:
        first = uploaded(client, me, TEXT.encode(), "first.txt")
        second = uploaded(client, me, TEXT.encode(), "second.txt")
        body = {"title": "second", "is_default": True, "visible_on_profile": False}
        client.put(f"/api/resumes/{second['id']}", json=body, headers=me.headers)
        items = client.get("/api/resumes", headers=me.headers).json()["items"]
        assert [(item["id"], item["is_default"]) for item in items] == [
            (second["id"], True), (first["id"], False),
        ]  # fmt: skip

    def test_put_needs_the_whole_object(self, client: TestClient, me: Account) -> None:
        resume = uploaded(client, me, TEXT.encode(), "cv.txt")
        response = client.put(
            f"/api/resumes/{resume['id']}", json={"title": "x"}, headers=me.headers
        )
        assert problem(response, 422)["errors"][0]["loc"][0] == "body"

    def test_delete_removes_it_from_the_list(self, client: TestClient, me: Account) -> None:
        resume = uploaded(client, me, TEXT.encode(), "cv.txt")
        response = client.delete(f"/api/resumes/{resume['id']}", headers=me.headers)
        assert response.status_code == 204
        assert client.get(f"/api/resumes/{resume['id']}", headers=me.headers).status_code == 404
        assert titles(client, me) == []


class TestDownload:
    def test_owner_gets_the_file_as_an_attachment_that_cannot_be_sniffed(
        self, client: TestClient, me: Account
    ) -> None:
        resume = uploaded(client, me, pdf_bytes(), "Zoë CV.pdf")
        response = client.get(f"/api/resumes/{resume['id']}/file", headers=me.headers)
        assert response.status_code == 200
        assert response.content == pdf_bytes()
        assert response.headers["content-type"] == "application/pdf"
        assert response.headers["x-content-type-options"] == "nosniff"
        disposition = response.headers["content-disposition"]
        assert disposition.startswith("attachment;")
        assert "filename*=UTF-8''Zo%C3%AB%20CV.pdf" in disposition

    def test_text_is_sent_as_utf8_text(self, client: TestClient, me: Account) -> None:
        resume = uploaded(client, me, TEXT.encode(), "cv.txt")
        response = client.get(f"/api/resumes/{resume['id']}/file", headers=me.headers)
        assert response.headers["content-type"] == "text/plain; charset=utf-8"
        assert response.text == TEXT

    def test_missing_stored_file_is_404(
        self, client: TestClient, me: Account, session: Session, settings: Settings
    ) -> None:
        resume = uploaded(client, me, TEXT.encode(), "cv.txt")
        storage_for(settings).delete(stored_key(session, resume["id"]))
        response = client.get(f"/api/resumes/{resume['id']}/file", headers=me.headers)
        assert problem(response, 404)["detail"] == "The file of this resume is missing."


class TestS3:
    def test_upload_lands_in_the_bucket(
        self, s3_client: TestClient, me: Account, session: Session, s3_settings: Settings
    ) -> None:
        resume = uploaded(s3_client, me, pdf_bytes(), "cv.pdf")
        assert storage_for(s3_settings).read(stored_key(session, resume["id"])) == pdf_bytes()

    def test_download_redirects_to_a_presigned_url_that_serves_the_file(
        self, s3_client: TestClient, me: Account
    ) -> None:
        resume = uploaded(s3_client, me, pdf_bytes(), "Zoë CV.pdf")
        response = s3_client.get(
            f"/api/resumes/{resume['id']}/file", headers=me.headers, follow_redirects=False
        )
        assert response.status_code == 302
        assert response.headers["cache-control"] == "no-store"
        fetched = httpx.get(response.headers["location"])
        assert fetched.content == pdf_bytes()
        assert fetched.headers["content-type"] == "application/pdf"
        assert "filename*=UTF-8''Zo%C3%AB%20CV.pdf" in fetched.headers["content-disposition"]

    def test_profile_download_redirects_too(
        self, s3_client: TestClient, me: Account, other: Account
    ) -> None:
        resume = shown(s3_client, me, TEXT.encode())
        path = f"/api/users/{me.id}/resumes/{resume['id']}/file"
        response = s3_client.get(path, headers=other.headers, follow_redirects=False)
        assert response.status_code == 302
        assert httpx.get(response.headers["location"]).text == TEXT


def shown(client: TestClient, account: Account, data: bytes, name: str = "cv.txt") -> Any:
    """A resume uploaded and shown on the account's profile."""
    resume = uploaded(client, account, data, name)
    body = {"title": resume["title"], "is_default": True, "visible_on_profile": True}
    response = client.put(f"/api/resumes/{resume['id']}", json=body, headers=account.headers)
    assert response.status_code == 200, response.text
    return response.json()


class TestProfileResumes:
    def test_other_users_see_only_the_resumes_shown_on_the_profile(
        self, client: TestClient, me: Account, other: Account
    ) -> None:
        visible = shown(client, me, TEXT.encode(), "public.txt")
        uploaded(client, me, TEXT.encode(), "private.txt")
        page = client.get(f"/api/users/{me.id}/resumes", headers=other.headers).json()
        assert [item["id"] for item in page["items"]] == [visible["id"]]
        assert page["items"][0]["download_url"] == (
            f"/api/users/{me.id}/resumes/{visible['id']}/file"
        )
        assert "sha256" not in page["items"][0]

    def test_any_signed_in_user_downloads_a_shown_resume(
        self, client: TestClient, me: Account, other: Account
    ) -> None:
        resume = shown(client, me, pdf_bytes())
        path = f"/api/users/{me.id}/resumes/{resume['id']}/file"
        response = client.get(path, headers=other.headers)
        assert response.status_code == 200
        assert response.content == pdf_bytes()

    def test_hidden_resume_is_404(self, client: TestClient, me: Account, other: Account) -> None:
        resume = uploaded(client, me, TEXT.encode(), "cv.txt")
        path = f"/api/users/{me.id}/resumes/{resume['id']}/file"
        problem(client.get(path, headers=other.headers), 404)

    def test_a_resume_under_another_persons_id_is_404(
        self, client: TestClient, me: Account, other: Account
    ) -> None:
        resume = shown(client, me, TEXT.encode())
        path = f"/api/users/{other.id}/resumes/{resume['id']}/file"
        problem(client.get(path, headers=other.headers), 404)

    def test_unknown_person_is_404(self, client: TestClient, other: Account) -> None:
        problem(client.get(f"/api/users/{uuid.uuid4()}/resumes", headers=other.headers), 404)

    def test_anonymous_callers_get_401(self, client: TestClient, me: Account) -> None:
        resume = shown(client, me, TEXT.encode())
        assert client.get(f"/api/users/{me.id}/resumes").status_code == 401
        path = f"/api/users/{me.id}/resumes/{resume['id']}/file"
        assert client.get(path).status_code == 401


PRIVATE_ROUTES = [
    ("GET", "/api/resumes/{id}"),
    ("PUT", "/api/resumes/{id}"),
    ("GET", "/api/resumes/{id}/file"),
    ("DELETE", "/api/resumes/{id}"),
]
UPDATE = {"title": "Renamed", "is_default": True, "visible_on_profile": False}


def call(client: TestClient, method: str, path: str, account: Account | None) -> httpx.Response:
    headers = account.headers if account else {}
    body = UPDATE if method == "PUT" else None
    return client.request(method, path, json=body, headers=headers)


class TestAuthorisationMatrix:
    @pytest.mark.parametrize(("method", "path"), PRIVATE_ROUTES)
    def test_owner_succeeds(self, client: TestClient, me: Account, method: str, path: str) -> None:
        resume = uploaded(client, me, TEXT.encode(), "cv.txt")
        response = call(client, method, path.format(id=resume["id"]), me)
        assert response.status_code in (200, 204), response.text

    @pytest.mark.parametrize(("method", "path"), PRIVATE_ROUTES)
    def test_other_user_gets_404(
        self, client: TestClient, me: Account, other: Account, method: str, path: str
    ) -> None:
        resume = uploaded(client, me, TEXT.encode(), "cv.txt")
        problem(call(client, method, path.format(id=resume["id"]), other), 404)
        assert titles(client, me) == ["cv"]  # unchanged, still there

    @pytest.mark.parametrize(("method", "path"), PRIVATE_ROUTES)
    def test_anonymous_gets_401(
        self, client: TestClient, me: Account, method: str, path: str
    ) -> None:
        resume = uploaded(client, me, TEXT.encode(), "cv.txt")
        problem(call(client, method, path.format(id=resume["id"]), None), 401)

    def test_other_users_list_is_empty(
        self, client: TestClient, me: Account, other: Account
    ) -> None:
        uploaded(client, me, TEXT.encode(), "cv.txt")
        assert client.get("/api/resumes", headers=other.headers).json()["total"] == 0

    def test_anonymous_cannot_list_or_upload(self, client: TestClient) -> None:
        problem(client.get("/api/resumes"), 401)
        problem(upload(client, None, TEXT.encode(), "cv.txt"), 401)
