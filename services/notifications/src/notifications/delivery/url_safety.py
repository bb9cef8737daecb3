"""Which webhook URLs and addresses the sender may reach.

A subscriber chooses the URL, so without these checks a webhook could make the service call its
own network (server-side request forgery). Refused unless the policy's allowlist permits them:
private (RFC 1918, fc00::/7), loopback, link-local (169.254/16, fe80::/10), unspecified,
multicast, shared CGNAT (100.64/10), the reserved and documentation ranges, and any address not
globally routable. IPv6 forms that carry an IPv4 address (IPv4-mapped ``::ffff:a.b.c.d``,
IPv4-compatible, 6to4 ``2002::/16`` and NAT64 ``64:ff9b::/96``) are judged by that address too.

A hostname is resolved and **every** address it resolves to is checked; one bad address refuses the
host, so a name cannot mix a public address with an internal one. The transport then connects to
an address from that same checked answer (see :mod:`notifications.delivery.transport`), so DNS
cannot change between the check and the connection.
"""

from __future__ import annotations

import asyncio
import re
import socket
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from functools import cache
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network

import httpx

IPAddress = IPv4Address | IPv6Address
IPNetwork = IPv4Network | IPv6Network
Resolver = Callable[[str, int], Awaitable[Sequence[str]]]

_REFUSED_RANGES: tuple[tuple[str, str], ...] = (
    ("0.0.0.0/8", "unspecified"),
    ("10.0.0.0/8", "private"),
    ("100.64.0.0/10", "shared (CGNAT)"),
    ("127.0.0.0/8", "loopback"),
    ("169.254.0.0/16", "link-local"),
    ("172.16.0.0/12", "private"),
    ("192.0.0.0/24", "reserved"),
    ("192.168.0.0/16", "private"),
    ("198.18.0.0/15", "reserved"),
    ("224.0.0.0/4", "multicast"),
    ("240.0.0.0/4", "reserved"),
    ("::/128", "unspecified"),
    ("::1/128", "loopback"),
    ("::/96", "IPv4-compatible"),
    ("100::/64", "reserved"),
    ("fc00::/7", "unique local"),
    ("fe80::/10", "link-local"),
    ("fec0::/10", "site-local"),
    ("ff00::/8", "multicast"),
)
_NAT64 = IPv6Network("64:ff9b::/96")
_LABEL = re.compile(r"[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?")


class UnsafeUrlError(Exception):
    """A webhook URL or the address it resolves to is not a permitted destination."""


@dataclass(frozen=True, slots=True)
class UrlPolicy:
    """What the sender may reach: https only in production, plus allowlisted networks."""

    require_https: bool = True
    allowed_networks: tuple[IPNetwork, ...] = ()

    @property
    def schemes(self) -> frozenset[str]:
        """The URL schemes this policy accepts."""
        return frozenset({"https"}) if self.require_https else frozenset({"https", "http"})


def loopback_networks() -> tuple[IPNetwork, ...]:
    """Return the loopback networks, for the allowlist of tests and the embedded mode."""
    return (ip_network("127.0.0.0/8"), ip_network("::1/128"))


def check_url(url: httpx.URL | str, policy: UrlPolicy) -> httpx.URL:
    """Return the parsed URL if its scheme, host and form are acceptable, else raise."""
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as error:
        raise UnsafeUrlError(f"invalid webhook URL: {error}") from error
    if parsed.scheme not in policy.schemes:
        allowed = " or ".join(sorted(policy.schemes))
        raise UnsafeUrlError(f"webhook URL scheme must be {allowed}, not {parsed.scheme!r}")
    if not parsed.host:
        raise UnsafeUrlError("webhook URL has no host")
    if not _is_host(parsed.raw_host.decode("ascii")):
        raise UnsafeUrlError(f"webhook URL host {parsed.host!r} is not a hostname or IP address")
    if parsed.userinfo:
        raise UnsafeUrlError("webhook URL must not carry credentials; the signature authenticates")
    return parsed


def refusal_reason(address: IPAddress, policy: UrlPolicy) -> str | None:
    """Return why ``address`` may not be reached, or None if it may."""
    for candidate in _views(address):
        if any(candidate in network for network in policy.allowed_networks):
            continue
        reason = _range_reason(candidate)
        if reason is not None:
            return f"{candidate} is {reason}"
    return None


async def resolve_checked(
    host: str, port: int, *, policy: UrlPolicy, resolver: Resolver
) -> list[IPAddress]:
    """Return every address of ``host``, all checked; raise UnsafeUrlError if any is refused."""
    addresses = await _addresses(host, port, resolver)
    if not addresses:
        raise OSError(f"{host} resolved to no addresses")
    for address in addresses:
        reason = refusal_reason(address, policy)
        if reason is not None:
            raise UnsafeUrlError(f"refused destination {host}: {reason}")
    return addresses


async def system_resolver(host: str, port: int) -> list[str]:
    """Resolve ``host`` with the operating system's resolver."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def _is_host(host: str) -> bool:
    """Whether ``host`` is an IP address or a DNS name of well-formed labels."""
    try:
        ip_address(host)
    except ValueError:
        labels = host.removesuffix(".").split(".")
        return len(host) <= 253 and all(_LABEL.fullmatch(label) for label in labels)
    return True


async def _addresses(host: str, port: int, resolver: Resolver) -> list[IPAddress]:
    """Return the distinct addresses of a literal or a resolved hostname, in resolver order."""
    try:
        return [ip_address(host)]
    except ValueError:
        pass
    resolved = [ip_address(raw) for raw in await resolver(host, port)]
    return list(dict.fromkeys(resolved))


def _views(address: IPAddress) -> list[IPAddress]:
    """Return the addresses to judge: the address itself and any IPv4 address it carries."""
    if isinstance(address, IPv4Address):
        return [address]
    if address.ipv4_mapped is not None:
        return [address.ipv4_mapped]
    embedded = address.sixtofour
    if embedded is None and address in _NAT64:
        embedded = IPv4Address(int(address) & 0xFFFFFFFF)
    return [address] if embedded is None else [address, embedded]


@cache
def _refused_networks() -> tuple[tuple[IPNetwork, str], ...]:
    """Return the refused ranges, parsed once."""
    return tuple((ip_network(cidr), reason) for cidr, reason in _REFUSED_RANGES)


def _range_reason(address: IPAddress) -> str | None:
    """Return the name of the refused range holding ``address``, or None."""
    for network, reason in _refused_networks():
        if address in network:
            return reason
    if not address.is_global:
        return "not globally routable"
    return None
