"""Which webhook URLs the server may call: the SSRF guard.

A webhook URL is chosen by a tenant, and the server then makes requests to it from inside its
own network. Without a guard, ``http://169.254.169.254/latest/meta-data/`` hands out cloud
credentials and ``http://10.0.0.5/admin`` reaches internal services. So every address a URL
resolves to is checked *after* DNS resolution (a public name can point at a private address),
at create/update time and again before every send; the sender then connects to the very address
that was checked, so a DNS answer that changes between check and connect (rebinding) gains
nothing.

Refused unless allowed: private, loopback, link-local, unspecified, multicast, reserved and
shared (CGNAT) ranges, IPv4-mapped forms of those, and the cloud metadata endpoints.
``TASKMASTER_WEBHOOK_ALLOW_PRIVATE`` lifts the ban on non-public ranges except metadata;
``TASKMASTER_WEBHOOK_ALLOWED_NETWORKS`` lists CIDRs that are always allowed (tests allow
``127.0.0.1/32``).
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from urllib.parse import urlsplit

from taskmaster_server.settings import Settings

__all__ = ["BlockedAddress", "Resolver", "Target", "UrlPolicy", "resolve_host"]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int, float], list[IPAddress]]

METADATA_HOSTS = frozenset({"metadata.google.internal", "metadata.goog", "metadata"})
METADATA_ADDRESSES = frozenset(
    {
        ipaddress.ip_address("169.254.169.254"),  # AWS, GCP, Azure, OpenStack
        ipaddress.ip_address("169.254.170.2"),  # AWS ECS task credentials
        ipaddress.ip_address("fd00:ec2::254"),  # AWS IMDS over IPv6
        ipaddress.ip_address("100.100.100.200"),  # Alibaba Cloud
    }
)
# Sending waits for DNS as long as it waits for the endpoint. Create/update never resolve: a
# name's addresses can change before the first send anyway, every send checks them again, and
# an API call should not wait on (or leak queries to) an arbitrary resolver.
SEND_RESOLVE_TIMEOUT = 5.0
_resolver_pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="webhook-dns")


class BlockedAddress(ValueError):
    """The URL is not http(s), does not resolve, or reaches an address that is not allowed."""


def resolve_host(host: str, port: int, timeout: float) -> list[IPAddress]:
    """Every address ``host`` resolves to (``getaddrinfo``), bounded in time."""
    future = _resolver_pool.submit(socket.getaddrinfo, host, port, 0, socket.SOCK_STREAM)
    try:
        infos = future.result(timeout=timeout)
    except FutureTimeout:
        raise BlockedAddress(f"resolving {host} timed out") from None
    except OSError as exc:
        raise BlockedAddress(f"{host} does not resolve: {exc.strerror or exc}") from None
    addresses: list[IPAddress] = []
    for info in infos:
        # Strip an IPv6 zone ("fe80::1%eth0"): ip_address() refuses it.
        literal = str(info[4][0]).split("%", 1)[0]
        address = ipaddress.ip_address(literal)
        if address not in addresses:
            addresses.append(address)
    return addresses


@dataclass(frozen=True)
class Target:
    """A checked URL: where to connect (``address``) and what to call it (``host``)."""

    scheme: str
    host: str
    port: int
    address: IPAddress


class UrlPolicy:
    """The URL rules from the settings, with a resolver tests may replace."""

    def __init__(
        self,
        *,
        allow_private: bool = False,
        allowed_networks: Iterable[str] = (),
        resolver: Resolver = resolve_host,
    ) -> None:
        self.allow_private = allow_private
        self.allowed = tuple(ipaddress.ip_network(cidr, strict=False) for cidr in allowed_networks)
        self.resolver = resolver

    @classmethod
    def from_settings(cls, settings: Settings) -> UrlPolicy:
        return cls(
            allow_private=settings.webhook_allow_private,
            allowed_networks=settings.webhook_allowed_networks,
        )

    def refusal(self, address: IPAddress) -> str | None:
        """Why ``address`` may not be called, or ``None`` when it may."""
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        if any(address.version == net.version and address in net for net in self.allowed):
            return None
        if address in METADATA_ADDRESSES:
            return f"{address} is a cloud metadata address"
        if address.is_global and not address.is_multicast:
            return None
        if self.allow_private and not (address.is_multicast or address.is_unspecified):
            return None
        return f"{address} is not a public address"

    def check_host(self, host: str) -> None:
        """Refuse names that are never public, before any DNS query."""
        name = host.lower().rstrip(".")
        if name in METADATA_HOSTS:
            raise BlockedAddress(f"{name} is a cloud metadata host")
        # RFC 6761: localhost and its subdomains always mean loopback, whatever DNS says.
        if (name == "localhost" or name.endswith(".localhost")) and not self.allows_loopback:
            raise BlockedAddress(f"deliveries to {name} are not allowed: it is a loopback name")

    @property
    def allows_loopback(self) -> bool:
        loopback = ipaddress.ip_address("127.0.0.1")
        return self.allow_private or any(
            loopback.version == net.version and loopback in net for net in self.allowed
        )

    def check(self, url: str, *, resolve: bool = True) -> Target | None:
        """Check ``url`` and return the address to connect to.

        With ``resolve=False`` (create/update) a host name is not looked up: only the URL's
        form, IP literals and names that are never public are checked, and ``None`` is
        returned for other names; every send resolves and checks them.
        """
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise BlockedAddress("the URL must be an absolute http(s) URL")
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            raise BlockedAddress("the URL has an invalid port") from None
        host = parts.hostname
        self.check_host(host)
        try:
            addresses = [ipaddress.ip_address(host)]
        except ValueError:
            if not resolve:
                return None
            addresses = self.resolver(host, port, SEND_RESOLVE_TIMEOUT)
        if not addresses:
            raise BlockedAddress(f"{host} has no addresses")
        # Every address must pass: the client could otherwise be steered to the bad one.
        for address in addresses:
            reason = self.refusal(address)
            if reason is not None:
                raise BlockedAddress(f"deliveries to {host} are not allowed: {reason}")
        return Target(parts.scheme, host, port, addresses[0])
