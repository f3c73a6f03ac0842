"""Lever postings (feeds.md §2): `config = {"board": "<company site name>"}`.

`GET https://api.lever.co/v0/postings/{board}?mode=json` returns every published posting at
once as a **bare JSON array**: a full snapshot. Boards on Lever's EU instance are read with
`base_url = "https://api.eu.lever.co"`. An unknown site is a 404
`{"ok": false, "error": "Document not found"}`.

Quirks: the title is `text`; `createdAt` is epoch milliseconds and there is no update time
(the content hash tells changes); the description is split across `description` (opening and
body), `lists[]` (titled `<li>` items) and `additional`, joined here into one; `workplaceType`
is `on-site|remote|hybrid|unspecified`; `salaryRange.interval` is `per-year-salary`,
`per-hour-wage`, `one-time` ...; the company is the source's name (Lever sends none).
"""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar

from jobtracker.listings.normalize import (
    build_record,
    clean_text,
    infer_workplace,
    join_sections,
    parse_location,
    salary_from_amounts,
    salary_from_text,
    split_locations,
)
from jobtracker.listings.schemas import Location, Salary
from jobtracker.listings.sources.base import BoardConfig, vendor_url
from jobtracker.listings.sources.json_api import (
    ItemOutcome,
    JsonApiSource,
    obj,
    objs,
    text,
    texts,
)

API = "https://api.lever.co/v0/postings/{board}?mode=json"


class LeverSource(JsonApiSource):
    """A Lever site by its name; see the module's docstring for its quirks."""

    kind: ClassVar[str] = "lever"
    snapshot: ClassVar[bool] = True
    Config = BoardConfig
    items_path: ClassVar[str] = "item"

    def source_url(self) -> str:
        board: str = self.config.board  # type: ignore[attr-defined]
        return vendor_url(API.format(board=board), self.config.base_url)

    def record(self, item: dict[str, Any]) -> ItemOutcome:
        categories = obj(item.get("categories"))
        places = texts(categories.get("allLocations")) or texts(categories.get("location"))
        workplace, scope = infer_workplace(workplace=text(item.get("workplaceType")), texts=places)
        return build_record(
            source_kind=self.kind,
            external_id=text(item.get("id")),
            title=text(item.get("text")),
            url=text(item.get("hostedUrl")),
            apply_url=text(item.get("applyUrl")),
            company=self.company,
            locations=_locations(places, text(item.get("country"))),
            workplace=workplace,
            remote_scope=scope,
            employment_type=text(categories.get("commitment")),
            department=text(categories.get("department")) or text(categories.get("team")),
            description_html=_description(item),
            salary=_salary(item),
            posted=text(item.get("createdAt")),
        )


def _locations(places: list[str], country: str | None) -> list[Location]:
    """Each place parsed; Lever's `country` (ISO alpha-2) completes a single place that names
    none ("Berlin" + "DE"). With several places it belongs to the first only, so none gets it."""
    found = [parse_location(part) for raw in places for part in split_locations(clean_text(raw))]
    if len(found) == 1 and found[0].country is None and country and len(country) == 2:
        return [dataclasses.replace(found[0], country=country.upper())]
    return found


def _description(item: dict[str, Any]) -> str:
    """description (opening and body), then each list under its title, then additional."""
    lists = [
        (text(part.get("text")), text(part.get("content"))) for part in objs(item.get("lists"))
    ]
    body = text(item.get("description")) or _opening_and_body(item)
    return join_sections([(None, body), *lists, (None, text(item.get("additional")))])


def _opening_and_body(item: dict[str, Any]) -> str:
    return (text(item.get("opening")) or "") + (text(item.get("descriptionBody")) or "")


def _salary(item: dict[str, Any]) -> Salary | None:
    """`salaryRange` with the salary text as its raw; the text alone when there is no range."""
    described = text(item.get("salaryDescriptionPlain"))
    pay = item.get("salaryRange")
    if not isinstance(pay, dict):
        return salary_from_text(described)
    return salary_from_amounts(
        low=pay.get("min"),
        high=pay.get("max"),
        currency=text(pay.get("currency")),
        period=text(pay.get("interval")),
        raw=described,
    )
