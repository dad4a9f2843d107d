"""AWS console links for the resources reports name, from their ARNs (one place for every resource kind)."""

from __future__ import annotations

from urllib.parse import quote

# Console pages of the standard partition; China and GovCloud consoles live elsewhere and get no link.
_CONSOLE = "https://{region}.console.aws.amazon.com"


def _base(partition: str, region: str) -> str | None:
    if partition != "aws" or not region:
        return None
    return _CONSOLE.format(region=region)


def console_url(arn: str, region: str | None = None) -> str | None:
    """The console page of the resource an ARN names, or None when there is no page to link to."""
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        return None
    _, partition, service, arn_region, _, resource = parts
    where = arn_region or region or ""
    base = _base(partition, where)
    if base is None:
        return None
    if service == "ec2":
        return _ec2(base, where, resource)
    if service == "ecs":
        return _ecs(base, where, resource)
    if service == "batch":
        page = {"compute-environment": "compute-environments", "job-definition": "job-definition"}
        kind = resource.split("/", 1)[0]
        if kind in page:
            return f"{base}/batch/home?region={where}#{page[kind]}/detail/{quote(arn, safe='')}"
        return f"{base}/batch/home?region={where}"
    if service == "lambda" and resource.startswith("function:"):
        name = resource.split(":")[1]
        return f"{base}/lambda/home?region={where}#/functions/{quote(name)}"
    return None


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


def _ecs(base: str, region: str, resource: str) -> str:
    parts = resource.split("/")
    # Long ARN format: service/<cluster>/<name>, task/<cluster>/<id>, task-set/<cluster>/<service>/<id>.
    if parts[0] == "service" and len(parts) == 3:
        return f"{base}/ecs/v2/clusters/{parts[1]}/services/{parts[2]}/health?region={region}"
    if parts[0] == "task" and len(parts) == 3:
        return f"{base}/ecs/v2/clusters/{parts[1]}/tasks/{parts[2]}/configuration?region={region}"
    if parts[0] == "task-set" and len(parts) == 4:
        return f"{base}/ecs/v2/clusters/{parts[1]}/services/{parts[2]}/deployments?region={region}"
    return f"{base}/ecs/v2/clusters?region={region}"


def cloudtrail_url(event_id: str | None, region: str | None) -> str | None:
    """The CloudTrail console page of the event that triggered a report."""
    if not event_id or not region:
        return None
    return f"{_CONSOLE.format(region=region)}/cloudtrailv2/home?region={region}#/events/{quote(event_id)}"


def short_name(arn: str) -> str:
    """The readable end of an ARN: vpc-0abc, my-service, my-function."""
    resource = arn.split(":", 5)[-1]
    if resource.startswith("function:"):
        return resource.split(":")[1]
    tail = resource.rsplit("/", 1)[-1]
    return tail or resource
