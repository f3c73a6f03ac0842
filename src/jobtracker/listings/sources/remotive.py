"""The Remotive API (feeds.md §6a): `config = {}` for `https://remotive.com/api/remote-jobs`,
or `{"url": "https://remotive.com/api/remote-jobs?category=software-dev"}` for a filter.

One response holds every active job (of the filter): a full snapshot, so a job missing from
two complete fetches is taken down (feeds.md §0). `limit` is refused in the url: a list cut
at N jobs is not the whole board and would take the rest down. Remotive blocks more than 2
requests a minute and advises about 4 a day: schedule it every few hours.

Quirks: the envelope is `{"0-legal-notice": "...", "job-count": N, "jobs": [...]}`;
`publication_date` is naive ("2026-03-01T10:23:26"), read as UTC; every job is remote and
`candidate_required_location` ("Worldwide", "USA", "Europe, UK") is the region it is open to
(the remote scope, kept as its location too); `salary` is free text ("$40,000 - $50,000",
often empty); `job_type` is `full_time|contract|part_time|freelance|internship|other` or
empty; `tags[]` are its skills.
"""

from __future__ import annotations

from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit

from pydantic import HttpUrl, field_validator

from jobtracker.listings.normalize import build_record, infer_workplace
from jobtracker.listings.sources.base import vendor_url
from jobtracker.listings.sources.json_api import (
    ItemOutcome,
    JsonApiSource,
    OptionalUrlConfig,
    text,
    texts,
)

API = "https://remotive.com/api/remote-jobs"


class RemotiveConfig(OptionalUrlConfig):
    @field_validator("url")
    @classmethod
    def _whole_board(cls, url: HttpUrl | None) -> HttpUrl | None:
        if url is not None and "limit" in parse_qs(urlsplit(str(url)).query):
            raise ValueError("leave out `limit`: Remotive is read as a whole board")
        return url


class RemotiveSource(JsonApiSource):
    """The Remotive API as one snapshot; see the module's docstring for its quirks."""

    kind: ClassVar[str] = "remotive"
    snapshot: ClassVar[bool] = True
    Config = RemotiveConfig

    def source_url(self) -> str:
        url = str(self.config.url or API)  # type: ignore[attr-defined]
        return vendor_url(url, self.config.base_url)

    def record(self, item: dict[str, Any]) -> ItemOutcome:
        region = text(item.get("candidate_required_location"))
        workplace, scope = infer_workplace(remote=True, texts=[region] if region else [])
        return build_record(
            source_kind=self.kind,
            external_id=text(item.get("id")),
            title=text(item.get("title")),
            url=text(item.get("url")),
            company=text(item.get("company_name")),
            locations=[region] if region else [],
            workplace=workplace,
            remote_scope=scope,
            employment_type=text(item.get("job_type")),
            description_html=text(item.get("description")),
            salary=text(item.get("salary")),
            posted=text(item.get("publication_date")),
            skills=texts(item.get("tags")),
        )
