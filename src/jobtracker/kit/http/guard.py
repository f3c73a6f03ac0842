"""The SSRF guard: which addresses the client may connect to, checked where it connects.

Every connection the client opens goes through `GuardedBackend.connect_tcp`, which resolves the
host once, refuses it unless every address is public or allow-listed, and then connects to one of
exactly those addresses. Checking the URL beforehand and letting the HTTP library resolve the name
again would leave a window in which DNS could answer differently (DNS rebinding); rewriting the
URL to the checked IP would close the window but break TLS, since the connection pool keys
connections by origin and could then reuse one host's TLS connection (and certificate check) for
another host on the same IP. A network backend keeps the URL, the Host header, SNI and certificate
verification exactly as they are and only decides where the socket goes.
"""

from __future__ import annotations

import ipaddress
import socket
import typing
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpcore
import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], Sequence[IPAddress]]

NAT64 = ipaddress.IPv6Network("64:ff9b::/96")

# In this order, so that 169.254.169.254 is called link-local rather than just private.
_REASONS: tuple[tuple[str, Callable[[IPAddress], bool]], ...] = (
    ("unspecified", lambda address: address.is_unspecified),
    ("loopback", lambda address: address.is_loopback),
    ("link-local", lambda address: address.is_link_local),
    ("multicast", lambda address: address.is_multicast),
    ("reserved", lambda address: address.is_reserved),
    ("private", lambda address: address.is_private),
    ("non-public", lambda address: not address.is_global),
)


class Refused(Exception):
    """Raised inside the connection pool with the reason only; the client, which knows the URL,
    turns it into `BlockedAddress`."""


def system_resolver(host: str, port: int) -> list[IPAddress]:
    """Every A and AAAA record of `host`; an IP literal resolves to itself."""
    records = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(ipaddress.ip_address(str(record[4][0])) for record in records))


def embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries (IPv4-mapped, 6to4, NAT64) and leads to."""
    if isinstance(address, ipaddress.IPv4Address):
        return None
    if address in NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address.ipv4_mapped or address.sixtofour


def refusal(address: IPAddress) -> str | None:
    """Why the address is not a public one ("loopback", "private", ...), or None if it is."""
    target = embedded_ipv4(address) or address
    return next((reason for reason, applies in _REASONS if applies(target)), None)


@dataclass(frozen=True)
class Allowlist:
    """Hosts and ranges the guard lets through although they are not public."""

    hosts: frozenset[str] = frozenset()
    networks: tuple[IPNetwork, ...] = ()
    # Exact (host, port) pairs: the app itself, whose own address may well be loopback.
    origins: frozenset[tuple[str, int]] = frozenset()

    @classmethod
    def from_entries(cls, entries: Iterable[str], *, own_url: str | None = None) -> Allowlist:
        """Entries as the settings validate them: host names, addresses and CIDR ranges; and
        `own_url`, the app's public address, admitted on its own port only (the demo serves
        its sample feeds from the app itself)."""
        hosts: set[str] = set()
        networks: list[IPNetwork] = []
        for entry in entries:
            try:
                networks.append(ipaddress.ip_network(entry.strip("[]")))
            except ValueError:
                hosts.add(entry.lower().rstrip("."))
        return cls(frozenset(hosts), tuple(networks), _origins(own_url))

    def admits_host(self, host: str, port: int | None = None) -> bool:
        name = host.lower().rstrip(".")
        return name in self.hosts or (name, port) in self.origins

    def admits_address(self, address: IPAddress) -> bool:
        candidates = [address, embedded_ipv4(address)]
        return any(each in network for each in candidates if each for network in self.networks)


def _origins(url: str | None) -> frozenset[tuple[str, int]]:
    if not url:
        return frozenset()
    parts = urlsplit(url)
    if not parts.hostname:
        return frozenset()
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return frozenset({(parts.hostname.lower().rstrip("."), port)})


class AddressGuard:
    """Resolves a host and says which of its addresses may be connected to."""

    def __init__(self, allowlist: Allowlist, resolver: Resolver = system_resolver) -> None:
        self._allowlist = allowlist
        self._resolver = resolver

    def addresses(self, host: str, port: int) -> Sequence[IPAddress]:
        """The host's addresses, all of them acceptable; `Refused` if any is not (an attacker
        who controls a name's records could otherwise mix a private one in)."""
        try:
            addresses = self._resolver(host, port)
        except (OSError, UnicodeError) as error:
            raise httpcore.ConnectError(f"cannot resolve {host}: {error}") from error
        if not addresses:
            raise httpcore.ConnectError(f"{host} has no address")
        if not self._allowlist.admits_host(host, port):
            for address in addresses:
                self._check(host, address)
        return addresses

    def _check(self, host: str, address: IPAddress) -> None:
        reason = refusal(address)
        if reason is None or self._allowlist.admits_address(address):
            return
        named = f"{address} is" if host == str(address) else f"{host} resolves to {address},"
        raise Refused(f"{named} a {reason} address (see JOBTRACKER_OUTBOUND_ALLOWLIST)")


class GuardedBackend(httpcore.SyncBackend):
    """httpcore's socket backend, connecting only to addresses the guard returned."""

    def __init__(self, guard: AddressGuard) -> None:
        super().__init__()
        self._guard = guard

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        failure: Exception | None = None
        for address in self._guard.addresses(host, port):
            try:
                return super().connect_tcp(
                    str(address), port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as error:
                failure = error  # the next address may answer (an IPv6 one without a route)
        raise failure or httpcore.ConnectError(f"cannot connect to {host}")


def guarded_transport(guard: AddressGuard, limits: httpx.Limits) -> httpx.HTTPTransport:
    """An httpx transport whose every connection passes the guard. Proxies from the
    environment are ignored: through a proxy, the guard would only see the proxy's address."""
    transport = httpx.HTTPTransport(trust_env=False, limits=limits)
    # httpx offers no way to hand httpcore a network backend, so its pool is replaced by one
    # built the same way with ours (httpx is pinned in uv.lock; tests/kit/http fails at once
    # if this pool stopped being the one used: a name only the test resolver knows is fetched).
    transport._pool = httpcore.ConnectionPool(
        ssl_context=httpx.create_ssl_context(trust_env=False),
        max_connections=limits.max_connections,
        max_keepalive_connections=limits.max_keepalive_connections,
        keepalive_expiry=limits.keepalive_expiry,
        network_backend=GuardedBackend(guard),
    )
    return transport
