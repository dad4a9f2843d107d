"""A NAT gateway was created: an informational report with what it costs. NAT gateways are never changed.

Outcome `skipped`: the remediator watches NAT gateways but exempts them from any change by design (a NAT gateway
made on purpose is a choice, and nothing is ever deleted); the report only says what that choice costs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from vpc_remediator.domain.details import NatGatewayDetails, ZonedId
from vpc_remediator.domain.errors import AccessDeniedError, InvalidEventError, ResourceNotFoundError
from vpc_remediator.domain.nat import GATEWAY_SERVICES, money, nat_cost, rate, table_prices
from vpc_remediator.domain.network import VpcNetwork
from vpc_remediator.domain.report import Outcome, Report
from vpc_remediator.events import Trigger
from vpc_remediator.remediation.context import ReportStamp
from vpc_remediator.remediation.ports import NetworkSource, PriceSource

KIND = "nat-gateway"
UNKNOWN_ZONE = "zone unknown"


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def created_gateway(trigger: Trigger) -> dict[str, str]:
    """The new gateway's id, subnet, VPC and connectivity from the CloudTrail record (EC2 wraps them for this call)."""
    response = _mapping(trigger.response.get("CreateNatGatewayResponse") or trigger.response)
    gateway = _mapping(response.get("natGateway"))
    request = _mapping(trigger.request.get("CreateNatGatewayRequest") or trigger.request)
    return {
        "nat_gateway_id": _text("natGatewayId", gateway.get("natGatewayId")),
        "subnet_id": _text("subnetId", gateway.get("subnetId") or request.get("SubnetId")),
        "vpc_id": _text("vpcId", gateway.get("vpcId")),
        "connectivity": _text("connectivityType", gateway.get("connectivityType") or request.get("ConnectivityType"))
        or "public",
    }


def _text(name: str, value: Any) -> str:
    """An identifier from the record, which goes into AWS calls: text, or a malformed event."""
    if value is not None and not isinstance(value, str):
        raise InvalidEventError(f"the record's {name} is not text")
    return value or ""


def _network(facts: dict[str, str], reader: NetworkSource) -> VpcNetwork | None:
    """The gateway's VPC, or None when it cannot be read: the cost does not depend on it, the rest is context."""
    try:
        vpc_id = facts["vpc_id"]
        if not vpc_id and facts["subnet_id"]:
            subnet = reader.subnets([facts["subnet_id"]]).get(facts["subnet_id"])
            vpc_id = subnet.vpc_id if subnet else ""
        return reader.vpc(vpc_id) if vpc_id else None
    except (AccessDeniedError, ResourceNotFoundError):
        return None


def gateway_arn(stamp: ReportStamp, gateway_id: str) -> str:
    """The report's resource: the gateway's ARN."""
    return f"arn:{stamp.partition}:ec2:{stamp.region}:{stamp.account}:natgateway/{gateway_id or 'unknown'}"


def describe_nat_gateway(
    facts: dict[str, str], stamp: ReportStamp, reader: NetworkSource, prices: PriceSource | None = None
) -> Report:
    """The informational report: the gateway's monthly cost, the VPC's NAT total, the free endpoints it lacks."""
    gateway_id = facts["nat_gateway_id"] or "unknown"
    quote = prices.nat_prices(stamp.region) if prices is not None else table_prices(stamp.region)
    cost = nat_cost(stamp.region, [UNKNOWN_ZONE], quote)
    details = NatGatewayDetails(
        nat_gateway_id=facts["nat_gateway_id"],
        subnet_id=facts["subnet_id"],
        vpc_id=facts["vpc_id"],
        connectivity=facts["connectivity"],
        nat_cost=cost.view(),
        remove=f"aws ec2 delete-nat-gateway --nat-gateway-id {gateway_id}  # then release its Elastic IP",
    )
    where = f"subnet {facts['subnet_id'] or 'unknown'}"
    network = _network(facts, reader)
    if network is not None:
        egress = network.egress(facts["subnet_id"])
        zone = egress.zone if egress else None
        cost = nat_cost(stamp.region, [zone or UNKNOWN_ZONE], quote)
        # Each gateway is billed, even two in one zone; the new one may not be listed yet (eventual consistency).
        gateway_ids = {gateway.id for gateway in network.nat_gateways} | {gateway_id}
        missing = tuple(service for service in GATEWAY_SERVICES if service not in network.endpoint_services())
        where = f"{zone or 'an unknown AZ'} (subnet {facts['subnet_id']}, VPC {network.vpc_id})"
        details = replace(
            details,
            zone=zone,
            vpc_id=network.vpc_id,
            nat_cost=cost.view(),
            vpc_nat_gateways=tuple(ZonedId(gateway.id, gateway.zone) for gateway in network.nat_gateways),
            vpc_nat_monthly=float(cost.one_gateway_monthly * len(gateway_ids)),
            missing_gateway_endpoints=missing,
        )
    reason = (
        f"NAT gateway {gateway_id} ({facts['connectivity']}) was created in {where}: it costs"
        f" {money(cost.one_gateway_monthly)} a month ({rate(cost.hour)} an hour x 730 h) plus {rate(cost.gb)} per GB"
        " it processes. NAT gateways are left as they are"
    )
    if details.missing_gateway_endpoints:
        names = " and ".join(details.missing_gateway_endpoints)
        reason += f"; the VPC has no gateway endpoint for {names}: free ones would keep that traffic off the NAT"
    return stamp.report(gateway_arn(stamp, gateway_id), KIND, Outcome.SKIPPED, reason, details=details)
