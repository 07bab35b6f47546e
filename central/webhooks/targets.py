"""Where webhooks may go: public HTTPS hosts, or hosts an explicit allow-list names.

A webhook carries a citizen's full record, and central sits inside the city's network: an endpoint must not
turn it into a way to reach the cloud's metadata service (169.254.169.254), central's own loopback services
or the office LAN. So a target is refused when its host is (or resolves to) a loopback, link-local, private,
shared, reserved, multicast or unspecified address — unless `MADOGUCHI_WEBHOOK_ALLOW` names it (host names,
addresses or CIDR networks, comma-separated: a core system on the city's own network). Plain `http://` is
accepted only for allow-listed hosts; credentials in the URL never (the HMAC signature authenticates).
Checked when an endpoint is added and again before each delivery (a name may resolve elsewhere later).
"""

import ipaddress
import os
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

ALLOW_ENV = "MADOGUCHI_WEBHOOK_ALLOW"
Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class TargetRefusedError(ValueError):
    """A webhook URL central will not send to; the message says why (and never quotes a credential)."""


@dataclass(frozen=True, slots=True)
class AllowList:
    """Hosts that may be private or plain HTTP: exact names, and addresses by network."""

    names: frozenset[str] = frozenset()
    networks: tuple[Network, ...] = ()

    @classmethod
    def parse(cls, text: str) -> "AllowList":
        """`host, 10.0.0.0/8, 192.0.2.7, …`; raises ValueError for an entry that is neither."""
        names, networks = set(), []
        for entry in filter(None, (item.strip().lower() for item in text.split(","))):
            try:
                networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                if "/" in entry or not entry.replace("-", "").replace(".", "").isalnum():
                    raise ValueError(f"{ALLOW_ENV}: not a host name, address or network: {entry!r}") from None
                names.add(entry)
        return cls(frozenset(names), tuple(networks))

    @classmethod
    def from_env(cls) -> "AllowList":
        """The allow-list `MADOGUCHI_WEBHOOK_ALLOW` sets (empty when unset)."""
        return cls.parse(os.environ.get(ALLOW_ENV, ""))

    def names_host(self, host: str) -> bool:
        """Whether this host name or address literal is allow-listed."""
        literal = _literal(host)
        return host.lower() in self.names if literal is None else self.names_address(literal)

    def names_address(self, address: Address) -> bool:
        """Whether an allow-listed network holds this address."""
        return any(address in network for network in self.networks)


def _literal(host: str) -> Address | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def is_public(address: Address) -> bool:
    """A globally routable unicast address (IPv4-mapped IPv6 judged by its IPv4 address)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def _resolved(host: str) -> Iterable[Address]:
    literal = _literal(host)
    if literal is not None:
        return [literal]
    try:
        found = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError) as exc:
        raise TargetRefusedError(f"the host {host} cannot be resolved") from exc
    return {ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in found}


def checked_target(url: str, allow: AllowList) -> str:
    """The URL if central may send webhooks to it; raises TargetRefusedError saying why not."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http"):
        raise TargetRefusedError("the URL must start with https://")
    if parts.username is not None or parts.password is not None:
        raise TargetRefusedError("the URL must not carry credentials (the signature authenticates)")
    try:
        parts.port  # noqa: B018 - raises for a port that is not a number
    except ValueError as exc:
        raise TargetRefusedError("the URL's port is not valid") from exc
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise TargetRefusedError("the URL has no host")
    if allow.names_host(host):
        return url
    if parts.scheme != "https":
        raise TargetRefusedError(f"plain http:// only to hosts {ALLOW_ENV} names; use https://")
    if not all(is_public(address) or allow.names_address(address) for address in _resolved(host)):
        raise TargetRefusedError(
            f"{host} is a loopback, link-local or private address; {ALLOW_ENV} must name it to allow it"
        )
    return url
