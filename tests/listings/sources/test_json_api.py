"""What every JSON-API kind does alike: the vendor's address, conditional requests, an empty
board, and the failure shapes of feeds.md §0 and §10.8, each kind against a local server."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from pydantic import HttpUrl

from jobtracker.kit.http import GuardedClient
from jobtracker.listings.schemas import ItemError
from jobtracker.listings.sources import ADAPTERS
from jobtracker.listings.sources.ashby import AshbySource
from jobtracker.listings.sources.base import InvalidFeed, SourceAdapter, vendor_url
from jobtracker.listings.sources.greenhouse import GreenhouseSource
from jobtracker.listings.sources.jobicy import JobicySource
from jobtracker.listings.sources.lever import LeverSource
from jobtracker.listings.sources.remoteok import RemoteOkSource
from jobtracker.listings.sources.remotive import RemotiveSource
from jobtracker.tasks.errors import classify
from tests.kit.http.conftest import LocalServer
from tests.listings.sources.conftest import ETAG, LAST_MODIFIED, adapter, fetch, fixture, serve


@dataclass(frozen=True)
class Kind:
    source: type[SourceAdapter]
    config: dict[str, str]
    path: str  # the vendor's path, served under base_url
    query: str
    board: str  # a fixture of a normal board
    empty: str  # a valid board without postings

    def adapter(self, server: LocalServer) -> SourceAdapter:
        return adapter(self.source, server, **self.config)

    @property
    def is_array(self) -> bool:
        return self.empty.startswith("[")


KINDS = {
    "greenhouse": Kind(GreenhouseSource, {"board": "northwindrobotics"},
                       "/v1/boards/northwindrobotics/jobs", "content=true", "greenhouse.json",
                       '{"jobs": [], "meta": {"total": 0}}'),
    "lever": Kind(LeverSource, {"board": "bluefinlabs"}, "/v0/postings/bluefinlabs",
                  "mode=json", "lever.json", "[]"),
    "ashby": Kind(AshbySource, {"board": "maplecart"}, "/posting-api/job-board/maplecart",
                  "includeCompensation=true", "ashby.json", '{"apiVersion": "1", "jobs": []}'),
    "jobicy": Kind(JobicySource, {}, "/api/v2/remote-jobs", "count=50", "jobicy-2.json",
                   fixture("jobicy-empty.json").decode()),
    "remotive": Kind(RemotiveSource, {}, "/api/remote-jobs", "", "remotive.json",
                     '{"0-legal-notice": "Credit Remotive.", "job-count": 0, "jobs": []}'),
    "remoteok": Kind(RemoteOkSource, {}, "/api", "", "remoteok.json",
                     '[{"last_updated": 1773000000, "legal": "Link back to Remote OK."}]'),
}  # fmt: skip
SINGLE_PAGE = [name for name in KINDS if name != "jobicy"]  # Jobicy reads its pages as it goes
OBJECTS = [name for name, kind in KINDS.items() if not kind.is_array]  # {"jobs": [...]}
every_kind = pytest.mark.parametrize("kind", list(KINDS.values()), ids=list(KINDS))


class TestRegistry:
    def test_every_json_kind_is_registered_with_its_removal_rule(self) -> None:
        snapshots = {name: ADAPTERS[name].snapshot for name in KINDS}
        assert snapshots == {"greenhouse": True, "lever": True, "ashby": True,
                             "jobicy": False, "remotive": True, "remoteok": False}  # fmt: skip


class TestDownload:
    @every_kind
    def test_it_asks_the_vendors_api_address_for_json(
        self, kind: Kind, server: LocalServer, guarded: GuardedClient, tmp_path: Path
    ) -> None:
        serve(server, kind.path, fixture(kind.board))
        download = kind.adapter(server).download(guarded, tmp_path, etag=None, last_modified=None)
        assert server.paths() == [kind.path + (f"?{kind.query}" if kind.query else "")]
        assert server.seen[0].headers["Accept"] == "application/json"
        assert server.seen[0].headers["User-Agent"].startswith("Jobtracker/")
        assert download.complete and not download.not_modified
        assert [path.read_bytes() for path in download.files] == [fixture(kind.board)]

    @every_kind
    def test_a_second_download_with_the_validators_is_not_modified(
        self, kind: Kind, server: LocalServer, guarded: GuardedClient, tmp_path: Path
    ) -> None:
        serve(server, kind.path, fixture(kind.board))
        source = kind.adapter(server)
        first = source.download(guarded, tmp_path, etag=None, last_modified=None)
        assert (first.etag, first.last_modified) == (ETAG, LAST_MODIFIED)
        again = source.download(guarded, tmp_path, etag=first.etag, last_modified=LAST_MODIFIED)
        assert again.not_modified and again.files == []
        assert (again.etag, again.last_modified) == (ETAG, LAST_MODIFIED)
        assert server.seen[1].headers["If-None-Match"] == ETAG
        assert server.seen[1].headers["If-Modified-Since"] == LAST_MODIFIED

    @every_kind
    def test_an_unknown_board_is_a_404_that_is_not_retried(
        self, kind: Kind, server: LocalServer, guarded: GuardedClient, tmp_path: Path
    ) -> None:
        with pytest.raises(httpx.HTTPStatusError) as raised:
            kind.adapter(server).download(guarded, tmp_path, etag=None, last_modified=None)
        assert raised.value.response.status_code == 404
        assert not classify(raised.value).transient

    @every_kind
    def test_too_many_requests_is_retried_when_the_vendor_says(
        self, kind: Kind, server: LocalServer, guarded: GuardedClient, tmp_path: Path
    ) -> None:
        body = b'{"message": "Too many requests, slow down."}'
        serve(server, kind.path, body, status=429, headers={"Retry-After": "120"})
        with pytest.raises(httpx.HTTPStatusError) as raised:
            kind.adapter(server).download(guarded, tmp_path, etag=None, last_modified=None)
        verdict = classify(raised.value)
        assert (verdict.transient, verdict.retry_after) == (True, 120.0)

    @every_kind
    def test_a_challenge_page_served_with_200_is_an_invalid_feed(
        self, kind: Kind, server: LocalServer, guarded: GuardedClient, tmp_path: Path
    ) -> None:
        page = fixture("cloudflare-challenge.html")
        serve(server, kind.path, page, content_type="text/html; charset=UTF-8")
        with pytest.raises(InvalidFeed, match="text/html where JSON was expected"):
            kind.adapter(server).download(guarded, tmp_path, etag=None, last_modified=None)

    @every_kind
    def test_a_challenge_page_labelled_as_json_is_an_invalid_feed(
        self, kind: Kind, server: LocalServer, guarded: GuardedClient, tmp_path: Path
    ) -> None:
        serve(server, kind.path, b"\n  " + fixture("cloudflare-challenge.html"))
        with pytest.raises(InvalidFeed, match="markup, not JSON"):
            kind.adapter(server).download(guarded, tmp_path, etag=None, last_modified=None)

    @every_kind
    def test_an_empty_body_is_an_invalid_feed_not_an_empty_board(
        self, kind: Kind, server: LocalServer, guarded: GuardedClient, tmp_path: Path
    ) -> None:
        serve(server, kind.path, b"")
        with pytest.raises(InvalidFeed, match="empty body"):
            kind.adapter(server).download(guarded, tmp_path, etag=None, last_modified=None)

    @every_kind
    def test_json_of_another_shape_is_an_invalid_feed_not_an_empty_board(
        self, kind: Kind, server: LocalServer, guarded: GuardedClient, tmp_path: Path
    ) -> None:
        other = '{"ok": false, "error": "Document not found"}' if kind.is_array else "[]"
        serve(server, kind.path, other.encode())
        with pytest.raises(InvalidFeed, match=r"not an? (array|object)"):
            kind.adapter(server).download(guarded, tmp_path, etag=None, last_modified=None)


class TestParse:
    @every_kind
    def test_a_valid_empty_board_yields_nothing(
        self, kind: Kind, server: LocalServer, guarded: GuardedClient, tmp_path: Path
    ) -> None:
        serve(server, kind.path, kind.empty.encode())
        download, items = fetch(kind.adapter(server), guarded, tmp_path)
        assert download.complete and items == []

    @pytest.mark.parametrize("kind", [KINDS[name] for name in OBJECTS], ids=OBJECTS)
    def test_an_error_object_never_passes_for_an_empty_board(
        self, kind: Kind, server: LocalServer, guarded: GuardedClient, tmp_path: Path
    ) -> None:
        serve(server, kind.path, b'{"status": 404, "error": "Board not found"}')
        with pytest.raises(InvalidFeed, match="jobs"):
            fetch(kind.adapter(server), guarded, tmp_path)

    @pytest.mark.parametrize("kind", [KINDS[name] for name in SINGLE_PAGE], ids=SINGLE_PAGE)
    def test_a_truncated_document_keeps_the_postings_before_the_cut(
        self, kind: Kind, server: LocalServer, guarded: GuardedClient, tmp_path: Path
    ) -> None:
        whole = fixture(kind.board)
        (tmp_path / "whole.json").write_bytes(whole)
        source = kind.adapter(server)
        every = [item.external_id for item in source.parse([tmp_path / "whole.json"])]
        serve(server, kind.path, whole[: len(whole) * 2 // 3])
        download = source.download(guarded, tmp_path, etag=None, last_modified=None)
        read = []
        with pytest.raises(InvalidFeed, match="cut short"):
            read.extend(item.external_id for item in source.parse(download.files))
        assert read and read == every[: len(read)] and len(read) < len(every)

    @every_kind
    def test_a_posting_that_is_not_an_object_is_an_item_error_and_the_rest_are_read(
        self, kind: Kind, tmp_path: Path, server: LocalServer
    ) -> None:
        document = json.loads(fixture(kind.board))
        postings = document if kind.is_array else document["jobs"]
        postings.insert(len(postings), "not a posting")
        path = tmp_path / "board.json"
        path.write_text(json.dumps(document))
        items = list(kind.adapter(server).parse([path]))
        assert items[-1] == ItemError(external_id=None, reason="the posting is not a JSON object")
        assert len([item for item in items if not isinstance(item, ItemError)]) >= 2


class TestVendorUrl:
    API = "https://boards-api.greenhouse.io/v1/boards/acme/jobs?content=true"

    def test_the_base_url_replaces_scheme_and_host(self) -> None:
        local = vendor_url(self.API, HttpUrl("http://127.0.0.1:8123"))
        assert local == "http://127.0.0.1:8123/v1/boards/acme/jobs?content=true"

    def test_a_base_url_with_a_path_is_a_prefix(self) -> None:
        mirrored = vendor_url(self.API, HttpUrl("https://mirror.example.org/greenhouse/"))
        assert mirrored == "https://mirror.example.org/greenhouse/v1/boards/acme/jobs?content=true"

    def test_without_a_base_url_the_vendors_address_stands(self) -> None:
        assert vendor_url(self.API, None) == self.API
