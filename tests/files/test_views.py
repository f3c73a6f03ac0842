"""The resumes page and the resumes on a person's page, through real HTTP requests."""

from __future__ import annotations

import re

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.files.conftest import SMALL_UPLOAD
from tests.files.documents import EXE, TEXT, pdf_bytes
from tests.helpers import Account, Accounts, csrf_from
from tests.pages import HTML, alert_text, log_in, submit


@pytest.fixture
def me(client: TestClient, accounts: Accounts) -> Account:
    """The signed-in user of the browser (the `client`)."""
    account = accounts.create("Ada Owner")
    assert log_in(client, account.email).status_code == 303
    return account


def upload(
    client: TestClient, data: bytes, filename: str = "cv.pdf", *, title: str = ""
) -> httpx.Response:
    """Fill in the upload form as a browser does (the token first) and post it."""
    token = csrf_from(client.get("/resumes").text)
    files = {"file": (filename, data, "application/octet-stream")}
    fields = {"csrf_token": token, "title": title}
    return client.post("/resumes", data=fields, files=files, follow_redirects=False)


def resume_ids(page: str) -> list[str]:
    return re.findall(r'<tr id="resume-([0-9a-f-]+)">', page)


def api_resumes(client: TestClient, account: Account) -> list[dict[str, object]]:
    items: list[dict[str, object]] = client.get("/api/resumes", headers=account.headers).json()[
        "items"
    ]
    return items


class TestResumesPage:
    def test_anonymous_visitor_is_sent_to_log_in(self, client: TestClient) -> None:
        response = client.get("/resumes", follow_redirects=False)
        assert response.headers["location"] == "/login?next=/resumes"

    def test_without_resumes_says_so_and_offers_the_form(
        self, client: TestClient, me: Account
    ) -> None:
        page = client.get("/resumes").text
        assert "No resumes yet." in page
        assert 'enctype="multipart/form-data"' in page
        assert "up to 10 MB each" in page

    def test_upload_lists_the_resume_with_its_facts(self, client: TestClient, me: Account) -> None:
        response = upload(client, pdf_bytes(), "Ada CV.pdf", title="Analyst roles")
        assert response.headers["location"] == "/resumes?done=uploaded"
        page = client.get(response.headers["location"]).text
        assert "Resume uploaded." in page
        [row] = re.findall(r'<tr id="resume-.*?</tr>', page, re.DOTALL)
        for fact in ("Analyst roles", "Ada CV.pdf", "PDF", "Reading…", "Default", "Hidden"):
            assert fact in row
        resume_id = resume_ids(page)[0]
        assert f'href="/resumes/{resume_id}/file"' in row

    def test_upload_without_the_form_token_is_refused(
        self, client: TestClient, me: Account
    ) -> None:
        files = {"file": ("cv.txt", TEXT.encode(), "text/plain")}
        response = client.post("/resumes", files=files, headers=HTML, follow_redirects=False)
        assert response.status_code == 403
        assert api_resumes(client, me) == []

    def test_refused_file_shows_why_and_keeps_the_title(
        self, client: TestClient, me: Account
    ) -> None:
        response = upload(client, EXE, "cv.pdf", title="My title")
        assert response.status_code == 422
        assert "Accepted: PDF, Word (.docx) or plain text (UTF-8)" in alert_text(response.text)
        assert 'value="My title"' in response.text

    def test_no_file_chosen_says_so(self, client: TestClient, me: Account) -> None:
        response = upload(client, b"", "")
        assert response.status_code == 422
        assert alert_text(response.text) == "Choose a file to upload."


@pytest.fixture
def small_page(small_limits: TestClient, accounts: Accounts) -> TestClient:
    """A browser signed in to the app whose uploads are limited to 64 KB."""
    account = accounts.create("Ada Small")
    assert log_in(small_limits, account.email).status_code == 303
    return small_limits


class TestUploadLimit:
    def test_file_over_the_limit_shows_the_limit(self, small_page: TestClient) -> None:
        response = upload(small_page, b"a" * (SMALL_UPLOAD + 1), "cv.txt")
        assert response.status_code == 413
        assert alert_text(response.text) == "Files are limited to 64 KB."

    def test_body_far_over_the_limit_comes_back_to_the_page_saying_why(
        self, small_page: TestClient
    ) -> None:
        response = upload(small_page, b"a" * (8 * SMALL_UPLOAD), "cv.txt")
        assert response.headers["location"] == "/resumes?error=too-large"
        page = small_page.get(response.headers["location"]).text
        assert alert_text(page) == "Files are limited to 64 KB."
        assert "No resumes yet." in page


