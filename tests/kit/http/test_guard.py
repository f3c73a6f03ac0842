"""The SSRF guard: non-public addresses refused unless allow-listed, on every hop, connecting to
the very address that was checked."""

from __future__ import annotations

import ipaddress
import pickle
import socket
from collections.abc import Sequence

import httpx
import pytest

from jobtracker.config import Settings
from jobtracker.kit.http import Allowlist, BlockedAddress, GuardedClient, HostStates
from jobtracker.kit.http.guard import IPAddress, refusal
from jobtracker.tasks.errors import classify
from tests.kit.http.conftest import LocalServer, local_options


class Records:
    """A DNS of the test's own: names to addresses, counting the lookups."""

    def __init__(self, records: dict[str, list[str]]) -> None:
        self.records = records
        self.lookups: list[str] = []

    def __call__(self, host: str, port: int) -> Sequence[IPAddress]:
        self.lookups.append(host)
        if host not in self.records:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [ipaddress.ip_address(address) for address in self.records[host]]


def guarded(hosts: HostStates, allow: list[str], records: Records | None = None) -> GuardedClient:
    options = local_options(allowlist=Allowlist.from_entries(allow))
    if records is None:
        return GuardedClient(options, hosts=hosts)
    return GuardedClient(options, hosts=hosts, resolver=records)


class TestRefusedAddresses:
    def test_loopback_is_refused_without_the_allowlist(
        self, server: LocalServer, hosts: HostStates
    ) -> None:
        server.reply("/feed", body=b"secret")
        with guarded(hosts, []) as client, pytest.raises(BlockedAddress) as error:
            client.fetch(server.url("/feed"))
        assert "loopback" in str(error.value)
        assert error.value.url == server.url("/feed")
        assert server.seen == []
        assert not classify(error.value).transient

    def test_localhost_is_refused_once_resolved(
        self, server: LocalServer, hosts: HostStates
    ) -> None:
        with guarded(hosts, []) as client, pytest.raises(BlockedAddress) as error:
            client.fetch(server.url("/feed", host="localhost"))
        assert "localhost resolves to" in str(error.value)
        assert server.seen == []

    @pytest.mark.parametrize(
        "url",
        [
            "http://[::1]/",
            "http://0.0.0.0/",
            "http://169.254.169.254/latest/meta-data/",
            "http://10.0.0.1/",
            "http://192.168.1.1/",
            "http://100.64.0.1/",  # carrier-grade NAT
            "http://224.0.0.1/",
            "http://[::ffff:127.0.0.1]/",  # IPv4-mapped
            "http://[64:ff9b::a9fe:a9fe]/",  # NAT64 to 169.254.169.254
            "http://[2002:7f00:1::]/",  # 6to4 of 127.0.0.1
            "http://[fe80::1]/",
            "http://[fc00::1]/",
        ],
    )
    def test_non_public_addresses_are_refused(self, hosts: HostStates, url: str) -> None:
        with guarded(hosts, []) as client, pytest.raises(BlockedAddress):
            client.fetch(url)

    @pytest.mark.parametrize(
        "url", ["ftp://feeds.example.com/jobs.xml", "file:///etc/passwd", "jobs.example.com/feed"]
    )
    def test_only_http_and_https_are_fetched(self, hosts: HostStates, url: str) -> None:
        with guarded(hosts, []) as client, pytest.raises(BlockedAddress, match="only http"):
            client.fetch(url)

    def test_an_invalid_address_is_refused(self, hosts: HostStates) -> None:
        with guarded(hosts, []) as client, pytest.raises(BlockedAddress, match="not a valid"):
            client.fetch("http://jobs.example.com/feed\n")

    def test_a_name_with_one_private_record_among_public_ones_is_refused(
        self, hosts: HostStates
    ) -> None:
        records = Records({"jobs.example.com": ["93.184.216.34", "10.0.0.5"]})
        with guarded(hosts, [], records) as client, pytest.raises(BlockedAddress) as error:
            client.fetch("http://jobs.example.com/careers")
        assert "10.0.0.5, a private address" in str(error.value)


