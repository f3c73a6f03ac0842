"""The Jobicy remote-jobs API (feeds.md §5b): `config = {}` for
`https://jobicy.com/api/v2/remote-jobs?count=50`, or `{"url": "...?count=50&geo=usa"}`
for another filter (its RSS feed is the `rss` kind).

A **windowed** feed: it covers the last 7 days of publications, and Jobicy says a job that
leaves it has not necessarily closed, so absence removes nothing (the TTL does). Pages come
by cursor: `nextCursor` goes back as `cursor` with the same filters while `hasMore`; every
page is a file. Errors are 400 `{"success": false, "error": "Cursor expired…"}`: on the
first page the run fails with Jobicy's reason; on a later one (a cursor expired in the middle
of the walk) the pages read so far are kept and the download is incomplete.

Quirks: every job is remote and `jobGeo` ("USA", "EMEA, UK", "Anywhere") is the region it is
open to (the remote scope, kept as its location too); titles and companies carry entities
(`&amp;`, `&#8211;`); `jobType` is a list; the salary is `salaryMin`/`salaryMax`/
`salaryCurrency`/`salaryPeriod` (`hourly|monthly|yearly`), or `annualSalaryMin`/`Max` from
older versions.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import httpx

from jobtracker.kit.http import FetchResult, GuardedClient
from jobtracker.listings.normalize import build_record, infer_workplace, salary_from_amounts
from jobtracker.listings.schemas import Salary
from jobtracker.listings.sources.base import Download, InvalidFeed, vendor_url
from jobtracker.listings.sources.json_api import (
    ItemOutcome,
    JsonApiSource,
    OptionalUrlConfig,
    fetch_json,
    load_json,
    obj,
    text,
    texts,
)

API = "https://jobicy.com/api/v2/remote-jobs?count=50"
MAX_PAGES = 100  # 5,000 jobs at 50 a page, far more than a week of Jobicy


class JobicySource(JsonApiSource):
    """The Jobicy JSON API, page by page; see the module's docstring for its quirks."""

    kind: ClassVar[str] = "jobicy"
    snapshot: ClassVar[bool] = False
    Config = OptionalUrlConfig

    def source_url(self) -> str:
        url = str(self.config.url or API)  # type: ignore[attr-defined]
        return vendor_url(url, self.config.base_url)

    def download(
        self, client: GuardedClient, folder: Path, *, etag: str | None, last_modified: str | None
    ) -> Download:
        url, first = self.source_url(), folder / "jobicy-0001.json"
        result = _page(client, url, first, etag=etag, last_modified=last_modified)
        if result.not_modified:
            return Download(etag=result.etag, last_modified=result.last_modified, not_modified=True)
        files, complete = _follow(client, url, folder, first)
        return Download(files, result.etag, result.last_modified, complete=complete)

    def record(self, item: dict[str, Any]) -> ItemOutcome:
        region = text(item.get("jobGeo"))
        workplace, scope = infer_workplace(remote=True, texts=[region] if region else [])
        return build_record(
            source_kind=self.kind,
            external_id=text(item.get("id")),
            title=text(item.get("jobTitle")),
            url=text(item.get("url")),
            company=text(item.get("companyName")),
            locations=[region] if region else [],
            workplace=workplace,
            remote_scope=scope,
            employment_type=texts(item.get("jobType")),
            description_html=text(item.get("jobDescription")) or text(item.get("jobExcerpt")),
            salary=_salary(item),
            posted=text(item.get("pubDate")),
        )


def _follow(client: GuardedClient, url: str, folder: Path, first: Path) -> tuple[list[Path], bool]:
    """Every page after the first while Jobicy has more; False when the walk stopped early."""
    files, seen = [first], set[str]()
    cursor = _next_cursor(first)
    while cursor:
        if len(files) == MAX_PAGES or cursor in seen:
            return files, False
        seen.add(cursor)
        path = folder / f"jobicy-{len(files) + 1:04d}.json"
        try:
            _page(client, str(httpx.URL(url).copy_set_param("cursor", cursor)), path)
        except httpx.HTTPStatusError as error:
            if error.response.status_code != 400:
                raise
            return files, False  # the cursor expired mid-walk: what was read stands
        files.append(path)
        cursor = _next_cursor(path)
    return files, True


def _page(client: GuardedClient, url: str, path: Path, **validators: str | None) -> FetchResult:
    """One page; a 400 carries Jobicy's own reason ("Cursor expired…") in its message."""
    try:
        return fetch_json(client, url, path, b"{", **validators)
    except httpx.HTTPStatusError as error:
        reason = _reason(error.response)
        if reason is None:
            raise
        message = f"{error}: {reason}"
        raise httpx.HTTPStatusError(
            message, request=error.request, response=error.response
        ) from None


def _reason(response: httpx.Response) -> str | None:
    try:
        body = response.json()
    except ValueError:
        return None
    return text(obj(body).get("error")) or text(obj(body).get("message"))


def _next_cursor(path: Path) -> str | None:
    """The cursor of the page after this one; `InvalidFeed` when the page is not Jobicy's
    envelope (`success` false, no `jobs` list)."""
    page = load_json(path)
    if not isinstance(page, dict) or page.get("success") is False:
        raise InvalidFeed(f"{path.name}: Jobicy answered an error: {_preview(page)}")
    if not isinstance(page.get("jobs"), list):
        raise InvalidFeed(f"{path.name}: the page has no `jobs` list")
    cursor = text(page.get("nextCursor"))
    return cursor if cursor and page.get("hasMore", True) is not False else None


def _preview(page: object) -> str:
    return repr(page)[:200]


def _salary(item: dict[str, Any]) -> Salary | None:
    if item.get("salaryMin") is None and item.get("salaryMax") is None:
        return salary_from_amounts(
            low=item.get("annualSalaryMin"),
            high=item.get("annualSalaryMax"),
            currency=text(item.get("salaryCurrency")),
            period="year",
        )
    return salary_from_amounts(
        low=item.get("salaryMin"),
        high=item.get("salaryMax"),
        currency=text(item.get("salaryCurrency")),
        period=text(item.get("salaryPeriod")),
    )