def uploaded_id(client: TestClient, data: bytes = b"plain text", name: str = "cv.txt") -> str:
    assert upload(client, data, name).status_code == 303
    return resume_ids(client.get("/resumes").text)[0]


class TestResumeActions:
    def test_make_default_moves_the_badge(self, client: TestClient, me: Account) -> None:
        first = uploaded_id(client, name="first.txt")
        upload(client, b"second", "second.txt")
        second = next(i for i in resume_ids(client.get("/resumes").text) if i != first)
        response = submit(client, "/resumes", f"/resumes/{second}/default", {})
        assert response.headers["location"] == "/resumes?done=saved"
        assert [(r["id"], r["is_default"]) for r in api_resumes(client, me)] == [
            (second, True), (first, False),
        ]  # fmt: skip

    def test_show_and_hide_on_the_profile(self, client: TestClient, me: Account) -> None:
        resume_id = uploaded_id(client)
        submit(client, "/resumes", f"/resumes/{resume_id}/visibility", {"visible": "true"})
        assert api_resumes(client, me)[0]["visible_on_profile"] is True
        assert ">Shown<" in client.get("/resumes").text
        submit(client, "/resumes", f"/resumes/{resume_id}/visibility", {"visible": "false"})
        assert api_resumes(client, me)[0]["visible_on_profile"] is False

    def test_delete_removes_it(self, client: TestClient, me: Account) -> None:
        resume_id = uploaded_id(client)
        response = submit(client, "/resumes", f"/resumes/{resume_id}/delete", {})
        assert response.headers["location"] == "/resumes?done=deleted"
        assert "No resumes yet." in client.get("/resumes").text

    def test_download_with_the_session_cookie(self, client: TestClient, me: Account) -> None:
        resume_id = uploaded_id(client, pdf_bytes(), "cv.pdf")
        response = client.get(f"/resumes/{resume_id}/file")
        assert response.status_code == 200
        assert response.content == pdf_bytes()
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["content-disposition"].startswith("attachment;")

    def test_another_users_resume_is_404_to_download_change_or_delete(
        self, client: TestClient, me: Account, accounts: Accounts
    ) -> None:
        resume_id = uploaded_id(client)
        stranger = accounts.create("Otto Other")
        log_in(client, stranger.email)
        assert client.get(f"/resumes/{resume_id}/file", headers=HTML).status_code == 404
        for action in ("default", "delete"):
            response = submit(client, "/resumes", f"/resumes/{resume_id}/{action}", {})
            assert response.status_code == 404
        assert len(api_resumes(client, me)) == 1


class TestPersonPage:
    def test_shows_the_resumes_on_the_profile_with_download_links(
        self, client: TestClient, me: Account, accounts: Accounts
    ) -> None:
        shown = uploaded_id(client, pdf_bytes(), "Public CV.pdf")
        submit(client, "/resumes", f"/resumes/{shown}/visibility", {"visible": "true"})
        upload(client, b"private notes", "private.txt")
        viewer = accounts.create("Vera Viewer")
        log_in(client, viewer.email)
        page = client.get(f"/people/{me.id}").text
        link = f"/people/{me.id}/resumes/{shown}/file"
        assert f'href="{link}"' in page
        assert "Public CV.pdf" in page and "private.txt" not in page
        assert client.get(link).content == pdf_bytes()

    def test_hidden_resume_cannot_be_downloaded_from_the_profile(
        self, client: TestClient, me: Account, accounts: Accounts
    ) -> None:
        hidden = uploaded_id(client)
        viewer = accounts.create("Vera Viewer")
        log_in(client, viewer.email)
        assert "Resumes" not in client.get(f"/people/{me.id}").text.split("</nav>", 1)[1]
        response = client.get(f"/people/{me.id}/resumes/{hidden}/file", headers=HTML)
        assert response.status_code == 404

    def test_anonymous_visitor_is_sent_to_log_in(self, client: TestClient, me: Account) -> None:
        shown = uploaded_id(client)
        submit(client, "/resumes", f"/resumes/{shown}/visibility", {"visible": "true"})
        client.cookies.clear()
        response = client.get(f"/people/{me.id}/resumes/{shown}/file", follow_redirects=False)
        assert response.headers["location"].startswith("/login?next=")
