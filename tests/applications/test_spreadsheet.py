"""Import from people's spreadsheets and export to CSV, through the HTTP API."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from fastapi.testclient import TestClient

from jobtracker.applications.models import Status
from jobtracker.applications.spreadsheet import nearest_status
from tests.applications.test_router import create, listed
from tests.helpers import Account, Accounts

HUNTR_LIKE = """Organization,Job Title,Stage,Date Applied,Location,Salary,URL,Notes,Favourite colour
Acme,Backend Engineer,Applied,2026-03-02,Berlin,"€70,000",https://acme.example/jobs/1,Referral,blue
Globex,Data Analyst,Phone Screen,15/03/2026,Remote,,https://globex.example/2,,green
Initech,QA Engineer,Ghosted,,Austin,,,,red
Umbrella,,Wishlist,,,,,,
Hooli,Platform Engineer,Something odd,someday,,,ftp://hooli.example,,
"""


def upload(client: TestClient, account: Account, text: str | bytes) -> Any:
    data = text.encode() if isinstance(text, str) else text
    files = {"file": ("applications.csv", data, "text/csv")}
    return client.post("/api/applications/import", files=files, headers=account.headers)


@pytest.fixture
def owner(accounts: Accounts) -> Account:
    return accounts.create()


class TestImport:
    def test_common_headers_are_recognised_and_each_row_reported(
        self, client: TestClient, owner: Account
    ) -> None:
        report = upload(client, owner, HUNTR_LIKE).json()
        assert report["columns"]["Organization"] == "company"
        assert report["columns"]["Job Title"] == "position"
        assert report["columns"]["Stage"] == "status"
        assert report["ignored_columns"] == ["Favourite colour"]
        assert (report["created"], report["skipped"]) == (4, 1)
        outcomes = {row["line"]: row for row in report["rows"]}
        assert outcomes[5]["outcome"] == "skipped" and "position" in outcomes[5]["reason"]
        assert len(outcomes[6]["warnings"]) == 3  # odd status, unreadable date, ftp link

    def test_rows_become_applications_with_the_nearest_status(
        self, client: TestClient, owner: Account
    ) -> None:
        upload(client, owner, HUNTR_LIKE)
        by_company = {item["company"]: item for item in listed(client, owner, "limit=100")}
        assert by_company["Acme"]["status"] == "applied"
        assert by_company["Acme"]["applied_on"] == "2026-03-02"
        assert by_company["Acme"]["salary_parsed"]["currency"] == "EUR"
        assert by_company["Globex"]["status"] == "interview"
        assert by_company["Globex"]["applied_on"] == "2026-03-15"
        assert by_company["Initech"]["status"] == "rejected"
        assert by_company["Hooli"]["status"] == "saved" and by_company["Hooli"]["job_url"] is None

    def test_importing_the_same_file_twice_creates_nothing_new(
        self, client: TestClient, owner: Account
    ) -> None:
        upload(client, owner, HUNTR_LIKE)
        again = upload(client, owner, HUNTR_LIKE).json()
        assert again["created"] == 0
        assert {row["reason"] for row in again["rows"]} >= {"Already imported."}
        assert len(listed(client, owner, "limit=100")) == 4

    def test_a_repeated_row_in_one_file_is_created_once(
        self, client: TestClient, owner: Account
    ) -> None:
        text = "Company,Position\nAcme,Dev\nacme,DEV\n"
        report = upload(client, owner, text).json()
        assert report["created"] == 1 and report["rows"][1]["reason"] == "Same as line 2."

    def test_semicolons_and_a_windows_encoding_are_read(
        self, client: TestClient, owner: Account
    ) -> None:
        text = "Empresa;Title;Company\nx;Développeur;Société\n"
        report = upload(client, owner, text.encode("cp1252")).json()
        assert report["created"] == 1
        assert listed(client, owner)[0]["company"] == "Société"

    @pytest.mark.parametrize(
        ("content", "message"),
        [
            ("Name,Email\nAna,a@example.com\n", "No company column"),
            ("", "empty"),
            (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary"),
        ],
    )
    def test_a_file_that_cannot_be_imported_is_422_saying_why(
        self, client: TestClient, owner: Account, content: str | bytes, message: str
    ) -> None:
        response = upload(client, owner, content)
        assert response.status_code == 422
        assert message in response.json()["detail"]
        assert listed(client, owner) == []

    def test_a_file_over_5_mb_is_413(self, client: TestClient, owner: Account) -> None:
        big = "Company,Position\n" + "Acme,Dev\n" * 700_000
        assert upload(client, owner, big).status_code == 413

    def test_anonymous_import_is_401(self, client: TestClient) -> None:
        files = {"file": ("a.csv", b"Company,Position\nA,B\n", "text/csv")}
        assert client.post("/api/applications/import", files=files).status_code == 401


class TestNearestStatus:
    @pytest.mark.parametrize(
        ("text", "status"),
        [
            ("Wishlist", Status.SAVED), ("applied", Status.APPLIED),
            ("Under review", Status.APPLIED), ("Phone screen", Status.INTERVIEW),
            ("2nd interview", Status.INTERVIEW), ("Offer!", Status.OFFER),
            ("Rejected", Status.REJECTED), ("ghosted", Status.REJECTED),
            ("Withdrew", Status.WITHDRAWN), ("Interveiw", Status.INTERVIEW),
            ("banana", None), ("", None),
        ],
    )  # fmt: skip
    def test_spreadsheet_words_map_to_the_pipeline(self, text: str, status: Status | None) -> None:
        assert nearest_status(text) == status


class TestExport:
    def test_export_is_a_csv_of_the_callers_live_applications(
        self, client: TestClient, accounts: Accounts
    ) -> None:
        owner, other = accounts.create(), accounts.create()
        create(client, owner, company="Acme", status="applied", salary="50k")
        binned = create(client, owner, company="Binned")
        client.delete(f"/api/applications/{binned['id']}", headers=owner.headers)
        create(client, other, company="Not mine")
        response = client.get("/api/applications/export.csv", headers=owner.headers)
        assert response.headers["content-type"].startswith("text/csv")
        assert "attachment" in response.headers["content-disposition"]
        rows = list(csv.DictReader(io.StringIO(response.text)))
        assert [row["company"] for row in rows] == ["Acme"]
        assert rows[0]["status"] == "applied" and rows[0]["salary"] == "50k"

    def test_cells_that_look_like_formulas_are_defused(
        self, client: TestClient, owner: Account
    ) -> None:
        create(client, owner, company='=HYPERLINK("http://evil")', position="+1")
        text = client.get("/api/applications/export.csv", headers=owner.headers).text
        row = next(csv.DictReader(io.StringIO(text)))
        assert row["company"].startswith("'=") and row["position"] == "'+1"

    def test_an_exported_file_imports_into_another_account(
        self, client: TestClient, accounts: Accounts
    ) -> None:
        owner, newcomer = accounts.create(), accounts.create()
        create(client, owner, company="Acme", status="offer")
        text = client.get("/api/applications/export.csv", headers=owner.headers).text
        assert upload(client, newcomer, text).json()["created"] == 1
        assert listed(client, newcomer)[0]["status"] == "offer"

    def test_anonymous_export_is_401(self, client: TestClient) -> None:
        assert client.get("/api/applications/export.csv").status_code == 401
