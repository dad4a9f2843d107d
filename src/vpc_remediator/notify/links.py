"""AWS console links for the resources reports name: each workload kind declares its own, the EC2 ones are here."""

from __future__ import annotations

from urllib.parse import quote

from vpc_remediator.domain.partition import console_host, partition_of
from vpc_remediator.workloads.kind import console_base
from vpc_remediator.workloads.registry import kind_named


def console_url(arn: str, region: str | None = None, kind: str | None = None) -> str | None:
    """The console page of the resource an ARN names, or None when there is no page to link to."""
    workload_kind = kind_named(kind) if kind else None
    if workload_kind is not None:
        return workload_kind.console_url(arn, region or "")
    found = console_base(arn, region or "")
    if found is None or arn.split(":")[2] != "ec2":
        return None
    return _ec2(*found)


def _ec2(base: str, region: str, resource: str) -> str:
    kind, _, resource_id = resource.partition("/")
    page = {
        "vpc": f"VpcDetails:VpcId={resource_id}",
        "subnet": f"SubnetDetails:subnetId={resource_id}",
        "natgateway": f"NatGatewayDetails:natGatewayId={resource_id}",
    }.get(kind)
    # A missing default VPC ("vpc/default") has no page of its own: the list of VPCs shows that it is gone.
    if page is None or not resource_id.startswith(("vpc-", "subnet-", "nat-")):
        page = "vpcs:"
    return f"{base}/vpcconsole/home?region={region}#{page}"


def cloudtrail_url(event_id: str | None, region: str | None) -> str | None:
    """The CloudTrail console page of the event that triggered a report."""
    base = console_host(partition_of(None, region), region) if region else None
    if not event_id or not region or base is None:
        return None
    return f"{base}/cloudtrailv2/home?region={region}#/events/{quote(event_id, errors='replace')}"


def short_name(arn: str) -> str:
    """The readable end of an ARN: vpc-0abc, my-service, my-function."""
    resource = arn.split(":", 5)[-1]
    if resource.startswith("function:"):
        return resource.split(":")[1]
    tail = resource.rsplit("/", 1)[-1]
    return tail or resource
