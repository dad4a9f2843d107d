"""Demo act: ECS, Batch, Lambda and CodeBuild workloads land in the wrong subnets; the remediator places them."""

from __future__ import annotations

from typing import Any

from vpc_remediator.cli.demo.context import DemoContext, title
from vpc_remediator.cli.samples import load_sample
from vpc_remediator.devkit.scenarios.placement import (
    EXEMPT,
    Topology,
    autoscaling_group,
    awsvpc,
    build_inspection_vpc,
    build_topology,
    codebuild_project,
    compute_environment,
    ecs_network,
    ecs_service,
    job_definition,
    jsonable,
    lambda_function,
)


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

    _inspection_act(context, ec2, ecs)
    _ecs_task_acts(context, ecs, topo)
    _batch_acts(context, batch, iam, topo)
    _lambda_acts(context, lam, iam, topo)
    _machines_act(context, ec2, topo)
    _codebuild_act(context, topo)


def _inspection_act(context: DemoContext, ec2: Any, ecs: Any) -> None:
    title("ecs-service: a Fargate service whose egress goes through a Network Firewall endpoint")
    inspected = build_inspection_vpc(ec2)
    print(
        f"  inspected VPC {inspected.vpc_id}: firewall subnets {inspected.firewall} (endpoints {inspected.endpoints},"
        f" routed to the internet gateway); protected subnets {inspected.protected} route 0.0.0.0/0 to the endpoints"
    )
    created = ecs_service(ecs, "payments", awsvpc(inspected.protected, (inspected.sg,), public_ip=False))
    arn = created["responseElements"]["service"]["serviceArn"]
    context.send("CloudTrail: CreateService", load_sample("ecs/CreateService", **created))
    print("  after (left in place: a public subnet would bypass the firewall):" + _picture_ecs(ecs, arn))


def _ecs_task_acts(context: DemoContext, ecs: Any, topo: Topology) -> None:
    title("ecs-task: RunTask in isolated subnets (a running task is never stopped)")
    task_definition = ecs.describe_task_definition(taskDefinition="api")["taskDefinition"]["taskDefinitionArn"]
    network = awsvpc(topo.isolated, (topo.web_sg,), public_ip=False)
    run = ecs.run_task(
        cluster="shop", taskDefinition=task_definition, launchType="FARGATE", networkConfiguration=network
    )
    request = {"cluster": "shop", "taskDefinition": task_definition, "networkConfiguration": network}
    context.send("CloudTrail: RunTask", load_sample("ecs/RunTask", request=request, responseElements=jsonable(run)))

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
        "CloudTrail: CreateTaskSet", load_sample("ecs/CreateTaskSet", responseElements={"taskSet": jsonable(task_set)})
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


def _machines_act(context: DemoContext, ec2: Any, topo: Topology) -> None:
    title("autoscaling-group: machines in isolated subnets (their instances would have no way out)")
    autoscaling = context.client("autoscaling")
    # Machines get a public IP only where the subnet maps one on launch (or their launch template asks for one).
    for subnet in topo.public:
        ec2.modify_subnet_attribute(SubnetId=subnet, MapPublicIpOnLaunch={"Value": True})
    print(f"  the shop VPC's public subnets {', '.join(topo.public)} now map public IPs on launch")
    created = autoscaling_group(autoscaling, ec2, "workers", topo.isolated, (topo.web_sg,))
    print(f"  before: subnets {_group_subnets(autoscaling, 'workers')}")
    context.send("CloudTrail: CreateAutoScalingGroup", load_sample("autoscaling/CreateAutoScalingGroup", **created))
    print(f"  after:  subnets {_group_subnets(autoscaling, 'workers')} (new instances only: none was terminated)")


def _group_subnets(autoscaling: Any, name: str) -> str:
    (group,) = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[name])["AutoScalingGroups"]
    return str(group["VPCZoneIdentifier"]).replace(",", ", ")


def _codebuild_act(context: DemoContext, topo: Topology) -> None:
    title("codebuild-project: builds in public subnets (a build never gets a public IP: no internet) (dry run)")
    created = codebuild_project(context.client("codebuild"), "site-build", topo.vpc_id, topo.public, (topo.web_sg,))
    # moto has no UpdateProject, so this act shows the move to private subnets with NAT (the tests make the call).
    with context.dry_run():
        context.send("CloudTrail: CreateProject", load_sample("codebuild/CreateProject", **created))


def _revisions(batch: Any, name: str) -> str:
    found = batch.describe_job_definitions(jobDefinitionName=name)["jobDefinitions"]
    return "; ".join(
        f"{item['revision']}: assignPublicIp "
        f"{item['containerProperties'].get('networkConfiguration', {}).get('assignPublicIp', 'absent')}"
        for item in sorted(found, key=lambda item: item["revision"])
    )


def _function_subnets(lam: Any, name: str) -> str:
    return ", ".join(lam.get_function_configuration(FunctionName=name)["VpcConfig"]["SubnetIds"])
