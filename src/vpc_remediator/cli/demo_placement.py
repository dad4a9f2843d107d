"""Demo act: ECS, Batch and Lambda workloads land in the wrong subnets; the remediator places them.

The scenario builders here also serve the integration tests: one simulated network, the same for both.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from typing import Any

from vpc_remediator.cli.demo import DemoContext, title
from vpc_remediator.cli.samples import load_sample

ZONES = ("us-east-1a", "us-east-1b")
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
    """The `shop` VPC (public, private with a NAT gateway, isolated) and the `edge` VPC (public only, no NAT)."""
    vpc_id, igw = _vpc(ec2, "10.20.0.0/16")
    public, private, isolated = (_subnets(ec2, vpc_id, "10.20", first) for first in (0, 10, 20))
    _route_table(ec2, vpc_id, public, GatewayId=igw)
    nat = ec2.create_nat_gateway(SubnetId=public[0], ConnectivityType="public")["NatGateway"]["NatGatewayId"]
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
    return {"request": request, "responseElements": {"service": _jsonable(service)}}


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


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


def _picture_ecs(ecs: Any, arn: str) -> str:
    config = ecs_network(ecs, arn)
    return f"  subnets {', '.join(config.get('subnets', []))}; assignPublicIp {config.get('assignPublicIp')}"


def placement_act(context: DemoContext) -> None:
    """Place a service, a task, a job definition, a compute environment and two functions; show before and after."""
    ec2, ecs, lam, iam, batch = (context.client(name) for name in ("ec2", "ecs", "lambda", "iam", "batch"))
    topo = build_topology(ec2)
    title("Workload placement: a VPC with public, private (NAT) and isolated subnets")
    print(f"  shop VPC {topo.vpc_id}: public {topo.public}, private/NAT {topo.private}, isolated {topo.isolated}")
    print(f"  edge VPC {topo.edge_vpc_id}: public {topo.edge_public}, no NAT gateway")

    title("ecs-service: a Fargate service in isolated subnets (it cannot even pull its image)")
    created = ecs_service(ecs, "checkout", awsvpc(topo.isolated, (topo.web_sg,), public_ip=False))
    arn = created["responseElements"]["service"]["serviceArn"]
    print("  before:" + _picture_ecs(ecs, arn))
    context.send("CloudTrail: CreateService", load_sample("ecs/CreateService", **created))
    print("  after: " + _picture_ecs(ecs, arn))

    title("ecs-service: public subnets, but behind a security group open on port 22")
    created = ecs_service(ecs, "admin", awsvpc(topo.public, (topo.ssh_sg,), public_ip=False))
    arn = created["responseElements"]["service"]["serviceArn"]
    context.send("CloudTrail: CreateService", load_sample("ecs/CreateService", **created))
    print("  after (unchanged):" + _picture_ecs(ecs, arn))

    title("ecs-service: made by CloudFormation, and one exempt by its tag")
    created = ecs_service(ecs, "stacked", awsvpc(topo.isolated, (topo.web_sg,), public_ip=False))
    context.send(
        "CloudTrail: CreateService by CloudFormation", load_sample("ecs/CreateService_cloudformation", **created)
    )
    created = ecs_service(ecs, "legacy", awsvpc(topo.isolated, (topo.web_sg,), public_ip=False), tags=EXEMPT)
    context.send("CloudTrail: CreateService (exempt)", load_sample("ecs/CreateService_exempt", **created))

    _ecs_task_acts(context, ecs, topo)
    _batch_acts(context, batch, iam, topo)
    _lambda_acts(context, lam, iam, topo)


def _ecs_task_acts(context: DemoContext, ecs: Any, topo: Topology) -> None:
    title("ecs-task: RunTask in isolated subnets (a running task is never stopped)")
    task_definition = ecs.describe_task_definition(taskDefinition="api")["taskDefinition"]["taskDefinitionArn"]
    network = awsvpc(topo.isolated, (topo.web_sg,), public_ip=False)
    run = ecs.run_task(
        cluster="shop", taskDefinition=task_definition, launchType="FARGATE", networkConfiguration=network
    )
    request = {"cluster": "shop", "taskDefinition": task_definition, "networkConfiguration": network}
    context.send("CloudTrail: RunTask", load_sample("ecs/RunTask", request=request, responseElements=_jsonable(run)))

    title("ecs-task-set: an external deployment's task set in isolated subnets")
    ecs_service(ecs, "canary", {}, deployment_controller="EXTERNAL")
    task_set = ecs.create_task_set(
        cluster="shop",
        service="canary",
        taskDefinition=task_definition,
        launchType="FARGATE",
        networkConfiguration=network,
    )["taskSet"]
    context.send(
        "CloudTrail: CreateTaskSet", load_sample("ecs/CreateTaskSet", responseElements={"taskSet": _jsonable(task_set)})
    )


def _batch_acts(context: DemoContext, batch: Any, iam: Any, topo: Topology) -> None:
    title("batch-job-definition: a Fargate job definition without a public IP (AWS's default)")
    compute_environment(batch, iam, "jobs-public", topo.public, (topo.web_sg,))
    registered = job_definition(batch, iam, "nightly-report", public_ip=None)
    print("  before: revisions " + _revisions(batch, "nightly-report"))
    context.send("CloudTrail: RegisterJobDefinition", load_sample("batch/RegisterJobDefinition", **registered))
    print("  after:  revisions " + _revisions(batch, "nightly-report"))

    title("batch-compute-environment: a Fargate compute environment in isolated subnets (dry run)")
    created = compute_environment(batch, iam, "jobs-isolated", topo.isolated, (topo.web_sg,))
    # moto stores no new subnets for UpdateComputeEnvironment, so this act shows the plan (the tests cover the call).
    with context.dry_run():
        context.send("CloudTrail: CreateComputeEnvironment", load_sample("batch/CreateComputeEnvironment", **created))


def _lambda_acts(context: DemoContext, lam: Any, iam: Any, topo: Topology) -> None:
    title("lambda-function: a function in public subnets (no public IP for Lambda: no internet)")
    created = lambda_function(lam, iam, "orders", topo.public, (topo.web_sg,))
    print(f"  before: subnets {_function_subnets(lam, 'orders')}")
    context.send("CloudTrail: CreateFunction20150331", load_sample("lambda/CreateFunction20150331", **created))
    print(f"  after:  subnets {_function_subnets(lam, 'orders')}")

    title("lambda-function: public subnets of a VPC without any NAT gateway")
    created = lambda_function(lam, iam, "edge-hook", topo.edge_public, (topo.edge_sg,))
    context.send("CloudTrail: CreateFunction20150331", load_sample("lambda/CreateFunction20150331", **created))
    print(f"  after (unchanged): subnets {_function_subnets(lam, 'edge-hook')}")


def _revisions(batch: Any, name: str) -> str:
    found = batch.describe_job_definitions(jobDefinitionName=name)["jobDefinitions"]
    return "; ".join(
        f"{item['revision']}: assignPublicIp "
        f"{item['containerProperties'].get('networkConfiguration', {}).get('assignPublicIp', 'absent')}"
        for item in sorted(found, key=lambda item: item["revision"])
    )


def _function_subnets(lam: Any, name: str) -> str:
    return ", ".join(lam.get_function_configuration(FunctionName=name)["VpcConfig"]["SubnetIds"])
