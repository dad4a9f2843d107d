"""Workloads and the networks they land in: a VPC with public, NAT-private and isolated subnets, and one without NAT.

Each builder makes the resource in the simulated account and returns what its CloudTrail event records.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from typing import Any

from vpc_remediator.devkit.scenarios import ZONES

EXEMPT = {"vpc-remediator:exempt": "true"}


@dataclass(frozen=True)
class Topology:
    """A VPC with public, private (NAT) and isolated subnets in two zones, and one without NAT."""

    vpc_id: str
    public: tuple[str, ...]
    private: tuple[str, ...]
    isolated: tuple[str, ...]
    web_sg: str
    ssh_sg: str
    edge_vpc_id: str
    edge_public: tuple[str, ...]
    edge_sg: str


def _subnets(ec2: Any, vpc_id: str, prefix: str, first: int) -> tuple[str, ...]:
    return tuple(
        ec2.create_subnet(VpcId=vpc_id, CidrBlock=f"{prefix}.{first + i}.0/24", AvailabilityZone=zone)["Subnet"][
            "SubnetId"
        ]
        for i, zone in enumerate(ZONES)
    )


def _route_table(ec2: Any, vpc_id: str, subnets: tuple[str, ...], **target: str) -> None:
    table = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", **target)
    for subnet in subnets:
        ec2.associate_route_table(RouteTableId=table, SubnetId=subnet)


def _vpc(ec2: Any, cidr: str) -> tuple[str, str]:
    vpc_id = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    # Tasks' network interfaces get DNS names (moto's run_task needs them).
    ec2.modify_vpc_attribute(VpcId=vpc_id, EnableDnsHostnames={"Value": True})
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc_id)
    return vpc_id, igw


def _group(ec2: Any, vpc_id: str, name: str, ports: tuple[int, ...]) -> str:
    group: str = ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc_id)["GroupId"]
    if ports:
        ec2.authorize_security_group_ingress(
            GroupId=group,
            IpPermissions=[
                {"IpProtocol": "tcp", "FromPort": p, "ToPort": p, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]} for p in ports
            ],
        )
    return group


def build_topology(ec2: Any) -> Topology:
    """The `shop` VPC (public, private with a NAT gateway, isolated) and the `edge` VPC (public only, no NAT).

    The shop VPC's NAT gateway sits in a public subnet of its own, which is not among `public`.
    """
    vpc_id, igw = _vpc(ec2, "10.20.0.0/16")
    public, private, isolated = (_subnets(ec2, vpc_id, "10.20", first) for first in (0, 10, 20))
    # The NAT gateway has a public subnet of its own: a subnet holding a NAT gateway is never a workload's home.
    egress = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.20.30.0/24", AvailabilityZone=ZONES[0])["Subnet"]["SubnetId"]
    _route_table(ec2, vpc_id, (*public, egress), GatewayId=igw)
    nat = ec2.create_nat_gateway(SubnetId=egress, ConnectivityType="public")["NatGateway"]["NatGatewayId"]
    _route_table(ec2, vpc_id, private, NatGatewayId=nat)
    # The isolated subnets have no association: they use the main route table, which has no route out.
    edge_vpc_id, edge_igw = _vpc(ec2, "10.30.0.0/16")
    edge_public = _subnets(ec2, edge_vpc_id, "10.30", 0)
    _route_table(ec2, edge_vpc_id, edge_public, GatewayId=edge_igw)
    return Topology(
        vpc_id=vpc_id,
        public=public,
        private=private,
        isolated=isolated,
        web_sg=_group(ec2, vpc_id, "web", (80, 443)),
        ssh_sg=_group(ec2, vpc_id, "ssh", (22,)),
        edge_vpc_id=edge_vpc_id,
        edge_public=edge_public,
        edge_sg=_group(ec2, edge_vpc_id, "edge", ()),
    )


def awsvpc(subnets: tuple[str, ...], groups: tuple[str, ...], public_ip: bool) -> dict[str, Any]:
    """An ECS network configuration."""
    return {
        "awsvpcConfiguration": {
            "subnets": list(subnets),
            "securityGroups": list(groups),
            "assignPublicIp": "ENABLED" if public_ip else "DISABLED",
        }
    }


def fargate_task_definition(ecs: Any) -> str:
    """An awsvpc Fargate task definition (moto wants container-level memory); its ARN."""
    arn: str = ecs.register_task_definition(
        family="api",
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="256",
        memory="512",
        containerDefinitions=[{"name": "api", "image": "public.ecr.aws/nginx/nginx:latest", "memory": 512}],
    )["taskDefinition"]["taskDefinitionArn"]
    return arn


def ecs_service(
    ecs: Any,
    name: str,
    network: dict[str, Any],
    tags: dict[str, str] | None = None,
    deployment_controller: str = "ECS",
) -> dict[str, Any]:
    """A Fargate service in cluster `shop`; returns the CreateService event's request and response."""
    ecs.create_cluster(clusterName="shop")
    task_definition = fargate_task_definition(ecs)
    request: dict[str, Any] = {
        "cluster": "shop",
        "serviceName": name,
        "taskDefinition": task_definition,
        "desiredCount": 2,
        "deploymentController": {"type": deployment_controller},
    }
    if deployment_controller == "ECS":
        request.update(launchType="FARGATE", networkConfiguration=network)
    if tags:
        request["tags"] = [{"key": key, "value": value} for key, value in tags.items()]
    service = ecs.create_service(**request)["service"]
    return {"request": request, "responseElements": {"service": jsonable(service)}}


