"""The NAT advisor on VpcNetwork values: what it costs, what else would do, and where a NAT already exists."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.unit.advice import advice_dict
from vpc_remediator.domain.nat import HOURS_PER_MONTH, PRICES, PUBLIC_IPV4_HOUR, advise, nat_cost
from vpc_remediator.domain.network import Endpoint, NatGateway, Route, RouteTable, Subnet, VpcNetwork
from vpc_remediator.domain.workload import EgressRule
from vpc_remediator.workloads import batch_compute_environment, ecs_service, ecs_task, lambda_function

ZONES = ("us-east-1a", "us-east-1b")


def public_vpc(region_prefix: str = "us-east-1", ipv6: bool = False) -> VpcNetwork:
    """A VPC whose every subnet is public (main table → igw) and which has no NAT gateway."""
    zones = (f"{region_prefix}a", f"{region_prefix}b")
    subnets = tuple(Subnet(f"subnet-{zone[-1]}", "vpc-1", zone, has_ipv6=ipv6) for zone in zones)
    routes = [Route("0.0.0.0/0", "igw-1")]
    if ipv6:
        routes.append(Route("::/0", "eigw-1"))
    return VpcNetwork("vpc-1", subnets, (RouteTable("rtb-main", tuple(routes), is_main=True),))


def isolated_vpc(endpoints: tuple[Endpoint, ...] = ()) -> VpcNetwork:
    subnets = tuple(Subnet(f"subnet-{zone[-1]}", "vpc-2", zone) for zone in ZONES)
    return VpcNetwork("vpc-2", subnets, (RouteTable("rtb-main", (), is_main=True),), endpoints=endpoints)


def by_key(advice: dict[str, object]) -> dict[str, dict[str, object]]:
    return {item["key"]: item for item in advice["alternatives"]}  # type: ignore[attr-defined, index]


def test_a_lambda_in_public_subnets_without_nat_gets_the_nat_cost_of_its_zones_and_priced_alternatives() -> None:
    advice = advice_dict(
        public_vpc(), ZONES, lambda_function.PROFILE, "us-east-1", subnet_ids=["subnet-a", "subnet-b"], name="api"
    )

    nat = advice["nat_gateway"]
    hourly = PRICES["us-east-1"].nat_hour
    assert nat["zones"] == list(ZONES)
    assert nat["monthly"] == float(hourly * HOURS_PER_MONTH * 2)
    assert nat["per_gb"] == float(PRICES["us-east-1"].nat_gb)
    assert "$65.70 a month" in nat["text"] and "per GB" in nat["text"]
    assert "public IP" in advice["why"]
    alternatives = by_key(advice)
    assert set(alternatives) == {"leave-vpc", "gateway-endpoints", "interface-endpoints", "ipv6-egress"}
    assert alternatives["leave-vpc"]["monthly"] == 0
    assert "--function-name api" in alternatives["leave-vpc"]["how"]
    assert alternatives["gateway-endpoints"]["monthly"] == 0
    # One interface endpoint in each of the 2 zones at $0.01 an hour.
    assert alternatives["interface-endpoints"]["cost"].startswith("$14.60 a month per service")
    assert "Ipv6AllowedForDualStack" in alternatives["ipv6-egress"]["how"]
    # Every alternative names its cost.
    assert all(item["cost"] for item in alternatives.values())


def test_an_isolated_lambda_is_told_its_subnets_have_no_route() -> None:
    advice = advice_dict(isolated_vpc(), ZONES, lambda_function.PROFILE, "us-east-1", subnet_ids=["subnet-a"])
    assert "no route to the internet" in advice["why"]


def test_a_container_in_a_vpc_without_public_subnet_gets_public_ip_break_even_and_the_endpoints_it_needs() -> None:
    advice = advice_dict(isolated_vpc(), ["us-east-1a"], ecs_service.PROFILE, "us-east-1")

    alternatives = by_key(advice)
    assert "leave-vpc" not in alternatives
    public = alternatives["public-subnets"]
    assert public["monthly"] == float(PUBLIC_IPV4_HOUR * HOURS_PER_MONTH) == 3.65
    # $0.045 an hour for a NAT gateway / $0.005 an hour per public IPv4 address.
    assert "9 always-on tasks cost as much as one NAT gateway ($32.85)" in public["cost"]
    assert "no public subnet" in public["how"]
    interface = alternatives["interface-endpoints"]
    assert "ecr.api" in interface["title"] and "ecr.dkr" in interface["title"] and "logs" in interface["title"]
    assert interface["monthly"] == 21.9  # 3 endpoints x 1 AZ x $0.01 x 730
    assert "S3" in alternatives["gateway-endpoints"]["title"]


def test_endpoints_already_in_the_vpc_are_reachable_and_not_advised_again() -> None:
    endpoints = tuple(
        Endpoint(f"vpce-{n}", f"com.amazonaws.us-east-1.{service}", kind)
        for n, (service, kind) in enumerate(
            [("s3", "Gateway"), ("dynamodb", "Gateway"), ("ecr.api", "Interface"), ("ecr.dkr", "Interface")]
        )
    )
    advice = advice_dict(isolated_vpc(endpoints), ZONES, ecs_task.PROFILE, "us-east-1")
    assert advice["reachable_services"] == ["dynamodb", "ecr.api", "ecr.dkr", "s3"]
    alternatives = by_key(advice)
    assert "gateway-endpoints" not in alternatives
    assert alternatives["interface-endpoints"]["title"] == "Interface endpoints for logs"


def test_batch_compute_environments_also_need_the_ecs_agent_endpoints() -> None:
    advice = advice_dict(isolated_vpc(), ZONES, batch_compute_environment.PROFILE, "us-east-1")
    title = by_key(advice)["interface-endpoints"]["title"]
    assert "ecs-agent" in title and "ecs-telemetry" in title


def test_existing_nat_gateways_point_to_the_subnets_behind_them_and_name_zones_without_one() -> None:
    subnets = (
        Subnet("subnet-pub", "vpc-3", "us-east-1a"),
        Subnet("subnet-nat", "vpc-3", "us-east-1a"),
        Subnet("subnet-fn", "vpc-3", "us-east-1b"),
    )
    tables = (
        RouteTable("rtb-pub", (Route("0.0.0.0/0", "igw-1"),), ("subnet-pub",)),
        RouteTable("rtb-nat", (Route("0.0.0.0/0", "nat-1"),), ("subnet-nat",)),
        RouteTable("rtb-main", (), is_main=True),
    )
    network = VpcNetwork("vpc-3", subnets, tables, (NatGateway("nat-1", "subnet-pub", "us-east-1a"),))

    advice = advice_dict(network, ["us-east-1a", "us-east-1b"], lambda_function.PROFILE, "us-east-1")

    assert advice["existing_nat"] == {
        "gateways": [{"id": "nat-1", "zone": "us-east-1a"}],
        "subnets": [{"id": "subnet-nat", "zone": "us-east-1a"}],
    }
    existing = advice["alternatives"][0]
    assert existing["key"] == "existing-nat"
    assert "subnet-nat" in existing["how"]
    assert "us-east-1b" in existing["caveat"]


def test_ipv6_advice_skips_the_steps_the_vpc_already_has() -> None:
    advice = advice_dict(public_vpc(ipv6=True), ZONES, lambda_function.PROFILE, "us-east-1")
    how = by_key(advice)["ipv6-egress"]["how"]
    assert "IPv6 CIDR" not in how and "egress-only internet gateway" not in how
    assert "Ipv6AllowedForDualStack" in how


@pytest.mark.parametrize("region", sorted(PRICES))
def test_every_priced_region_prices_its_own_nat(region: str) -> None:
    cost = nat_cost(region, [f"{region}a"])
    assert cost.price_region == region
    assert cost.monthly == PRICES[region].nat_hour * HOURS_PER_MONTH
    assert "prices:" not in cost.text()


def test_an_unknown_region_falls_back_to_us_east_1_and_says_so() -> None:
    cost = nat_cost("xx-nowhere-1", ["xx-nowhere-1a", "xx-nowhere-1b", "xx-nowhere-1a"])
    assert cost.price_region == "us-east-1"
    assert cost.zones == ("xx-nowhere-1a", "xx-nowhere-1b")
    assert cost.monthly == Decimal("0.045") * 730 * 2
    assert "us-east-1 prices" in cost.text()


def test_regional_prices_change_the_advice() -> None:
    frankfurt = advice_dict(public_vpc("eu-central-1"), [], lambda_function.PROFILE, "eu-central-1")
    virginia = advice_dict(public_vpc(), [], lambda_function.PROFILE, "us-east-1")
    # No zones given: the VPC's zones are priced.
    assert frankfurt["nat_gateway"]["zones"] == ["eu-central-1a", "eu-central-1b"]
    assert frankfurt["nat_gateway"]["monthly"] > virginia["nat_gateway"]["monthly"]


def test_the_advice_value_is_frozen() -> None:
    advice = advise(public_vpc(), ZONES, lambda_function.PROFILE, "us-east-1")
    with pytest.raises(AttributeError):
        advice.vpc_id = "other"  # type: ignore[misc]


def test_an_ec2_backed_task_is_never_advised_a_public_ip_and_is_told_why() -> None:
    advice = advise(
        public_vpc(), ZONES, ecs_service.PROFILE, "us-east-1", subnet_ids=["subnet-a"], rule=EgressRule.PRIVATE_ONLY
    ).view()
    keys = [item.key for item in advice.alternatives]
    assert "public-subnets" not in keys and "leave-vpc" not in keys
    assert "EC2 capacity never gets a public IP" in advice.why


def test_routed_egress_the_vpc_already_has_is_offered_before_a_nat_gateway() -> None:
    subnets = (*isolated_vpc().subnets, Subnet("subnet-tgw", "vpc-2", "us-east-1a"))
    tables = (
        RouteTable("rtb-main", (), is_main=True),
        RouteTable("rtb-tgw", (Route("0.0.0.0/0", "tgw-1"),), ("subnet-tgw",)),
    )
    advice = advise(VpcNetwork("vpc-2", subnets, tables), ZONES, lambda_function.PROFILE, "us-east-1").view()
    routed = next(item for item in advice.alternatives if item.key == "routed-egress")
    assert "subnet-tgw (us-east-1a, routed-central via tgw-1)" in routed.how
