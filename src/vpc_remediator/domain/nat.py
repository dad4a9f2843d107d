"""NAT advisor: what a workload without egress cannot reach, what a NAT gateway would cost, and the cheaper ways out.

The rule: a workload needs a NAT gateway when a NAT gateway would be its only way to the internet (a Lambda function
in public or isolated subnets, a container whose VPC has no public subnet). Its advice prices one NAT gateway in each
availability zone the workload uses, and each alternative that applies with its own cost, for the region.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from vpc_remediator.domain.details import AlternativeView, ExistingNatView, NatAdviceView, NatCostView, ZonedId
from vpc_remediator.domain.network import ROUTED, EgressClass, SubnetEgress, VpcNetwork
from vpc_remediator.domain.workload import EgressRule, Profile

HOURS_PER_MONTH = 730

# On-demand list prices in USD. Source: the Amazon VPC pricing page (https://aws.amazon.com/vpc/pricing/, "NAT
# Gateway pricing" and "Public IPv4 addresses") and the AWS PrivateLink pricing page
# (https://aws.amazon.com/privatelink/pricing/). Table compiled 2026-11-26 without access to those pages: us-east-1,
# us-east-2 and ap-southeast-1 match published figures of that date, the other regions are the pages' last known
# list prices and should be checked. AWS changes them rarely but without notice; the report names the price region so
# a reader can check. Regions not in the table use us-east-1's prices.
PRICE_SOURCE = "Amazon VPC and AWS PrivateLink pricing pages (list prices; table of 2026-11-26)"
PRICE_TABLE_DATE = "2026-11-26"
FALLBACK_REGION = "us-east-1"
PUBLIC_IPV4_HOUR = Decimal("0.005")


@dataclass(frozen=True)
class RegionPrices:
    """A region's NAT gateway prices, and its interface endpoint prices when the table has them."""

    nat_hour: Decimal
    nat_gb: Decimal
    endpoint_hour: Decimal | None = None
    endpoint_gb: Decimal | None = None


def _nat(price: str, endpoint: str | None = None) -> RegionPrices:
    # In every listed region the per-GB processing price equals the hourly price.
    value = Decimal(price)
    endpoint_price = Decimal(endpoint) if endpoint else None
    return RegionPrices(value, value, endpoint_price, endpoint_price)


PRICES: dict[str, RegionPrices] = {
    "us-east-1": _nat("0.045", "0.01"),
    "us-east-2": _nat("0.045", "0.01"),
    "us-west-1": _nat("0.048"),
    "us-west-2": _nat("0.045", "0.01"),
    "ca-central-1": _nat("0.050"),
    "eu-west-1": _nat("0.048"),
    "eu-west-2": _nat("0.050"),
    "eu-west-3": _nat("0.050"),
    "eu-central-1": _nat("0.052"),
    "eu-north-1": _nat("0.046"),
    "ap-south-1": _nat("0.056"),
    "ap-southeast-1": _nat("0.059"),
    "ap-southeast-2": _nat("0.059"),
    "ap-northeast-1": _nat("0.062"),
    "ap-northeast-2": _nat("0.059"),
    "sa-east-1": _nat("0.093"),
}

# What every container reaches AWS for, whatever its code does: the image pull and the log driver. What a Lambda
# function's code calls cannot be known from its configuration, so it gets a per-service price. Each kind declares
# its own list (Profile.always_reaches).
CONTAINER_SERVICES = ("ecr.api", "ecr.dkr", "logs")
# EC2 compute environments run the ECS agent on their instances, which talks to ECS through these.
ECS_AGENT_SERVICES = ("ecs", "ecs-agent", "ecs-telemetry")
GATEWAY_SERVICES = ("s3", "dynamodb")
_GATEWAY_NAMES = {"s3": "S3", "dynamodb": "DynamoDB"}


def _is_container(profile: Profile) -> bool:
    # Kinds that can own a public IP: their advice speaks of containers and tasks; the others of functions.
    return profile.rule is not EgressRule.PRIVATE_ONLY


def money(value: Decimal) -> str:
    """$1,234.56."""
    return f"${value.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,}"


def rate(value: Decimal) -> str:
    """A unit price without trailing zeros: $0.045."""
    return f"${value.normalize():f}"


def azs(count: int) -> str:
    """1 AZ, 2 AZs."""
    return f"{count} AZ{'' if count == 1 else 's'}"