def ecs_network(ecs: Any, service_arn: str) -> dict[str, Any]:
    """A service's awsvpcConfiguration as ECS describes it now."""
    service = ecs.describe_services(cluster="shop", services=[service_arn])["services"][0]
    config: dict[str, Any] = service.get("networkConfiguration", {}).get("awsvpcConfiguration", {})
    return config


def lambda_function(lam: Any, iam: Any, name: str, subnets: tuple[str, ...], groups: tuple[str, ...]) -> dict[str, Any]:
    """A function in a VPC; returns the CreateFunction event's request and response."""
    try:
        role = iam.get_role(RoleName="orders")["Role"]["Arn"]
    except iam.exceptions.NoSuchEntityException:
        role = iam.create_role(RoleName="orders", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", "def handler(event, context):\n    return event\n")
    vpc = {"SubnetIds": list(subnets), "SecurityGroupIds": list(groups)}
    code = {"ZipFile": buffer.getvalue()}
    created = lam.create_function(
        FunctionName=name, Runtime="python3.13", Role=role, Handler="app.handler", Code=code, VpcConfig=vpc
    )
    request = {"functionName": name, "vpcConfig": {"subnetIds": list(subnets), "securityGroupIds": list(groups)}}
    return {"request": request, "responseElements": {"functionName": name, "functionArn": created["FunctionArn"]}}


def batch_role(iam: Any) -> str:
    """The role the simulated Batch resources use."""
    try:
        return str(iam.get_role(RoleName="batch")["Role"]["Arn"])
    except iam.exceptions.NoSuchEntityException:
        return str(iam.create_role(RoleName="batch", AssumeRolePolicyDocument="{}")["Role"]["Arn"])


def job_definition(batch: Any, iam: Any, name: str, public_ip: str | None) -> dict[str, Any]:
    """A Fargate job definition; returns the RegisterJobDefinition event's request and response."""
    container: dict[str, Any] = {
        "image": "public.ecr.aws/docker/library/busybox:latest",
        "command": ["echo", "report"],
        "executionRoleArn": batch_role(iam),
        "resourceRequirements": [{"type": "VCPU", "value": "0.25"}, {"type": "MEMORY", "value": "512"}],
    }
    if public_ip is not None:
        container["networkConfiguration"] = {"assignPublicIp": public_ip}
    request = {
        "jobDefinitionName": name,
        "type": "container",
        "platformCapabilities": ["FARGATE"],
        "containerProperties": container,
        "tags": {"team": "reports"},
    }
    registered = batch.register_job_definition(**request)
    response = {key: registered[key] for key in ("jobDefinitionName", "jobDefinitionArn", "revision")}
    return {"request": request, "responseElements": response}


def compute_environment(
    batch: Any, iam: Any, name: str, subnets: tuple[str, ...], groups: tuple[str, ...]
) -> dict[str, Any]:
    """A managed Fargate compute environment; returns the CreateComputeEnvironment event's request and response."""
    request = {
        "computeEnvironmentName": name,
        "type": "MANAGED",
        "state": "ENABLED",
        # moto insists on a service role; AWS would use its service-linked role without one.
        "serviceRole": batch_role(iam),
        "computeResources": {
            "type": "FARGATE",
            "maxvCpus": 8,
            "subnets": list(subnets),
            "securityGroupIds": list(groups),
        },
    }
    created = batch.create_compute_environment(**request)
    response = {key: created[key] for key in ("computeEnvironmentName", "computeEnvironmentArn")}
    return {"request": request, "responseElements": response}


def jsonable(value: Any) -> Any:
    """The value as CloudTrail would record it: JSON types only (dates become strings)."""
    return json.loads(json.dumps(value, default=str))


@dataclass(frozen=True)
class InspectionVpc:
    """A VPC whose workload subnets send 0.0.0.0/0 to a firewall endpoint (a Gateway Load Balancer endpoint, as Network
    Firewall makes) in firewall subnets of their own, which route to the internet gateway; plus isolated subnets."""

    vpc_id: str
    firewall: tuple[str, ...]
    protected: tuple[str, ...]
    isolated: tuple[str, ...]
    endpoints: tuple[str, ...]
    sg: str


def build_inspection_vpc(ec2: Any) -> InspectionVpc:
    """The `inspected` VPC: firewall subnets (an endpoint each, routed to the internet gateway), protected subnets
    routed through the endpoint of their zone, isolated subnets on the main route table."""
    vpc_id, igw = _vpc(ec2, "10.40.0.0/16")
    firewall, protected, isolated = (_subnets(ec2, vpc_id, "10.40", first) for first in (0, 10, 20))
    _route_table(ec2, vpc_id, firewall, GatewayId=igw)
    endpoints = tuple(
        ec2.create_vpc_endpoint(
            VpcId=vpc_id,
            ServiceName="com.amazonaws.vpce.us-east-1.vpce-svc-0f1e2d3c4b5a69788",
            VpcEndpointType="GatewayLoadBalancer",
            SubnetIds=[subnet],
        )["VpcEndpoint"]["VpcEndpointId"]
        for subnet in firewall
    )
    for subnet, endpoint in zip(protected, endpoints, strict=True):
        _route_table(ec2, vpc_id, (subnet,), VpcEndpointId=endpoint)
    return InspectionVpc(vpc_id, firewall, protected, isolated, endpoints, _group(ec2, vpc_id, "inspected", (443,)))


# An image moto knows (its default AMIs): instances launched by a group need one.
IMAGE_ID = "ami-12c6146b"


def autoscaling_group(
    autoscaling: Any,
    ec2: Any,
    name: str,
    subnets: tuple[str, ...],
    groups: tuple[str, ...],
    public_ip: bool | None = None,
    desired: int = 0,
    tags: dict[str, str] | None = None,
) -> dict[str, Any]:
    """An Auto Scaling group launching from a template of its own (AssociatePublicIpAddress on its primary network
    interface when `public_ip` is not None); returns the CreateAutoScalingGroup event's request."""
    data: dict[str, Any] = {"ImageId": IMAGE_ID, "InstanceType": "t4g.micro"}
    if public_ip is None:
        data["SecurityGroupIds"] = list(groups)
    else:
        data["NetworkInterfaces"] = [{"DeviceIndex": 0, "AssociatePublicIpAddress": public_ip, "Groups": list(groups)}]
    ec2.create_launch_template(LaunchTemplateName=name, LaunchTemplateData=data)
    request: dict[str, Any] = {
        "AutoScalingGroupName": name,
        "LaunchTemplate": {"LaunchTemplateName": name, "Version": "$Default"},
        "MinSize": 0,
        "MaxSize": 4,
        "DesiredCapacity": desired,
        "VPCZoneIdentifier": ",".join(subnets),
        "Tags": [{"Key": key, "Value": value, "PropagateAtLaunch": True} for key, value in (tags or {}).items()],
    }
    autoscaling.create_auto_scaling_group(**request)
    return {"request": cloudtrail_casing(request), "responseElements": None}


def cloudtrail_casing(value: Any) -> Any:
    """A query API's parameters as CloudTrail records them: every member name with a lower-case first letter."""
    if isinstance(value, dict):
        return {key[0].lower() + key[1:]: cloudtrail_casing(item) for key, item in value.items()}
    if isinstance(value, list):
        return [cloudtrail_casing(item) for item in value]
    return value


def codebuild_project(
    codebuild: Any, name: str, vpc_id: str, subnets: tuple[str, ...], groups: tuple[str, ...]
) -> dict[str, Any]:
    """A CodeBuild project whose builds run in a VPC; returns the CreateProject event's request and response."""
    request = {
        "name": name,
        "source": {"type": "S3", "location": f"sources/{name}.zip"},
        "artifacts": {"type": "NO_ARTIFACTS"},
        "environment": {
            "type": "LINUX_CONTAINER",
            "image": "aws/codebuild/standard:7.0",
            "computeType": "BUILD_GENERAL1_SMALL",
        },
        "serviceRole": "arn:aws:iam::123456789012:role/codebuild",
        "vpcConfig": {"vpcId": vpc_id, "subnets": list(subnets), "securityGroupIds": list(groups)},
    }
    created = codebuild.create_project(**request)["project"]
    return {"request": request, "responseElements": {"project": jsonable(created)}}
