"""Security-group exposure: what a public IP would open to the internet, failing closed.

Before a workload gets a public IP (and whenever a public one is checked again), every inbound permission of the
groups that really apply is weighed. A port is open to the internet when the sources that admit it cover a large part
of the public address space: 0.0.0.0/0 and ::/0, but also 0.0.0.0/1 with 128.0.0.0/1, or 1.0.0.0/8; by default the
public addresses of an IPv4 /8 or an IPv6 /32, summed over every range that opens the port (so splitting a range
changes nothing). Private and reserved ranges count for nothing. A port open that way must be on the allow-list for its
protocol (tcp:80 and tcp:443 by default); any other, or all traffic, is an exposure.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

ALL_PROTOCOLS = "-1"
TCP, UDP = "tcp", "udp"
# ICMP has types, not ports: an echo reply to the world publishes no service.
_PORTLESS = frozenset({"icmp", "1", "icmpv6", "58"})
# Security groups name protocols by number or name; AWS describes tcp and udp by name.
_BY_NUMBER = {"6": TCP, "17": UDP}
MAX_PORT = 65535

# Addresses that are not the internet: a source inside them is a private or reserved network (RFC 6890).
_NOT_PUBLIC_V4 = tuple(
    ipaddress.ip_network(cidr)
    for cidr in (
        "0.0.0.0/8",
        "10.0.0.0/8",
        "100.64.0.0/10",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "172.16.0.0/12",
        "192.0.0.0/24",
        "192.0.2.0/24",
        "192.168.0.0/16",
        "198.18.0.0/15",
        "198.51.100.0/24",
        "203.0.113.0/24",
        "224.0.0.0/3",
    )
)
# IPv6's internet is global unicast, 2000::/3 (less the documentation prefix).
_GLOBAL_V6 = ipaddress.IPv6Network("2000::/3")
_NOT_PUBLIC_V6 = (ipaddress.IPv6Network("2001:db8::/32"),)


@dataclass(frozen=True)
class IngressRule:
    """One inbound permission of a security group, for one source range (`via` names the prefix list it came from)."""

    group_id: str
    protocol: str
    from_port: int | None
    to_port: int | None
    source: str
    via: str | None = None

    @property
    def protocol_name(self) -> str:
        """tcp, udp, -1 (all traffic) or the protocol as AWS gave it."""
        return _BY_NUMBER.get(self.protocol, self.protocol.lower())

    @property
    def port_range(self) -> tuple[int, int]:
        """The ports it opens; protocols other than tcp and udp open every port, whatever range is given."""
        if self.protocol_name not in (TCP, UDP) or self.from_port is None:
            return 0, MAX_PORT
        low = max(self.from_port, 0)
        high = self.to_port if self.to_port is not None else self.from_port
        return low, min(max(high, low), MAX_PORT)

    def ports(self) -> str:
        """The ports as a person reads them."""
        if self.protocol == ALL_PROTOCOLS or self.from_port is None:
            return "all ports"
        if self.from_port == self.to_port or self.to_port is None:
            return f"port {self.from_port}"
        return f"ports {self.from_port}-{self.to_port}"


@dataclass(frozen=True)
class OpenRanges:
    """How large a set of public sources must be to count as the internet: the size of an IPv4 /n or an IPv6 /m."""

    ipv4_prefix: int = 8
    ipv6_prefix: int = 32

    def covers(self, sources: Iterable[str]) -> bool:
        """The public addresses among these sources add up to at least an IPv4 /n or an IPv6 /m."""
        v4, v6 = _public_addresses(sources)
        return v4 >= 1 << (32 - self.ipv4_prefix) or v6 >= 1 << (128 - self.ipv6_prefix)


@dataclass(frozen=True)
class Exposure:
    """A rule that a public IP would expose to the internet."""

    rule: IngressRule

    def describe(self) -> str:
        """E.g. 'sg-1 allows tcp port 22 from 0.0.0.0/0' (and 'through pl-1' for a prefix list's entry)."""
        protocol = "all traffic" if self.rule.protocol == ALL_PROTOCOLS else self.rule.protocol
        via = f" through prefix list {self.rule.via}" if self.rule.via else ""
        return f"{self.rule.group_id} allows {protocol} {self.rule.ports()} from {self.rule.source}{via}"


def _network(source: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    try:
        return ipaddress.ip_network(source, strict=False)
    except ValueError:
        return None


def _public_count(
    network: ipaddress.IPv4Network | ipaddress.IPv6Network,
    private: Sequence[ipaddress.IPv4Network | ipaddress.IPv6Network],
) -> int:
    # CIDR blocks either nest or do not meet: the public part is the block less the private blocks inside it.
    blocks: list[Any] = list(private)
    if any(network.subnet_of(block) for block in blocks):
        return 0
    inside: int = sum(block.num_addresses for block in blocks if block.subnet_of(network))
    return network.num_addresses - inside


def _public_addresses(sources: Iterable[str]) -> tuple[int, int]:
    """How many public IPv4 and IPv6 addresses the sources cover together (overlaps counted once)."""
    v4: list[ipaddress.IPv4Network] = []
    v6: list[ipaddress.IPv6Network] = []
    for source in sources:
        network = _network(source)
        if isinstance(network, ipaddress.IPv4Network):
            v4.append(network)
        elif isinstance(network, ipaddress.IPv6Network):
            # Only its global unicast part is the internet.
            if network.subnet_of(_GLOBAL_V6):
                v6.append(network)
            elif _GLOBAL_V6.subnet_of(network):
                v6.append(_GLOBAL_V6)
    count_v4 = sum(_public_count(item, _NOT_PUBLIC_V4) for item in ipaddress.collapse_addresses(v4))
    count_v6 = sum(_public_count(item, _NOT_PUBLIC_V6) for item in ipaddress.collapse_addresses(v6))
    return count_v4, count_v6


def is_public(source: str) -> bool:
    """The source holds at least one public address."""
    return any(_public_addresses([source]))


def parse_allowed_ports(text: str) -> frozenset[tuple[str, int]]:
    """'tcp:80,udp:53,443' → {(tcp, 80), (udp, 53), (tcp, 443)}: a bare number means TCP; ValueError when malformed."""
    allowed = set()
    for item in filter(None, (part.strip().lower() for part in text.split(","))):
        protocol, _, port = item.rpartition(":")
        protocol = protocol or TCP
        if protocol not in (TCP, UDP) or not port.isdigit() or not 0 <= int(port) <= MAX_PORT:
            raise ValueError(f"{item!r} is not tcp:PORT, udp:PORT or PORT (0-65535)")
        allowed.add((protocol, int(port)))
    return frozenset(allowed)


def allowed_text(allowed: frozenset[tuple[str, int]]) -> str:
    """The allow-list as the parameter spells it."""
    return ", ".join(f"{protocol}:{port}" for protocol, port in sorted(allowed)) or "none"


def _all_allowed(protocol: str, low: int, high: int, allowed: frozenset[tuple[str, int]]) -> bool:
    if protocol not in (TCP, UDP):
        return False
    return sum(1 for kind, port in allowed if kind == protocol and low <= port <= high) == high - low + 1


def exposures(
    rules: Iterable[IngressRule], allowed: frozenset[tuple[str, int]], open_ranges: OpenRanges = OpenRanges()
) -> tuple[Exposure, ...]:
    """The rules that open a port outside `allowed` to the internet (as `open_ranges` defines it), in a stable order.

    Ports are weighed one stretch at a time: the sources of every rule that opens a stretch (all-traffic rules open
    every protocol) are summed, so a range split over several rules or groups is judged as a whole.
    """
    candidates = [rule for rule in rules if rule.protocol_name not in _PORTLESS and is_public(rule.source)]
    found: set[IngressRule] = set()
    for protocol in {rule.protocol_name for rule in candidates}:
        relevant = [rule for rule in candidates if rule.protocol_name in (protocol, ALL_PROTOCOLS)]
        edges = sorted({edge for rule in relevant for edge in (rule.port_range[0], rule.port_range[1] + 1)})
        for low, end in pairwise(edges):
            covering = [rule for rule in relevant if rule.port_range[0] <= low and end - 1 <= rule.port_range[1]]
            if not covering or _all_allowed(protocol, low, end - 1, allowed):
                continue
            if not open_ranges.covers(rule.source for rule in covering):
                continue
            # Name the broad rules themselves when there are any; else every rule that adds up to the internet.
            broad = [rule for rule in covering if open_ranges.covers([rule.source])]
            found.update(broad or covering)
    order = sorted(found, key=lambda rule: (rule.group_id, rule.from_port or 0, rule.protocol, rule.source))
    return tuple(Exposure(rule) for rule in order)
