"""Source adapters by kind. Each module declares one adapter; `adapter_for` builds one."""

from __future__ import annotations

from typing import Any

from jobtracker.listings.sources.ashby import AshbySource
from jobtracker.listings.sources.base import SourceAdapter
from jobtracker.listings.sources.fake import FakeFeed, FakeSource
from jobtracker.listings.sources.greenhouse import GreenhouseSource
from jobtracker.listings.sources.indeed_xml import IndeedXml
from jobtracker.listings.sources.jobicy import JobicySource
from jobtracker.listings.sources.jsonld_page import JsonLdPage
from jobtracker.listings.sources.lever import LeverSource
from jobtracker.listings.sources.personio_xml import PersonioXml
from jobtracker.listings.sources.remoteok import RemoteOkSource
from jobtracker.listings.sources.remotive import RemotiveSource
from jobtracker.listings.sources.rss import RssFeed

ADAPTERS: dict[str, type[SourceAdapter]] = {
    adapter.kind: adapter
    for adapter in (
        FakeSource,
        FakeFeed,
        GreenhouseSource,
        LeverSource,
        AshbySource,
        JobicySource,
        RemotiveSource,
        RemoteOkSource,
        RssFeed,
        IndeedXml,
        PersonioXml,
        JsonLdPage,
    )
}


def adapter_for(kind: str, config: dict[str, Any], *, company: str | None = None) -> SourceAdapter:
    """The adapter of this kind with this config (a KeyError for an unknown kind, a pydantic
    ValidationError for a bad config)."""
    return ADAPTERS[kind](config, company=company)
