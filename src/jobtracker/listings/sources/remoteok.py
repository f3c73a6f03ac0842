"""The RemoteOK API (feeds.md §6b): `config = {}` for `https://remoteok.com/api`, or
`{"url": "https://remoteok.com/api?tag=python"}` for a tag.

A **windowed** feed: it answers the hundred or so most recent jobs, so a job that drops out
of it has not necessarily closed; absence removes nothing (the TTL does). RemoteOK asks for a
descriptive User-Agent (the guarded client sends one) and a link back to it.

Quirks: a bare JSON array whose element [0] is a legal notice (`last_updated`, `legal`), not a
job; the title is `position`; `epoch` is unix seconds (`date`, ISO, when it is missing);
`salary_min`/`salary_max` are whole numbers, 0 when unknown, in US dollars a year (what
RemoteOK's posting form asks for); every job is remote and `location` ("Worldwide", "US",
often empty) is the region it is open to; `tags[]` are its skills, but a tag that names an
employment type ("full time", "contract"), which is read as that.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from jobtracker.listings.normalize import build_record, infer_workplace, salary_from_amounts
from jobtracker.listings.schemas import Salary
from jobtracker.listings.sources.base import vendor_url
from jobtracker.listings.sources.json_api import (
    ItemOutcome,
    JsonApiSource,
    OptionalUrlConfig,
    text,
    texts,
)

API = "https://remoteok.com/api"
# Tags are mostly skills ("smart contracts", "internal tools"): only a whole tag that names an
# employment type counts.
EMPLOYMENT_TAG = re.compile(
    r"^(?:full[\s-]?time|part[\s-]?time|contract(?:or)?|freelance(?:r)?|intern(?:ship)?"
    r"|temporary)$",
    re.IGNORECASE,
)


class RemoteOkSource(JsonApiSource):
    """The RemoteOK API, a recent window; see the module's docstring for its quirks."""

    kind: ClassVar[str] = "remoteok"
    snapshot: ClassVar[bool] = False
    Config = OptionalUrlConfig
    items_path: ClassVar[str] = "item"

    def source_url(self) -> str:
        url = str(self.config.url or API)  # type: ignore[attr-defined]
        return vendor_url(url, self.config.base_url)

    def record(self, item: dict[str, Any]) -> ItemOutcome:
        if "legal" in item and "position" not in item:
            return None  # element [0], the terms of use
        region, tags = text(item.get("location")), texts(item.get("tags"))
        workplace, scope = infer_workplace(remote=True, texts=[region] if region else [])
        return build_record(
            source_kind=self.kind,
            external_id=text(item.get("id")),
            title=text(item.get("position")),
            url=text(item.get("url")),
            apply_url=text(item.get("apply_url")),
            company=text(item.get("company")),
            locations=[region] if region else [],
            workplace=workplace,
            remote_scope=scope,
            employment_type=[tag for tag in tags if EMPLOYMENT_TAG.match(tag)],
            description_html=text(item.get("description")),
            salary=_salary(item),
            posted=text(item.get("epoch")) or text(item.get("date")),
            skills=[tag for tag in tags if not EMPLOYMENT_TAG.match(tag)],
        )


def _salary(item: dict[str, Any]) -> Salary | None:
    return salary_from_amounts(
        low=item.get("salary_min"), high=item.get("salary_max"), currency="USD", period="year"
    )
