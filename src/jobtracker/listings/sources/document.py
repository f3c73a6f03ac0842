"""Sources that are one document at one URL (a feed, a careers page): where it is fetched from,
its download with the validators, and how to tell it from what stands in for it when a fetch
goes wrong (an HTML error or bot-challenge page served with 200, an empty body).

Used by the XML and page adapters (`rss`, `indeed_xml`, `personio_xml`, `jsonld_page`).
"""

from __future__ import annotations

import re
from abc import abstractmethod
from collections.abc import Callable, Collection
from pathlib import Path
from typing import ClassVar, cast

from lxml import etree

from jobtracker.kit.http import FetchResult, GuardedClient
from jobtracker.listings.sources.base import (
    Download,
    FeedConfig,
    InvalidFeed,
    SourceAdapter,
    vendor_url,
)
from jobtracker.listings.sources.xml_stream import XML_OPTIONS, local_name

Check = Callable[[Path, FetchResult], None]
SNIFF_BYTES = 64 * 1024
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_HTML_START = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)[\s>]", re.I | re.S)
# What the pages of bot walls say (Cloudflare, Imperva/Incapsula, DataDome, PerimeterX,
# Akamai, AWS WAF, Sucuri): such a page arrives with 200 where the careers page was expected.
CHALLENGE_MARKERS = {
    "cf-browser-verification": "Cloudflare", "challenge-platform": "Cloudflare",
    "cf_chl_opt": "Cloudflare", "<title>just a moment...</title>": "Cloudflare",
    "attention required! | cloudflare": "Cloudflare", "_incapsula_resource": "Incapsula",
    "incapsula incident id": "Incapsula", "captcha-delivery.com": "DataDome",
    "px-captcha": "PerimeterX", "_pxcaptcha": "PerimeterX", "awswafintegration": "AWS WAF",
    "sucuri website firewall": "Sucuri",
    "<title>access denied</title>": "a web application firewall",
}  # fmt: skip


class DocumentSource(SourceAdapter):
    """An adapter whose source is one document at its config `url` (fetched from `base_url`
    when set). Subclasses set `accept` (the Accept header) and write `check`, which raises
    `InvalidFeed` when the answer is not the document they read; they inherit `download`."""

    Config = FeedConfig
    accept: ClassVar[str]

    @abstractmethod
    def check(self, path: Path, result: FetchResult) -> None: ...

    @property
    def feed_config(self) -> FeedConfig:
        return cast(FeedConfig, self.config)

    def download(
        self, client: GuardedClient, folder: Path, *, etag: str | None, last_modified: str | None
    ) -> Download:
        config = self.feed_config
        url = vendor_url(str(config.url), str(config.base_url) if config.base_url else None)
        return download_document(
            client, url, folder, accept=self.accept, check=self.check,
            etag=etag, last_modified=last_modified,
        )  # fmt: skip


def download_document(
    client: GuardedClient,
    url: str,
    folder: Path,
    *,
    accept: str,
    check: Check,
    etag: str | None,
    last_modified: str | None,
) -> Download:
    """The document at `url` in one file of `folder`, or `not_modified` after a 304; `check`
    raises `InvalidFeed` when the answer is not the document expected."""
    path = folder / "document"
    with path.open("wb") as out:
        result = client.download(url, out, accept=accept, etag=etag, last_modified=last_modified)
    if result.not_modified:
        path.unlink(missing_ok=True)
        return Download(etag=result.etag, last_modified=result.last_modified, not_modified=True)
    check(path, result)
    return Download(files=[path], etag=result.etag, last_modified=result.last_modified)


def expect_xml(path: Path, result: FetchResult, *, roots: Collection[str], what: str) -> None:
    """`InvalidFeed` unless the document is XML whose root element has one of these local
    names.

    It reads what came, not the Content-Type: feeds are served as text/xml, application/rss+xml,
    text/plain or even text/html, and a bot-challenge page is HTML whatever it claims."""
    root = root_name(path)
    if root in roots:
        return
    if root == "html" or _looks_like_html(path):
        raise InvalidFeed(f"{result.url} answered with an HTML page where {what} was expected")
    found = f"a <{root}> document" if root else "no XML document"
    raise InvalidFeed(f"{result.url} answered with {found} where {what} was expected")


def expect_html_page(path: Path, result: FetchResult) -> None:
    """The check of a careers page: HTML (or no Content-Type), not empty, and not a bot wall's
    challenge page."""
    if result.content_type and result.content_type not in HTML_TYPES:
        raise InvalidFeed(f"{result.url} answered {result.content_type} where a page was expected")
    with path.open("rb") as page:
        head = page.read(SNIFF_BYTES)
    if not head.strip():
        raise InvalidFeed(f"{result.url} answered with an empty page")
    wall = challenge_in(head.decode("utf-8", "replace"))
    if wall:
        raise InvalidFeed(f"{result.url} answered with a bot-challenge page ({wall})")


def challenge_in(html_head: str) -> str | None:
    """The bot wall whose challenge page this is (from its first bytes), or None."""
    folded = html_head.lower()
    return next((wall for marker, wall in CHALLENGE_MARKERS.items() if marker in folded), None)


def root_name(path: Path) -> str | None:
    """The local name of the document's root element; None when the file is not XML."""
    try:
        with path.open("rb") as source:
            for _, element in etree.iterparse(source, events=("start",), **XML_OPTIONS):
                return local_name(element)
    except etree.XMLSyntaxError:
        return None
    return None


def _looks_like_html(path: Path) -> bool:
    with path.open("rb") as document:
        return bool(_HTML_START.match(document.read(SNIFF_BYTES).lstrip(b"\xef\xbb\xbf")))