@dataclass(frozen=True)
class NatPrices:
    """The NAT gateway prices a report uses, with where they come from and of when (every report says both)."""

    region: str  # whose prices these are: the workload's region, or us-east-1's when the table lacks it
    hour: Decimal
    gb: Decimal
    source: str
    date: str  # ISO date: the day the Price List API was read, or the table's date


def table_prices(region: str | None, why: str | None = None) -> NatPrices:
    """The price table's NAT gateway prices for the region (us-east-1's when it is not listed); `why` the API was not
    used, when it was tried."""
    price_region, prices = prices_for(region)
    source = PRICE_SOURCE if why is None else f"{PRICE_SOURCE}; the AWS Price List API was not used: {why}"
    return NatPrices(price_region, prices.nat_hour, prices.nat_gb, source, PRICE_TABLE_DATE)


def prices_for(region: str | None) -> tuple[str, RegionPrices]:
    """(the region whose prices apply, its prices): the region's own, else us-east-1's."""
    if region in PRICES:
        return str(region), PRICES[str(region)]
    return FALLBACK_REGION, PRICES[FALLBACK_REGION]


def endpoint_prices(region: str | None) -> tuple[str, Decimal, Decimal]:
    """(price region, per AZ-hour, per GB) of an interface endpoint; us-east-1's when the table lacks the region's."""
    price_region, prices = prices_for(region)
    if prices.endpoint_hour is None or prices.endpoint_gb is None:
        fallback = PRICES[FALLBACK_REGION]
        return FALLBACK_REGION, fallback.endpoint_hour or Decimal(0), fallback.endpoint_gb or Decimal(0)
    return price_region, prices.endpoint_hour, prices.endpoint_gb


@dataclass(frozen=True)
class NatCost:
    """What NAT gateways would cost: one per zone, each billed by the hour, plus every GB they process."""

    zones: tuple[str, ...]
    region: str
    price_region: str
    hour: Decimal
    gb: Decimal
    price_source: str = PRICE_SOURCE
    price_date: str = PRICE_TABLE_DATE

    @property
    def monthly(self) -> Decimal:
        """The fixed monthly charge: hourly price x 730 per zone."""
        return self.hour * HOURS_PER_MONTH * len(self.zones)

    @property
    def one_gateway_monthly(self) -> Decimal:
        """One NAT gateway's fixed monthly charge."""
        return self.hour * HOURS_PER_MONTH

    def text(self) -> str:
        """Readable: $65.70 a month for 2 AZs (...) plus $0.045 per GB processed."""
        zones = f"{azs(len(self.zones))} ({', '.join(self.zones)})"
        line = (
            f"{money(self.monthly)} a month for {zones}: {rate(self.hour)} an hour x {HOURS_PER_MONTH} h per AZ,"
            f" plus {rate(self.gb)} per GB processed"
        )
        if self.price_region != self.region:
            line += f" ({self.price_region} prices: {self.region} is not in the price table)"
        return line

    def view(self) -> NatCostView:
        """As a report carries it."""
        return NatCostView(
            zones=self.zones,
            region=self.region,
            price_region=self.price_region,
            price_source=self.price_source,
            price_date=self.price_date,
            hourly_per_az=float(self.hour),
            per_gb=float(self.gb),
            monthly=float(self.monthly.quantize(Decimal("0.01"))),
            text=self.text(),
        )


def nat_cost(region: str | None, zones: Iterable[str], prices: NatPrices | None = None) -> NatCost:
    """The cost of one NAT gateway in each of the zones, at the given prices (the price table's by default)."""
    quote = prices or table_prices(region)
    unique = tuple(sorted(set(zones)))
    return NatCost(unique, str(region or FALLBACK_REGION), quote.region, quote.hour, quote.gb, quote.source, quote.date)


@dataclass(frozen=True)
class Alternative:
    """One cheaper way to give the workload what it needs, with its cost and what to do."""

    key: str
    title: str
    cost: str
    how: str
    monthly: Decimal | None = None
    caveat: str | None = None

    def view(self) -> AlternativeView:
        """As a report carries it (monthly is None when it depends on what the workload calls)."""
        monthly = None if self.monthly is None else float(self.monthly.quantize(Decimal("0.01")))
        return AlternativeView(self.key, self.title, self.cost, self.how, monthly, self.caveat)


