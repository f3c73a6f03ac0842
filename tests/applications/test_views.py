"""The applications pages, through real HTTP requests with a logged-in browser session."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.applications.test_router import create
from tests.helpers import Account, Accounts, csrf_from
from tests.pages import HTMX, log_in, submit

FORM = {
    "company": "Société Générale", "position": "Data Engineer", "location": "Paris",
    "salary": "55.000 € brutto", "job_url": "https://jobs.example.com/42", "status": "applied",
    "applied_on": "", "job_description": "Pipelines.", "notes": "Met Ana at a meetup",
    "resume_id": "",
}  # fmt: skip


@pytest.fixture
def me(client: TestClient, accounts: Accounts) -> Account:
    account = accounts.create("Page User")
    assert log_in(client, account.email).status_code == 303
    return account


class TestApplicationsPages:
    def test_a_new_application_from_the_form_shows_in_the_table(
        self, client: TestClient, me: Account
    ) -> None:
        created = submit(client, "/applications/new", "/applications/new", FORM)
        assert created.status_code == 303
        page = client.get(created.headers["location"])
        assert "Data Engineer" in page.text and "Met Ana at a meetup" in page.text
        assert "Added as" in page.text  # the history's first row
        table = client.get("/applications").text
        assert "Société Générale" in table and "Applied" in table

    def test_an_invalid_form_is_shown_again_with_messages_beside_the_fields(
        self, client: TestClient, me: Account
    ) -> None:
        bad = {**FORM, "company": "", "job_url": "ftp://nope"}
        response = submit(client, "/applications/new", "/applications/new", bad)
        assert response.status_code == 422
        assert 'id="error-company"' in response.text and 'id="error-job_url"' in response.text
        assert "Data Engineer" in response.text  # what was typed is kept

    def test_search_and_status_filters_narrow_the_table(
        self, client: TestClient, me: Account
    ) -> None:
        create(client, me, company="Globex", status="offer")
        create(client, me, company="Initech", status="rejected")
        fragment = client.get("/applications?q=glob", headers=HTMX).text
        assert "Globex" in fragment and "Initech" not in fragment and "<html" not in fragment
        filtered = client.get("/applications?status=rejected").text
        assert "Initech" in filtered and "Globex" not in filtered

    def test_moving_an_application_records_it_in_the_history(
        self, client: TestClient, me: Account
    ) -> None:
        created = create(client, me)
        url = f"/applications/{created['id']}"
        moved = submit(client, url, f"{url}/status", {"status": "interview"})
        assert moved.status_code == 303
        page = client.get(url).text
        assert "Saved → <strong>Interviewing</strong>" in page

    def test_editing_saves_and_confirms(self, client: TestClient, me: Account) -> None:
        created = create(client, me)
        url = f"/applications/{created['id']}"
        saved = submit(client, url, url, {**FORM, "position": "Staff Engineer"})
        assert saved.headers["location"] == f"{url}?saved=true"
        assert "Staff Engineer" in client.get(saved.headers["location"]).text

    def test_the_bin_holds_deleted_applications_until_restored(
        self, client: TestClient, me: Account
    ) -> None:
        created = create(client, me, company="Binned Co")
        url = f"/applications/{created['id']}"
        submit(client, url, f"{url}/delete", {})
        assert "Binned Co" not in client.get("/applications").text
        assert "Binned Co" in client.get("/applications?deleted=true").text
        restored = submit(client, "/applications?deleted=true", f"{url}/restore", {})
        assert restored.headers["location"] == url
        assert "Binned Co" in client.get("/applications").text

    def test_another_users_application_page_is_404(
        self, client: TestClient, me: Account, accounts: Accounts
    ) -> None:
        other = accounts.create()
        theirs = create(client, other)
        assert client.get(f"/applications/{theirs['id']}").status_code == 404

    def test_anonymous_visitors_are_sent_to_log_in(self, client: TestClient) -> None:
        response = client.get("/applications", follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/login")


class TestSpreadsheetPages:
    def test_an_uploaded_csv_is_imported_and_reported_row_by_row(
        self, client: TestClient, me: Account
    ) -> None:
        token = csrf_from(client.get("/applications/import").text)
        files = {
            "file": ("jobs.csv", b"Company,Title,Stage\nAcme,Dev,Applied\n,Nobody,\n", "text/csv")
        }
        response = client.post("/applications/import", data={"csrf_token": token}, files=files)
        assert response.status_code == 200
        assert "1 created, 1 skipped" in response.text
        assert "Acme" in client.get("/applications").text

    def test_a_wrong_file_shows_the_reason_on_the_page(
        self, client: TestClient, me: Account
    ) -> None:
        token = csrf_from(client.get("/applications/import").text)
        files = {"file": ("x.csv", b"Name,Email\nAna,a@b.c\n", "text/csv")}
        response = client.post("/applications/import", data={"csrf_token": token}, files=files)
        assert response.status_code == 422 and "No company column" in response.text

    def test_the_export_link_downloads_my_applications(
        self, client: TestClient, me: Account
    ) -> None:
        create(client, me, company="Exported Co")
        response = client.get("/applications/export.csv")
        assert response.status_code == 200 and "Exported Co" in response.text


class TestApplicationPageRelations:
    def test_the_page_lists_the_contacts_of_the_application(
        self, client: TestClient, me: Account
    ) -> None:
        created = create(client, me, company="Globex")
        body = {"name": "Tom Becker", "application_ids": [created["id"]]}
        assert client.post("/api/contacts", json=body, headers=me.headers).status_code == 201
        page = client.get(f"/applications/{created['id']}").text
        assert "Tom Becker" in page
        assert f"/contacts/new?application_id={created['id']}" in page
