"""Broker URLs (`mqtt://host:port`, `mqtts://host:port`) as used on the command line and in enrolment."""

from dataclasses import dataclass
from urllib.parse import urlsplit

DEFAULT_PORTS = {"mqtt": 1883, "mqtts": 8883}


@dataclass(frozen=True, slots=True)
class BrokerAddress:
    """Where a broker listens and whether to use TLS."""

    host: str
    port: int
    tls: bool


def parse_broker_url(url: str) -> BrokerAddress:
    """Parse `mqtt://host[:port]` or `mqtts://host[:port]`; raise ValueError on anything else."""
    parts = urlsplit(url)
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        raise ValueError(f"not a broker URL (mqtt://host:port or mqtts://host:port): {url!r}")
    return BrokerAddress(parts.hostname, parts.port or DEFAULT_PORTS[parts.scheme], parts.scheme == "mqtts")


def parse_listen(listen: str) -> tuple[str, int]:
    """Split a `HOST:PORT` listen address; raise ValueError on anything else."""
    host, _, port = listen.rpartition(":")
    if not host or not port.isdigit():
        raise ValueError(f"expected HOST:PORT, got {listen!r}")
    return host, int(port)
