"""Greenhouse job boards (feeds.md §1): `config = {"board": "<board token>"}`.

`GET https://boards-api.greenhouse.io/v1/boards/{board}/jobs?content=true` returns the whole
board at once as `{"jobs": [...], "meta": {"total": N}}`: a full snapshot (a posting missing
from it was taken down). An unknown board token is a 404.

Quirks: `content` is entity-escaped HTML (`&lt;p&gt;`), unescaped once per layer; several
places are packed into `location.name` ("Lisbon; Remote - Portugal", "A | B"), with `offices[]`
as the fallback; there is no remote flag and no employment type, so both come from custom
`metadata` fields when the employer exposes them, else from the location text; the company is
`company_name` when present, else the source's name; `pay_input_ranges` (amounts in cents,
one range per zone) is read when present, although Greenhouse sends it only on the single
post with `?pay_transparency=true`, which this adapter does not fetch.
"""

from __future__ import annotations

import functools
import re
from typing import Any, ClassVar

from jobtracker.listings.normalize import build_record, infer_workplace, pick_salary
from jobtracker.listings.normalize import salary_from_amounts as amounts
from jobtracker.listings.schemas import Salary, Workplace
from jobtracker.listings.sources.base import BoardConfig, vendor_url
from jobtracker.listings.sources.json_api import ItemOutcome, JsonApiSource, objs, text

API = "https://boards-api.greenhouse.io/v1/boards/{board}/jobs?content=true"
# Names employers give the custom fields that say what the API does not.
EMPLOYMENT_FIELD = re.compile(r"employment|job type|commitment|contract|time type", re.I)
WORKPLACE_FIELD = re.compile(r"workplace|remote|location type|work type|work model", re.I)


class GreenhouseSource(JsonApiSource):
    """A Greenhouse board by its token; see the module's docstring for its quirks."""

    kind: ClassVar[str] = "greenhouse"
    snapshot: ClassVar[bool] = True
    Config = BoardConfig

    def source_url(self) -> str:
        board: str = self.config.board  # type: ignore[attr-defined]
        return vendor_url(API.format(board=board), self.config.base_url)

    def record(self, item: dict[str, Any]) -> ItemOutcome:
        places = _locations(item)
        workplace, scope = _workplace(item, places)
        departments = [text(part.get("name")) for part in objs(item.get("departments"))]
        return build_record(
            source_kind=self.kind,
            external_id=text(item.get("id")),
            title=text(item.get("title")),
            url=text(item.get("absolute_url")),
            company=text(item.get("company_name")) or self.company,
            locations=places,
            workplace=workplace,
            remote_scope=scope,
            employment_type=_metadata(item, EMPLOYMENT_FIELD),
            department=next((name for name in departments if name), None),
            description_html=text(item.get("content")),
            salary=_pay(item),
            posted=text(item.get("first_published")),
            updated=text(item.get("updated_at")),
            expires=text(item.get("application_deadline")),
        )


def _locations(item: dict[str, Any]) -> list[str]:
    """`location.name` (split later on ";" and "|"), else every office's place."""
    location = item.get("location")
    name = text(location.get("name")) if isinstance(location, dict) else None
    if name:
        return [name]
    offices = objs(item.get("offices"))
    return [place for office in offices if (place := _office_place(office))]


def _office_place(office: dict[str, Any]) -> str | None:
    return text(office.get("location")) or text(office.get("name"))


def _workplace(item: dict[str, Any], places: list[str]) -> tuple[Workplace | None, str | None]:
    """From a custom field that says it ("Workplace Type": "Hybrid"), else None: inferred
    from the location text by build_record."""
    declared = _metadata(item, WORKPLACE_FIELD)
    if declared is None:
        return None, None
    return infer_workplace(workplace=declared, texts=places)


def _metadata(item: dict[str, Any], name: re.Pattern[str]) -> str | None:
    """The value of the first custom field whose name matches (a multi-select: its values)."""
    for field in objs(item.get("metadata")):
        if _names(name, text(field.get("name")) or ""):
            value = field.get("value")
            found = ", ".join(str(v) for v in value) if isinstance(value, list) else text(value)
            if found:
                return found
    return None


# A board names its few custom fields on every posting: an ignore-case search per field and
# posting took 0.5 µs.
@functools.lru_cache(maxsize=1024)
def _names(name: re.Pattern[str], field: str) -> bool:
    """Whether the field's name says what `name` looks for."""
    return name.search(field) is not None


def _pay(item: dict[str, Any]) -> Salary | None:
    """The pay ranges (cents, one per zone) as one salary: the widest in the first currency."""
    ranges = objs(item.get("pay_input_ranges"))
    return pick_salary(
        amounts(
            low=pay.get("min_cents"),
            high=pay.get("max_cents"),
            currency=text(pay.get("currency_type")),
            period=None,
            cents=True,
        )
        for pay in ranges
    )
