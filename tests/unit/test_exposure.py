"""The exposure model fails closed: broad public ranges, split ranges, prefix lists' entries, protocols."""

from __future__ import annotations

import pytest

from vpc_remediator.domain.exposure import IngressRule, OpenRanges, exposures, parse_allowed_ports

ALLOWED = frozenset({("tcp", 80), ("tcp", 443)})


def rule(source: str, protocol: str = "tcp", low: int | None = 22, high: int | None = 22, **extra: str) -> IngressRule:
    return IngressRule("sg-1", protocol, low, high, source, **extra)


@pytest.mark.parametrize(
    ("rules", "exposed"),
    [
        ([rule("0.0.0.0/0")], True),
        ([rule("0.0.0.0/1"), rule("128.0.0.0/1")], True),
        ([rule("1.0.0.0/8")], True),
        ([rule("0.0.0.0/1")], True),
        ([rule("2600::/16")], True),
        ([rule("::/0")], True),
        # Private and reserved ranges are not the internet, however broad.
        ([rule("10.0.0.0/8")], False),
        ([rule("172.16.0.0/12"), rule("192.168.0.0/16"), rule("100.64.0.0/10")], False),
        ([rule("fd00::/8")], False),
        # A company's own public range is not the internet.
        ([rule("52.1.2.0/24")], False),
        ([rule("2600:1f18:abcd::/48")], False),
    ],
)
def test_a_port_is_open_when_its_public_sources_add_up_to_a_large_part_of_the_internet(
    rules: list[IngressRule], exposed: bool
) -> None:
    assert bool(exposures(rules, ALLOWED)) is exposed


def test_a_range_split_over_rules_with_different_port_ranges_is_judged_as_a_whole() -> None:
    rules = [rule("0.0.0.0/1", low=20, high=25), rule("128.0.0.0/1", low=22, high=22)]
    found = exposures(rules, ALLOWED)
    assert {item.rule.source for item in found} == {"0.0.0.0/1", "128.0.0.0/1"}


def test_halves_of_the_internet_on_different_ports_are_each_half_but_still_broad() -> None:
    # Each /1 alone is far more than a /8: both are exposures on their own.
    found = exposures([rule("0.0.0.0/1", low=22, high=22), rule("128.0.0.0/1", low=23, high=23)], ALLOWED)
    assert len(found) == 2


def test_many_small_ranges_that_add_up_to_a_slash_8_are_open() -> None:
    rules = [rule(f"{first}.0.0.0/9") for first in (11,)] + [rule("11.128.0.0/9")]
    assert exposures(rules, ALLOWED)
    assert not exposures([rule("11.0.0.0/9")], ALLOWED)


def test_the_prefix_lengths_that_count_are_a_setting() -> None:
    assert not exposures([rule("52.1.0.0/16")], ALLOWED)
    assert exposures([rule("52.1.0.0/16")], ALLOWED, OpenRanges(ipv4_prefix=16, ipv6_prefix=48))
    assert exposures([rule("2600:1f18:abcd::/48")], ALLOWED, OpenRanges(ipv4_prefix=16, ipv6_prefix=48))


def test_the_allow_list_is_protocol_aware() -> None:
    assert exposures([rule("0.0.0.0/0", "udp", 443, 443)], ALLOWED)
    assert not exposures([rule("0.0.0.0/0", "tcp", 443, 443)], ALLOWED)
    assert not exposures([rule("0.0.0.0/0", "6", 443, 443)], ALLOWED)
    assert exposures([rule("0.0.0.0/0", "tcp", 53, 53)], frozenset({("udp", 53)}))
    assert not exposures([rule("0.0.0.0/0", "udp", 53, 53)], frozenset({("udp", 53)}))


def test_all_traffic_and_portless_protocols() -> None:
    assert exposures([rule("0.0.0.0/0", "-1", None, None)], ALLOWED)
    # Protocols other than tcp and udp open every port whatever range the rule names (ESP here).
    assert exposures([rule("0.0.0.0/0", "50", 443, 443)], ALLOWED)
    assert not exposures([rule("0.0.0.0/0", "icmp", 8, 0)], ALLOWED)


def test_a_prefix_lists_entry_is_named_with_its_list() -> None:
    (found,) = exposures([rule("0.0.0.0/0", via="pl-123")], ALLOWED)
    assert found.describe() == "sg-1 allows tcp port 22 from 0.0.0.0/0 through prefix list pl-123"


def test_a_narrow_rule_next_to_an_open_one_is_not_named() -> None:
    found = exposures([rule("0.0.0.0/0"), rule("52.1.2.3/32")], ALLOWED)
    assert [item.rule.source for item in found] == ["0.0.0.0/0"]


def test_the_allow_list_parameter_reads_protocols_and_bare_numbers_as_tcp() -> None:
    assert parse_allowed_ports("tcp:80, udp:53 ,443") == {("tcp", 80), ("udp", 53), ("tcp", 443)}
    assert parse_allowed_ports("") == frozenset()
    for bad in ("sctp:80", "80,http", "tcp:70000", "udp:"):
        with pytest.raises(ValueError, match="is not"):
            parse_allowed_ports(bad)