class TestAllowlist:
    @pytest.mark.parametrize("entry", ["127.0.0.1", "127.0.0.0/8"])
    def test_an_allow_listed_address_or_range_is_fetched(
        self, server: LocalServer, entry: str
    ) -> None:
        server.reply("/feed", body=b"jobs")
        settings = Settings(outbound_allowlist=[entry])
        with GuardedClient.from_settings(settings) as client:
            assert client.fetch(server.url("/feed")).body == b"jobs"

    def test_the_app_itself_is_reachable_on_its_own_port_only(
        self, server: LocalServer, other_server: LocalServer
    ) -> None:
        server.reply("/samples/feed", body=b"jobs")
        other_server.reply("/admin", body=b"secret")
        settings = Settings(base_url=server.url("/"))  # the app's own address, no allowlist
        with GuardedClient.from_settings(settings) as client:
            assert client.fetch(server.url("/samples/feed")).body == b"jobs"
            with pytest.raises(BlockedAddress):
                client.fetch(other_server.url("/admin"))

    def test_a_redirect_from_an_allowed_host_to_a_refused_one_is_refused(
        self, server: LocalServer, client: GuardedClient
    ) -> None:
        server.redirect("/feed", "http://169.254.169.254/latest/meta-data/")
        with pytest.raises(BlockedAddress) as error:
            client.fetch(server.url("/feed"))
        assert error.value.url == "http://169.254.169.254/latest/meta-data/"
        assert "link-local" in str(error.value)

    def test_an_allowed_name_does_not_allow_its_address_under_another_name(
        self, server: LocalServer, hosts: HostStates
    ) -> None:
        server.reply("/feed", body=b"jobs")
        server.redirect("/elsewhere", server.url("/feed"))
        with guarded(hosts, ["localhost"]) as client:
            assert client.fetch(server.url("/feed", host="localhost")).body == b"jobs"
            with pytest.raises(BlockedAddress):
                client.fetch(server.url("/elsewhere", host="localhost"))


class TestPinnedConnection:
    def test_the_connection_goes_to_the_address_checked_with_the_name_kept(
        self, server: LocalServer, hosts: HostStates
    ) -> None:
        # Only this resolver knows feeds.test: the fetch works only if the socket goes to the
        # address the guard checked rather than to a second lookup of the name.
        records = Records({"feeds.test": ["127.0.0.1"]})
        server.reply("/jobs.xml", body=b"<source/>")
        with guarded(hosts, ["127.0.0.1/32"], records) as client:
            result = client.fetch(server.url("/jobs.xml", host="feeds.test"))
        assert result.body == b"<source/>"
        assert server.seen[0].headers["Host"] == f"feeds.test:{server.port}"
        assert records.lookups == ["feeds.test"]

    def test_an_unknown_name_is_a_connection_error(self, hosts: HostStates) -> None:
        with guarded(hosts, [], Records({})) as client, pytest.raises(httpx.ConnectError):
            client.fetch("http://nowhere.test/feed")

    def test_proxies_from_the_environment_are_not_used(
        self,
        server: LocalServer,
        other_server: LocalServer,
        hosts: HostStates,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        monkeypatch.setenv("HTTP_PROXY", other_server.url())
        monkeypatch.setenv("ALL_PROXY", other_server.url())
        server.reply("/feed", body=b"direct")
        with guarded(hosts, ["127.0.0.1"]) as client:
            assert client.fetch(server.url("/feed")).body == b"direct"
        assert other_server.seen == []


class TestRefusal:
    @pytest.mark.parametrize(
        ("address", "reason"),
        [
            ("127.0.0.1", "loopback"),
            ("169.254.169.254", "link-local"),
            ("0.0.0.0", "unspecified"),  # noqa: S104 - an address to refuse, not to bind
            ("10.1.2.3", "private"),
            ("::ffff:192.168.0.1", "private"),
            ("239.255.255.250", "multicast"),
            ("240.0.0.1", "reserved"),
            ("93.184.216.34", None),
            ("::ffff:93.184.216.34", None),
            ("2606:4700::1111", None),
        ],
    )
    def test_each_address_is_named_for_what_it_is(self, address: str, reason: str | None) -> None:
        assert refusal(ipaddress.ip_address(address)) == reason

    def test_a_refusal_survives_pickling(self) -> None:
        error = BlockedAddress("http://10.0.0.1/", "10.0.0.1 is a private address")
        copy = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own bytes
        assert (copy.url, str(copy)) == (error.url, str(error))
