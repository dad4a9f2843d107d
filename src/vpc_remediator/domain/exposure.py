"""Security-group exposure: what a public IP would open to the internet.

Before a workload gets a public IP, every inbound rule of its security groups that is open to 0.0.0.0/0 or ::/0 on a
port outside the allow-list (by default 80 and 443) blocks the change: a public IP must not publish SSH or a database.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from vpc_remediator.domain.network import IPV4_ANYWHERE, IPV6_ANYWHERE

ALL_PROTOCOLS = "-1"
# ICMP has types, not ports: an echo reply to the world publishes no service.
_PORTLESS = frozenset({"icmp", "1", "icmpv6", "58"})
MAX_PORT = 65535


@dataclass(frozen=True)
class IngressRule:
    """One inbound permission of a security group, for one source range."""

    group_id: str
    protocol: str
    from_port: int | None
    to_port: int | None
    source: str

    def ports(self) -> str:
        """The ports as a person reads them."""
        if self.protocol == ALL_PROTOCOLS or self.from_port is None:
            return "all ports"
        if self.from_port == self.to_port or self.to_port is None:
            return f"port {self.from_port}"
        return f"ports {self.from_port}-{self.to_port}"


@dataclass(frozen=True)
class Exposure:
    """A rule that a public IP would expose to the internet."""

    rule: IngressRule

    def describe(self) -> str:
        """E.g. 'sg-1 allows tcp port 22 from 0.0.0.0/0'."""
        protocol = "all traffic" if self.rule.protocol == ALL_PROTOCOLS else self.rule.protocol
        return f"{self.rule.group_id} allows {protocol} {self.rule.ports()} from {self.rule.source}"


def _opens_other_ports(rule: IngressRule, allowed_ports: frozenset[int]) -> bool:
    if rule.protocol in _PORTLESS:
        return False
    if rule.protocol == ALL_PROTOCOLS or rule.from_port is None:
        return True
    low = max(rule.from_port, 0)
    high = min(rule.to_port if rule.to_port is not None else rule.from_port, MAX_PORT)
    allowed_inside = sum(1 for port in allowed_ports if low <= port <= high)
    return high - low + 1 > allowed_inside


def exposures(rules: Iterable[IngressRule], allowed_ports: frozenset[int]) -> tuple[Exposure, ...]:
    """The rules open to the whole internet on any port outside `allowed_ports`, in a stable order."""
    found = [
        Exposure(rule)
        for rule in rules
        if rule.source in (IPV4_ANYWHERE, IPV6_ANYWHERE) and _opens_other_ports(rule, allowed_ports)
    ]
    return tuple(sorted(found, key=lambda item: (item.rule.group_id, item.rule.from_port or 0, item.rule.source)))