@dataclass(frozen=True)
class NatAdvice:
    """The advice for one workload whose only way to the internet would be a NAT gateway."""

    kind: str
    vpc_id: str
    why: str
    cannot_reach: str
    reachable_services: tuple[str, ...]
    nat: NatCost
    alternatives: tuple[Alternative, ...]
    assumption: str
    existing_nat_gateways: tuple[tuple[str, str], ...] = ()
    existing_nat_subnets: tuple[tuple[str, str], ...] = ()

    def view(self) -> NatAdviceView:
        """What a needs-nat report's details.nat_advice holds."""
        existing = None
        if self.existing_nat_gateways:
            existing = ExistingNatView(
                gateways=tuple(ZonedId(nat_id, zone) for nat_id, zone in self.existing_nat_gateways),
                subnets=tuple(ZonedId(subnet_id, zone) for subnet_id, zone in self.existing_nat_subnets),
            )
        return NatAdviceView(
            kind=self.kind,
            vpc_id=self.vpc_id,
            why=self.why,
            cannot_reach=self.cannot_reach,
            reachable_services=self.reachable_services,
            nat_gateway=self.nat.view(),
            alternatives=tuple(alternative.view() for alternative in self.alternatives),
            assumption=self.assumption,
            existing_nat=existing,
        )


def _why(profile: Profile, network: VpcNetwork, subnets: Sequence[SubnetEgress], rule: EgressRule) -> str:
    if _is_container(profile) and rule is EgressRule.PRIVATE_ONLY:
        return (
            f"{profile.no_public_ip}: only private subnets with egress (a NAT gateway, central egress or an inspection"
            f" endpoint) give it the internet, and VPC {network.vpc_id} has none it may use"
        )
    if _is_container(profile):
        return (
            f"VPC {network.vpc_id} has no public subnet, so a container there reaches the internet only through"
            " a NAT gateway"
        )
    classes = sorted({item.egress.value for item in subnets})
    noun = profile.noun
    if classes == [EgressClass.PUBLIC.value]:
        return (
            f"the {noun} is in public subnets, but {profile.no_public_ip}: the internet gateway gives it no internet,"
            " only a NAT gateway would"
        )
    if classes == [EgressClass.ISOLATED.value]:
        return f"the {noun}'s subnets have no route to the internet; only a NAT gateway would give it one"
    return (
        f"the {noun}'s subnets are public ({profile.no_public_ip}) or isolated; only a NAT gateway would give it"
        " the internet"
    )


def _nat_subnets(network: VpcNetwork) -> list[SubnetEgress]:
    return [item for item in network.of_class(EgressClass.PRIVATE_NAT) if (item.via or "").startswith("nat-")]


def _routed_subnets(network: VpcNetwork) -> list[SubnetEgress]:
    # Routed egress is egress: central (transit gateway, virtual private gateway, Cloud WAN) or inspected.
    return network.targets(ROUTED)


def _existing_routed(profile: Profile, subnets: Sequence[SubnetEgress]) -> Alternative:
    how = "use subnets " + ", ".join(f"{item.id} ({item.zone}, {item.egress.value} via {item.via})" for item in subnets)
    if _is_container(profile):
        how += " without a public IP"
    return Alternative(
        key="routed-egress",
        title="Subnets with the VPC's central or inspected egress",
        cost="no new gateway here: the central egress or inspection path charges as it already does",
        how=how,
        monthly=Decimal(0),
        caveat="the central network's own rules decide what it may reach",
    )


def _gateway_endpoints(profile: Profile, present: set[str]) -> Alternative | None:
    missing = [service for service in GATEWAY_SERVICES if service not in present]
    if not missing:
        return None
    names = " and ".join(_GATEWAY_NAMES[service] for service in missing)
    # Whatever pulls images from ECR needs S3 too: ECR keeps image layers there.
    pulls_images = _is_container(profile) or "ecr.dkr" in profile.always_reaches
    why = "ECR keeps image layers in S3: a container needs S3 to start" if pulls_images else "if it uses them"
    return Alternative(
        key="gateway-endpoints",
        title=f"Gateway endpoints for {names}",
        cost="free (no hourly or per-GB charge)",
        how=f"add gateway endpoints for {names} to the route tables of the workload's subnets ({why})",
        monthly=Decimal(0),
        caveat="they reach the service in this region only",
    )


