"""Ashby job boards (feeds.md §3): `config = {"board": "<job board name>"}`, the path segment
of `jobs.ashbyhq.com/{name}`.

`GET https://api.ashbyhq.com/posting-api/job-board/{board}?includeCompensation=true` returns
every published job at once as `{"apiVersion": "1", "jobs": [...]}`: a full snapshot. An
unknown board is a 404 or, by other accounts, an empty board.

Quirks: `isListed: false` jobs are left out (hidden by the employer); the remote flag is
`isRemote` and `workplaceType` (`OnSite|Remote|Hybrid`); the primary `location` comes with
`address.postalAddress` and the `secondaryLocations[]` each with an `address` (another
nesting; `addressCountry` is a name like "USA"); `compensation` is per job (the docs print it
at the top level) and mixes salary with equity and bonus: only `compensationType == "Salary"`
components count, across tiers, periods like "1 YEAR"; a job whose employer chose not to show
pay (`shouldDisplayCompensationOnJobPostings: false`) gets none; the company is the source's
name.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

from jobtracker.listings.normalize import (
    build_record,
    infer_workplace,
    location_from_parts,
    parse_location,
    pick_salary,
    salary_from_amounts,
    salary_from_text,
)
from jobtracker.listings.schemas import Location, Salary
from jobtracker.listings.sources.base import BoardConfig, vendor_url
from jobtracker.listings.sources.json_api import (
    ItemOutcome,
    JsonApiSource,
    obj,
    objs,
    text,
)

API = "https://api.ashbyhq.com/posting-api/job-board/{board}?includeCompensation=true"


class AshbySource(JsonApiSource):
    """An Ashby job board by its name; see the module's docstring for its quirks."""

    kind: ClassVar[str] = "ashby"
    snapshot: ClassVar[bool] = True
    Config = BoardConfig

    def source_url(self) -> str:
        board: str = self.config.board  # type: ignore[attr-defined]
        return vendor_url(API.format(board=board), self.config.base_url)

    def record(self, item: dict[str, Any]) -> ItemOutcome:
        if item.get("isListed") is False:
            return None
        places = list(_locations(item))
        remote = item.get("isRemote")
        workplace, scope = infer_workplace(
            remote=remote if isinstance(remote, bool) else None,
            workplace=text(item.get("workplaceType")),
            texts=[place.raw for place in places],
        )
        return build_record(
            source_kind=self.kind,
            external_id=text(item.get("id")),
            title=text(item.get("title")),
            url=text(item.get("jobUrl")),
            apply_url=text(item.get("applyUrl")),
            company=self.company,
            locations=places,
            workplace=workplace,
            remote_scope=scope,
            employment_type=text(item.get("employmentType")),
            department=text(item.get("department")) or text(item.get("team")),
            description_html=text(item.get("descriptionHtml")),
            salary=_salary(item),
            posted=text(item.get("publishedAt")),
        )


def _locations(item: dict[str, Any]) -> Iterator[Location]:
    """The primary location with its postal address, then each secondary one with its own."""
    primary = text(item.get("location"))
    if primary:
        yield _place(primary, obj(obj(item.get("address")).get("postalAddress")))
    for secondary in objs(item.get("secondaryLocations")):
        raw = text(secondary.get("location"))
        if raw:
            yield _place(raw, obj(secondary.get("address")))


def _place(raw: str, address: dict[str, Any]) -> Location:
    """The place from its address fields; read from the text when the address is empty."""
    city, region, country = (
        text(address.get(name)) for name in ("addressLocality", "addressRegion", "addressCountry")
    )
    if not (city or region or country):
        return parse_location(raw)
    return location_from_parts(raw=raw, city=city, region=region, country=country)


def _salary(item: dict[str, Any]) -> Salary | None:
    """The Salary components of every tier (else of the summary), as one salary; the
    scrapeable summary text when there are none."""
    if item.get("shouldDisplayCompensationOnJobPostings") is False:
        return None
    compensation = obj(item.get("compensation"))
    tiers = objs(compensation.get("compensationTiers"))
    components = [part for tier in tiers for part in objs(tier.get("components"))]
    salaries = [
        _amounts(part) for part in components or objs(compensation.get("summaryComponents"))
    ]
    summary = text(compensation.get("scrapeableCompensationSalarySummary"))
    return pick_salary(salary for salary in salaries if salary) or salary_from_text(summary)


def _amounts(component: dict[str, Any]) -> Salary | None:
    if text(component.get("compensationType")) != "Salary":
        return None
    return salary_from_amounts(
        low=component.get("minValue"),
        high=component.get("maxValue"),
        currency=text(component.get("currencyCode")),
        period=text(component.get("interval")),
        raw=text(component.get("summary")),
    )
