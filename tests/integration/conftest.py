"""A simulated account (moto, in-process) and helpers to shape its default VPC."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from vpc_remediator.cli.demo_default_vpc import make_default_vpc_work
from vpc_remediator.remediation import placement_event
from vpc_remediator.remediation.placement import MemoryLedger
from vpc_remediator.settings import get_settings

REGION = "us-east-1"


@pytest.fixture(autouse=True)
def aws_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Fake credentials, no endpoint override, the CLI's local Powertools configuration."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "STACK_NAME": "vpc-remediator",
        "POWERTOOLS_METRICS_DISABLED": "true",
        "POWERTOOLS_IDEMPOTENCY_DISABLED": "true",
    }.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE", "IDEMPOTENCY_TABLE", "DRY_RUN"):
        monkeypatch.delenv(name, raising=False)
    # Without a ledger table, decisions are remembered for the life of the process: each test starts afresh.
    monkeypatch.setattr(placement_event, "_LOCAL_LEDGER", MemoryLedger())
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def ec2() -> Iterator[Any]:
    """An EC2 client of a simulated account whose default VPC works as AWS's does."""
    with mock_aws():
        client = boto3.client("ec2", region_name=REGION)
        make_default_vpc_work(client)
        yield client


def default_vpc_id(ec2: Any) -> str | None:
    vpcs = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"]
    return vpcs[0]["VpcId"] if vpcs else None


def main_route_table(ec2: Any, vpc_id: str) -> dict[str, Any]:
    filters = [{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "association.main", "Values": ["true"]}]
    table: dict[str, Any] = ec2.describe_route_tables(Filters=filters)["RouteTables"][0]
    return table


def delete_default_vpc(ec2: Any) -> None:
    vpc_id = default_vpc_id(ec2)
    assert vpc_id
    for subnet in ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"]:
        ec2.delete_subnet(SubnetId=subnet["SubnetId"])
    delete_gateway(ec2)
    ec2.delete_vpc(VpcId=vpc_id)


def delete_gateway(ec2: Any) -> str:
    vpc_id = default_vpc_id(ec2)
    igw = ec2.describe_internet_gateways(Filters=[{"Name": "attachment.vpc-id", "Values": [vpc_id]}])
    igw_id: str = igw["InternetGateways"][0]["InternetGatewayId"]
    ec2.detach_internet_gateway(InternetGatewayId=igw_id, VpcId=vpc_id)
    ec2.delete_internet_gateway(InternetGatewayId=igw_id)
    return igw_id


def delete_last_default_subnet(ec2: Any) -> dict[str, Any]:
    """Delete the default subnet with the highest CIDR (moto re-creates others at a conflicting CIDR)."""
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [default_vpc_id(ec2)]}])["Subnets"]
    subnet: dict[str, Any] = max(subnets, key=lambda s: ipaddress.ip_network(s["CidrBlock"]))
    ec2.delete_subnet(SubnetId=subnet["SubnetId"])
    return subnet


def default_vpc_picture(ec2: Any) -> dict[str, Any]:
    """What a user checks: the VPC, the AZs of its subnets, its attached gateway and default route."""
    vpc_id = default_vpc_id(ec2)
    if vpc_id is None:
        return {"vpc": None}
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"]
    igws = ec2.describe_internet_gateways(Filters=[{"Name": "attachment.vpc-id", "Values": [vpc_id]}])
    routes = main_route_table(ec2, vpc_id)["Routes"]
    route = next((r for r in routes if r.get("DestinationCidrBlock") == "0.0.0.0/0"), None)
    return {
        "vpc": vpc_id,
        "zones": sorted(s["AvailabilityZone"] for s in subnets),
        "igws": [i["InternetGatewayId"] for i in igws["InternetGateways"]],
        "route_target": route.get("GatewayId") if route else None,
    }


def all_zones(ec2: Any) -> list[str]:
    return sorted(z["ZoneName"] for z in ec2.describe_availability_zones()["AvailabilityZones"])