def _interface_endpoints(
    profile: Profile, present: set[str], zones: Sequence[str], region: str | None
) -> Alternative | None:
    price_region, hour, gb = endpoint_prices(region)
    per_service = hour * HOURS_PER_MONTH * len(zones)
    note = f" ({price_region} prices)" if price_region != region else ""
    if not _is_container(profile) and not profile.always_reaches:
        noun = profile.noun
        return Alternative(
            key="interface-endpoints",
            title=f"Interface endpoints for the AWS services the {noun} calls",
            cost=f"{money(per_service)} a month per service ({azs(len(zones))} x {rate(hour)} an hour x "
            f"{HOURS_PER_MONTH} h) plus {rate(gb)} per GB{note}",
            how=f"add an interface endpoint (private DNS on) for each AWS service the {noun}'s code calls",
            monthly=None,
            caveat=f"the {noun}'s own code decides which services it calls: count them before comparing",
        )
    needed = profile.always_reaches
    missing = [service for service in needed if service not in present]
    if not missing:
        return None
    total = per_service * len(missing)
    return Alternative(
        key="interface-endpoints",
        title=f"Interface endpoints for {', '.join(missing)}",
        cost=f"{money(total)} a month: {len(missing)} endpoints x {azs(len(zones))} x {rate(hour)} an hour x "
        f"{HOURS_PER_MONTH} h, plus {rate(gb)} per GB{note}",
        how=f"add interface endpoints (private DNS on) for {', '.join(missing)} in the workload's subnets",
        monthly=total,
        caveat="AWS only: the internet stays out of reach; "
        + (
            "tasks that read Secrets Manager or SSM need those too"
            if _is_container(profile)
            else f"every other AWS service the {profile.noun} calls needs its own"
        ),
    )


def _ipv6(
    profile: Profile, network: VpcNetwork, subnets: Sequence[SubnetEgress], name: str | None
) -> Alternative | None:
    pool = list(subnets) or [egress for subnet in network.subnets if (egress := network.egress(subnet.id))]
    dual_stack = bool(pool) and all(item.subnet.has_ipv6 for item in pool)
    eigw = any(item.ipv6_egress == "egress-only internet gateway" for item in pool)
    steps = []
    if not dual_stack:
        steps.append("give the VPC and the workload's subnets IPv6 CIDR blocks")
    if not eigw:
        steps.append("route ::/0 to an egress-only internet gateway")
    if _is_container(profile):
        steps.append("turn on the ECS account setting dualStackIPv6 so tasks get an IPv6 address")
    elif profile.ipv6_setting is not None:
        steps.append(profile.ipv6_setting.format(name=name or f"<{profile.noun}>"))
    else:
        # No setting known to give this kind's network interfaces IPv6 egress: no such alternative.
        return None
    return Alternative(
        key="ipv6-egress",
        title="IPv6 egress through an egress-only internet gateway",
        cost="free (no hourly or processing charge; data transfer out as usual)",
        how="; ".join(steps),
        monthly=Decimal(0),
        caveat="reaches IPv6 destinations only; IPv4-only services stay out of reach",
    )


def _public_subnets(network: VpcNetwork, nat: NatCost) -> Alternative:
    per_task = PUBLIC_IPV4_HOUR * HOURS_PER_MONTH
    break_even = int(nat.hour / PUBLIC_IPV4_HOUR)
    # Never the subnets that hold a NAT gateway or an inspection endpoint.
    public = network.targets([EgressClass.PUBLIC])
    if public:
        where = f"move it to public subnets {', '.join(item.id for item in public)} with assignPublicIp ENABLED"
    else:
        where = (
            "the VPC has no public subnet: add one per AZ with a 0.0.0.0/0 route to an internet gateway (both free),"
            " or use the default VPC, and run the tasks there with assignPublicIp ENABLED"
        )
    return Alternative(
        key="public-subnets",
        title="Public subnets with a public IP per task",
        cost=f"{money(per_task)} a month per running task (public IPv4 at {rate(PUBLIC_IPV4_HOUR)} an hour); "
        f"{break_even} always-on tasks cost as much as one NAT gateway ({money(nat.one_gateway_monthly)})",
        how=where,
        monthly=per_task,
        caveat="inbound traffic stays closed by the security groups; only the tasks' own connections go out",
    )


