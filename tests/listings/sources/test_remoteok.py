"""The RemoteOK API (feeds.md §6b) served by a local server: element [0] is a legal notice,
epoch seconds, whole-dollar salaries where 0 means unknown, tags."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from jobtracker.kit.http import GuardedClient
from jobtracker.listings.schemas import Category, EmploymentType, ItemError, Salary, Workplace
from jobtracker.listings.sources.remoteok import RemoteOkSource
from tests.kit.http.conftest import LocalServer
from tests.listings.sources.conftest import Item, adapter, by_id, fetch, fixture, serve


@pytest.fixture
def items(server: LocalServer, guarded: GuardedClient, tmp_path: Path) -> list[Item]:
    serve(server, "/api", fixture("remoteok.json"))
    return fetch(adapter(RemoteOkSource, server), guarded, tmp_path)[1]


class TestRemoteOkSource:
    def test_a_job_reads_as_on_remoteok(self, items: list[Item]) -> None:
        job = by_id(items)["1099001"]
        assert (job.title, job.company) == ("DevRel Engineer", "Lumenfield")
        assert (
            job.url == "https://remoteok.com/remote-jobs/remote-devrel-engineer-lumenfield-1099001"
        )
        assert job.apply_url == "https://remoteok.com/remote-jobs/1099001/apply"
        assert job.description_text == "Write demos and talks."
        assert job.posted is not None  # epoch 1772990000 s
        assert job.posted.value.isoformat() == "2026-03-08T17:13:20+00:00"

    def test_the_legal_notice_is_no_job_and_a_job_without_id_is_an_error(
        self, items: list[Item]
    ) -> None:
        assert sorted(by_id(items)) == ["1098901", "1098950", "1099001"]
        assert items[-1] == ItemError(external_id=None, reason="the external id is missing")
        assert len(items) == 4

    def test_salaries_are_us_dollars_a_year_and_zero_is_unknown(self, items: list[Item]) -> None:
        assert by_id(items)["1099001"].salary == Salary(
            Decimal(90000), Decimal(130000), "USD", "year"
        )
        assert by_id(items)["1098950"].salary is None  # 0 and 0
        assert by_id(items)["1098901"].salary == Salary(Decimal(110000), None, "USD", "year")

    def test_every_job_is_remote_within_its_location(self, items: list[Item]) -> None:
        scopes = {key: (job.workplace, job.remote_scope) for key, job in by_id(items).items()}
        assert scopes == {
            "1099001": (Workplace.REMOTE, "Worldwide"),
            "1098950": (Workplace.REMOTE, None),  # location ""
            "1098901": (Workplace.REMOTE, "United States"),
        }
        assert by_id(items)["1098950"].locations == ()

    def test_only_a_tag_naming_an_employment_type_is_read_as_one(self, items: list[Item]) -> None:
        auditor = by_id(items)["1098950"]  # tags: "smart contracts", ..., "contract"
        assert auditor.employment_type is EmploymentType.CONTRACT
        devrel = by_id(items)["1099001"]  # tags: "dev", "javascript", "developer relations"
        assert devrel.employment_type is EmploymentType.UNKNOWN

    def test_the_date_stands_in_for_a_missing_epoch(self, items: list[Item]) -> None:
        job = by_id(items)["1098901"]
        assert job.posted is not None
        assert job.posted.value.isoformat() == "2026-03-06T09:00:00+00:00"
        assert job.category is Category.MOBILE

    def test_an_escaped_description_is_unescaped(self, items: list[Item]) -> None:
        assert by_id(items)["1098950"].description_html == "<p>Audit Solidity code.</p>"

    def test_the_default_address_is_the_public_api_and_a_tag_url_is_kept(self) -> None:
        assert RemoteOkSource({}).source_url() == "https://remoteok.com/api"
        tagged = RemoteOkSource({"url": "https://remoteok.com/api?tag=python"})
        assert tagged.source_url() == "https://remoteok.com/api?tag=python"