def _leave_vpc(profile: Profile, name: str | None) -> Alternative | None:
    if profile.leave_vpc is None:
        return None
    noun = profile.noun
    return Alternative(
        key="leave-vpc",
        title=f"Take the {noun} out of the VPC",
        cost=f"free: outside a VPC a {noun} reaches the internet at no charge",
        how="if it needs nothing inside the VPC (a database, a cache, a private API): "
        + profile.leave_vpc.format(name=name or f"<{noun}>"),
        monthly=Decimal(0),
    )


def _existing_nat(profile: Profile, network: VpcNetwork, zones: Sequence[str], nat: NatCost) -> Alternative:
    subnets = _nat_subnets(network)
    covered = sorted({item.zone for item in subnets})
    uncovered = [zone for zone in zones if zone not in covered]
    how = f"use subnets {', '.join(f'{item.id} ({item.zone})' for item in subnets)}"
    if _is_container(profile):
        how += " without a public IP"
    caveat = None
    if uncovered:
        caveat = (
            f"no NAT gateway in {', '.join(uncovered)}: traffic from there crosses zones ($0.01 per GB each way)"
            " or needs its own NAT gateway"
        )
    return Alternative(
        key="existing-nat",
        title="Subnets behind the VPC's NAT gateways",
        cost=f"no new gateway: {rate(nat.gb)} per GB processed by the existing ones",
        how=how,
        monthly=Decimal(0),
        caveat=caveat,
    )


def advise(
    network: VpcNetwork,
    zones: Iterable[str],
    profile: Profile,
    region: str | None,
    *,
    subnet_ids: Iterable[str] = (),
    name: str | None = None,
    rule: EgressRule | None = None,
    prices: NatPrices | None = None,
) -> NatAdvice:
    """The NAT advice for a workload of this kind in `zones` of this VPC (the VPC's zones when none are given), at
    the given NAT gateway prices (the price table's by default)."""
    subnets = [egress for subnet_id in subnet_ids if (egress := network.egress(subnet_id))]
    used_zones = tuple(sorted(set(zones) or {item.zone for item in subnets} or set(network.zones)))
    present = set(network.endpoint_services())
    cost = nat_cost(region, used_zones, prices)
    alternatives: list[Alternative] = []
    nat_subnets = _nat_subnets(network)
    rule = rule or profile.rule
    if nat_subnets:
        alternatives.append(_existing_nat(profile, network, used_zones, cost))
    routed = _routed_subnets(network)
    if routed:
        alternatives.append(_existing_routed(profile, routed))
    leave = None if _is_container(profile) else _leave_vpc(profile, name)
    gateway = _gateway_endpoints(profile, present)
    alternatives += [item for item in (leave, gateway) if item is not None]
    # Only what can own a public IP may use public subnets (never an awsvpc task on EC2 capacity).
    if _is_container(profile) and rule is not EgressRule.PRIVATE_ONLY:
        alternatives.append(_public_subnets(network, cost))
    interface = _interface_endpoints(profile, present, used_zones, region)
    ipv6 = _ipv6(profile, network, subnets, name)
    alternatives += [item for item in (interface, ipv6) if item is not None]
    if _is_container(profile):
        assumption = (
            "every container needs ECR (api, dkr), S3 for image layers and CloudWatch Logs; what its own code calls"
            " is not known and not counted"
        )
    elif profile.always_reaches:
        assumption = (
            f"every {profile.noun} reaches {', '.join(profile.always_reaches)}; what its own code calls is not known"
            " and not counted"
        )
    else:
        assumption = (
            f"what the {profile.noun}'s code calls is not known from its configuration: endpoints are priced"
            " per service"
        )
    nat_gateways = tuple((gateway.id, gateway.zone) for gateway in network.nat_gateways)
    return NatAdvice(
        kind=profile.kind,
        vpc_id=network.vpc_id,
        why=_why(profile, network, subnets, rule),
        cannot_reach="the internet (anything outside AWS, and AWS services without an endpoint in the VPC)",
        reachable_services=tuple(sorted(present)),
        nat=cost,
        alternatives=tuple(alternatives),
        assumption=assumption,
        existing_nat_gateways=nat_gateways,
        existing_nat_subnets=tuple((item.id, item.zone) for item in nat_subnets),
    )
