"""Each function's IAM permissions in template.yaml, checked both ways against the AWS calls its code makes.

moto enforces no IAM, so the calls are recorded on the process's boto3 session (botocore's before-call event) while each
function runs as Lambda runs it: its handler, with Powertools' idempotency on a table, the reports queue and the ledger,
over scenarios that take every path that calls AWS (a repair, a redelivered event, a failure, every workload kind).
Every call must be granted, and every action granted must be called: a right nothing uses is a right to remove. The
few granted actions the code never calls itself are listed below, each with the reason.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import EndpointConnectionError
from botocore.stub import Stubber
from moto import mock_aws

from tests.integration import test_data_kinds as data_kinds
from tests.integration import test_platform_corpus as corpus
from tests.integration.conftest import regions
from tests.support.nat_gateway import created_nat, event_for
from vpc_remediator.aws import secrets
from vpc_remediator.bootstrap import region_for
from vpc_remediator.cli.local import LocalContext
from vpc_remediator.cli.samples import load_sample
from vpc_remediator.cli.template import load_template
from vpc_remediator.devkit.api_calls import counting
from vpc_remediator.devkit.receiver import LocalReceiver
from vpc_remediator.devkit.scenarios import REGION
from vpc_remediator.devkit.scenarios.default_vpc import (
    default_vpc_id,
    delete_default_vpc,
    delete_last_default_subnet,
    main_route_table,
)
from vpc_remediator.devkit.scenarios.placement import (
    IMAGE_ID,
    autoscaling_group,
    awsvpc,
    batch_role,
    build_topology,
    codebuild_project,
    compute_environment,
    ecs_service,
    job_definition,
    lambda_function,
)
from vpc_remediator.domain.errors import AwsCallError
from vpc_remediator.handlers import _runtime
from vpc_remediator.handlers._runtime import report_queue
from vpc_remediator.remediation.entry import Home, on_placement_event, on_sweep_event
from vpc_remediator.settings import Settings, get_settings

TEMPLATE = load_template(Path(__file__).resolve().parents[2] / "template.yaml")
RESOURCES = TEMPLATE["Resources"]
ACCOUNT = "123456789012"

# API operations whose IAM action has another name (the Service Authorization Reference): SQS authorizes its batch
# calls as the single ones, Lambda's Invoke is lambda:InvokeFunction.
IAM_ACTION = {
    "sqs:SendMessageBatch": "sqs:SendMessage",
    "sqs:DeleteMessageBatch": "sqs:DeleteMessage",
    "lambda:Invoke": "lambda:InvokeFunction",
}

# Granted, and never called by the function's code: each one line why.
_GET_ITEM = (
    "Powertools reads a record only when a failed conditional put does not return it; DynamoDB (as moto) returns it "
    "(ReturnValuesOnConditionCheckFailure)"
)
_PLACING = {
    "dynamodb:GetItem": _GET_ITEM,
    "ec2:DescribeVpcs": "UpdateFunctionConfiguration with a VpcConfig checks that its caller may describe VPCs "
    "(Lambda's documented user permissions)",
    "iam:PassRole": "not an API call: RegisterJobDefinition checks it for the roles a revision passes on",
    "batch:TagResource": "not an API call here: RegisterJobDefinition checks it when the revision carries tags",
}
_TAG_ON_CREATE = {
    "ec2:CreateTags": "not an API call: CreateInternetGateway checks it for the tags the gateway is made with",
}
_EVENT_SOURCE = "Lambda's SQS event source calls it with the function's role, the code never does"
_RUNTIME = "Lambda itself uses it with the function's role (its logs, its active tracing)"
LAMBDA_ITSELF = {
    "logs:CreateLogStream": _RUNTIME,
    "logs:PutLogEvents": _RUNTIME,
    "xray:PutTraceSegments": _RUNTIME,
    "xray:PutTelemetryRecords": _RUNTIME,
}
# Granted in organization mode only (AssumeMemberExecRole, Condition IsOrganization): these tests run account mode.
_ORGANIZATION = "organization mode only: the function acts in a member as its exec role (AssumeMemberExecRole)"
ORGANIZATION_MODE = {"sts:AssumeRole": _ORGANIZATION, "sts:SetSourceIdentity": _ORGANIZATION}
NOT_CALLED_BY_THE_CODE: dict[str, dict[str, str]] = {
    "DefaultVpcFunction": {**LAMBDA_ITSELF, **_TAG_ON_CREATE, **ORGANIZATION_MODE, "dynamodb:GetItem": _GET_ITEM},
    "NatGatewayFunction": {**LAMBDA_ITSELF, **ORGANIZATION_MODE, "dynamodb:GetItem": _GET_ITEM},
    "PlacementFunction": {**LAMBDA_ITSELF, **ORGANIZATION_MODE, **_PLACING},
    # The sweep also repairs the default VPC: it does read VPCs.
    "SweepFunction": {
        **LAMBDA_ITSELF,
        **ORGANIZATION_MODE,
        **_TAG_ON_CREATE,
        **{action: why for action, why in _PLACING.items() if action != "ec2:DescribeVpcs"},
        "ecs:DescribeClusters": "only for a service that names neither a launch type nor a strategy, a shape moto "
        "cannot hold (it reports launchType EC2); PlacementFunction's test takes that path with AWS's shapes",
        "codebuild:UpdateProject": "moto has no UpdateProject: PlacementFunction's test makes it through the Stubber",
        "apprunner:DescribeVpcConnector": "the sweep reads connectors from ListVpcConnectors, whole",
    },
    "NotifierFunction": {
        **LAMBDA_ITSELF,
        "sqs:ReceiveMessage": _EVENT_SOURCE,
        "sqs:DeleteMessage": _EVENT_SOURCE,
        "sqs:GetQueueAttributes": _EVENT_SOURCE,
    },
}


def _statements(node: Any) -> list[dict[str, Any]]:
    """The statements of a policy entry: a managed policy's Ref, or a policy of the role's own."""
    if "Fn::If" in node:  # a conditional policy (Slack on) counts as granted
        return _statements(node["Fn::If"][1])
    if "Ref" in node:
        return list(RESOURCES[node["Ref"]]["Properties"]["PolicyDocument"]["Statement"])
    return list(node["PolicyDocument"]["Statement"])


def granted_actions(function: str) -> set[str]:
    """Every action the template allows the function's role: its managed policies, its own policies, and the
    policies attached to it by name."""
    role = RESOURCES[function]["Properties"]["Role"]["Fn::GetAtt"][0]
    properties = RESOURCES[role]["Properties"]
    entries = [*properties.get("ManagedPolicyArns", []), *properties.get("Policies", [])]
    entries += [
        item["Properties"]
        for item in RESOURCES.values()
        if item["Type"] == "AWS::IAM::Policy"
        and {"Ref": role} in item["Properties"]["Roles"]
        # These scenarios run in account mode, where the organization's policies do not exist.
        and item.get("Condition") != "IsOrganization"
    ]
    actions: set[str] = set()
    for entry in entries:
        for statement in _statements(entry):
            if statement["Effect"] == "Allow":
                action = statement["Action"]
                actions.update(action if isinstance(action, list) else [action])
    return actions


# Called, and needing no grant (the Service Authorization Reference): each one line why.
NEEDS_NO_GRANT = {
    "sts:GetCallerIdentity": "needs no permission, and a Deny cannot stop it: a Glue connection ARN needs the account",
}


def assert_calls_match_grants(function: str, called: set[str]) -> None:
    """Every call granted, every grant called (or listed in NOT_CALLED_BY_THE_CODE, and then really not called)."""
    actions = {IAM_ACTION.get(call, call) for call in called} - set(NEEDS_NO_GRANT)
    granted = granted_actions(function)
    assert not actions - granted, f"{function} calls {sorted(actions - granted)}, which template.yaml does not grant"
    exceptions = NOT_CALLED_BY_THE_CODE[function]
    unused = granted - actions - set(exceptions)
    assert not unused, f"{function} is granted {sorted(unused)}, which none of its calls needs: remove them"
    stale = sorted(actions & set(exceptions))
    assert not stale, f"{function} does call {stale}: remove them from NOT_CALLED_BY_THE_CODE"


# One simulated account, configured as the template configures the functions -----------------------------------------


@pytest.fixture
def lambda_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    """A simulated account with the stack's tables and queue, and the functions' environment pointing at them."""
    with mock_aws():
        dynamodb = boto3.client("dynamodb", region_name=REGION)
        for table, keys in (("idempotency", ("id",)), ("ledger", ("resource", "at"))):
            dynamodb.create_table(
                TableName=table,
                AttributeDefinitions=[{"AttributeName": key, "AttributeType": "S"} for key in keys],
                KeySchema=[
                    {"AttributeName": key, "KeyType": kind} for key, kind in zip(keys, ("HASH", "RANGE"), strict=False)
                ],
                BillingMode="PAY_PER_REQUEST",
            )
        queue = boto3.client("sqs", region_name=REGION).create_queue(QueueName="reports")["QueueUrl"]
        for name, value in {
            "IDEMPOTENCY_TABLE": "idempotency",
            "POWERTOOLS_IDEMPOTENCY_DISABLED": "false",
            "REPORTS_QUEUE_URL": queue,
            "LEDGER_TABLE": "ledger",
        }.items():
            monkeypatch.setenv(name, value)
        forget_clients()
        names = ("ec2", "ecs", "lambda", "iam", "batch", "autoscaling", "eks", "codebuild")
        yield {name: boto3.client(name, region_name=REGION) for name in names}
        forget_clients()


def forget_clients() -> None:
    """Clients made before a test would not be counted (a client copies its session's event hooks when it is made):
    the reports queue's, the webhook secret's and Powertools' idempotency store's are made afresh in each test."""
    get_settings.cache_clear()
    report_queue.cache_clear()
    secrets.clear_cache()
    _runtime._guarded.cache_clear()


def function_arn(function: str) -> str:
    """The function's own ARN, as Lambda puts it in the context."""
    return f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:vpc-remediator-{function}-AbC"


def run(function: str, handler: Callable[..., Any], event: dict[str, Any]) -> Any:
    """The handler, called as Lambda calls it."""
    return handler(event, LocalContext(function, invoked_function_arn=function_arn(function)))


def failing_once(operation: str, service: str = "ec2") -> None:
    """Make the next call of that operation fail as an unreachable endpoint does (a handler then raises for Lambda to
    retry, and Powertools deletes its record of the event)."""
    clients = region_for(REGION).clients
    events = (clients.lambda_() if service == "lambda" else clients.ec2()).meta.events
    event_name = f"before-call.{service}.{operation}"

    def fail(**_: Any) -> None:
        events.unregister(event_name, unique_id="permissions-fault")
        raise EndpointConnectionError(endpoint_url=f"https://{service}.example")

    events.register(event_name, fail, unique_id="permissions-fault")


def redelivered(event: dict[str, Any], event_id: str | None = None) -> dict[str, Any]:
    """The event delivered again by EventBridge (Powertools answers it from its record); with an event_id, another
    event of the same shape (the function handles it afresh)."""
    again = dict(event, id=f"{event['id']}-again")
    if event_id is not None:
        again["id"] = event_id
        if "eventID" in event["detail"]:
            again["detail"] = {**event["detail"], "eventID": event_id}
    return again


# The functions ----------------------------------------------------------------------------------------------------


def test_the_default_vpc_function_calls_exactly_what_it_is_granted(lambda_environment: dict[str, Any]) -> None:
    from vpc_remediator.handlers.default_vpc import lambda_handler  # noqa: PLC0415  (after the environment is set)

    ec2 = lambda_environment["ec2"]
    delete_default_vpc(ec2)
    deleted = load_sample("ec2/DeleteVpc")
    with counting() as counter:
        # The VPC, its gateway and route rebuilt; the same event again; a subnet; a route to a stale gateway.
        (repaired,) = run("DefaultVpcFunction", lambda_handler, deleted)
        # Powertools answers the same event from its record: the counts and resources, not the reports again.
        replayed = run("DefaultVpcFunction", lambda_handler, redelivered(deleted))
        assert replayed == {"reports": 1, "outcomes": {"remediated": 1}, "resources": [repaired["resource"]]}
        delete_last_default_subnet(ec2)
        (subnet,) = run("DefaultVpcFunction", lambda_handler, load_sample("ec2/DeleteSubnet"))
        table = main_route_table(ec2, str(default_vpc_id(ec2)))["RouteTableId"]
        stale = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
        ec2.replace_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", GatewayId=stale)
        (route,) = run("DefaultVpcFunction", lambda_handler, load_sample("ec2/ReplaceRoute"))
        failing_once("DescribeVpcs")
        with pytest.raises(AwsCallError, match="Could not connect"):
            run("DefaultVpcFunction", lambda_handler, load_sample("ec2/DeleteRoute"))
    assert [report["outcome"] for report in (repaired, subnet, route)] == ["remediated"] * 3
    assert {"ec2:CreateDefaultSubnet", "ec2:ReplaceRoute", "dynamodb:DeleteItem"} <= set(counter.calls)
    assert_calls_match_grants("DefaultVpcFunction", set(counter.calls))


def test_the_nat_gateway_function_calls_exactly_what_it_is_granted(lambda_environment: dict[str, Any]) -> None:
    from vpc_remediator.handlers.nat_gateway import lambda_handler  # noqa: PLC0415  (after the environment is set)

    event = event_for(created_nat(lambda_environment["ec2"]))
    with counting() as counter:
        (report,) = run("NatGatewayFunction", lambda_handler, event)
        failing_once("DescribeNatGateways")
        with pytest.raises(AwsCallError, match="Could not connect"):
            run(
                "NatGatewayFunction",
                lambda_handler,
                redelivered(event, "another-call"),
            )
    assert report["kind"] == "nat-gateway"
    assert_calls_match_grants("NatGatewayFunction", set(counter.calls))


def placement_events(client: dict[str, Any]) -> list[dict[str, Any]]:
    """One event of every workload kind in need of a change, in a topology with an HTTPS rule through a prefix list."""
    ec2, ecs, batch, iam = client["ec2"], client["ecs"], client["batch"], client["iam"]
    topo = build_topology(ec2)
    prefix_list = ec2.create_managed_prefix_list(
        PrefixListName="partners", MaxEntries=2, AddressFamily="IPv4", Entries=[{"Cidr": "0.0.0.0/0"}]
    )["PrefixList"]["PrefixListId"]
    permission = {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "PrefixListIds": [{"PrefixListId": prefix_list}]}
    ec2.authorize_security_group_ingress(GroupId=topo.web_sg, IpPermissions=[permission])
    groups = (topo.web_sg,)
    service = ecs_service(ecs, "checkout", awsvpc(topo.isolated, groups, False))
    definition = ecs.describe_task_definition(taskDefinition="api")["taskDefinition"]["taskDefinitionArn"]
    network = awsvpc(topo.isolated, groups, public_ip=False)
    task = ecs.run_task(cluster="shop", taskDefinition=definition, launchType="FARGATE", networkConfiguration=network)
    started = [{"taskArn": task["tasks"][0]["taskArn"], "clusterArn": task["tasks"][0]["clusterArn"]}]
    ecs_service(ecs, "canary", {}, deployment_controller="EXTERNAL")
    task_set = ecs.create_task_set(
        cluster="shop", service="canary", taskDefinition=definition, launchType="FARGATE", networkConfiguration=network
    )["taskSet"]
    compute_environment(batch, iam, "jobs", topo.public, groups)
    bridge = ecs.register_task_definition(
        family="legacy", networkMode="bridge", containerDefinitions=[{"name": "a", "image": "nginx", "memory": 256}]
    )["taskDefinition"]["taskDefinitionArn"]
    legacy = ecs.create_service(cluster="shop", serviceName="legacy", taskDefinition=bridge, desiredCount=1)["service"]
    instance = ec2.run_instances(ImageId=IMAGE_ID, MinCount=1, MaxCount=1, SubnetId=topo.isolated[0])["Instances"][0][
        "InstanceId"
    ]
    # Auto Scaling groups: one moved to public subnets that map public IPs, one launching from a configuration.
    for subnet in topo.public:
        ec2.modify_subnet_attribute(SubnetId=subnet, MapPublicIpOnLaunch={"Value": True})
    client["autoscaling"].create_launch_configuration(
        LaunchConfigurationName="legacy", ImageId=IMAGE_ID, InstanceType="t4g.micro", SecurityGroups=list(groups)
    )
    client["autoscaling"].create_auto_scaling_group(
        AutoScalingGroupName="legacy",
        LaunchConfigurationName="legacy",
        MinSize=0,
        MaxSize=1,
        VPCZoneIdentifier=",".join(topo.private),
    )
    return [
        load_sample(
            "ecs/CreateService",
            request={"cluster": "shop", "serviceName": "legacy", "taskDefinition": bridge},
            responseElements={"service": {"serviceArn": legacy["serviceArn"], "clusterArn": "shop"}},
        ),
        load_sample("ecs/CreateService", **service),
        load_sample(
            "ecs/RunTask",
            request={"cluster": "shop", "taskDefinition": definition, "networkConfiguration": network},
            responseElements={"tasks": started},
        ),
        load_sample("ecs/CreateTaskSet", responseElements={"taskSet": {k: str(v) for k, v in task_set.items()}}),
        load_sample(
            "lambda/CreateFunction20150331", **lambda_function(client["lambda"], iam, "orders", topo.public, groups)
        ),
        load_sample("batch/RegisterJobDefinition", **job_definition(batch, iam, "nightly-report", None)),
        load_sample(
            "batch/CreateComputeEnvironment", **compute_environment(batch, iam, "later", topo.isolated, groups)
        ),
        # A function in a VPC without NAT: needs-nat, its advice priced from the Price List (pricing:GetProducts).
        load_sample(
            "lambda/CreateFunction20150331",
            **lambda_function(client["lambda"], iam, "edge", topo.edge_public, (topo.edge_sg,)),
        ),
        load_sample(
            "autoscaling/CreateAutoScalingGroup",
            **autoscaling_group(client["autoscaling"], ec2, "workers", topo.isolated, groups),
        ),
        load_sample(
            "autoscaling/UpdateAutoScalingGroup",
            request={"autoScalingGroupName": "legacy", "vPCZoneIdentifier": ",".join(topo.private)},
        ),
        # An instance someone launched into an isolated subnet: reported with its corrected launch network.
        load_sample("ec2/RunInstances", responseElements={"instancesSet": {"items": [{"instanceId": instance}]}}),
        # A Fargate profile in isolated subnets: reported with its replacement (CodeBuild and App Runner: the corpus).
        load_sample("eks/CreateFargateProfile", **fargate_profile(client["eks"], "web", topo.isolated)),
        # SageMaker: a notebook instance, a training job and a processing job in public subnets (reported, never
        # changed). Glue connections are moved through a stubbed client (moto has no UpdateConnection).
        data_kinds.notebook("research", topo.public[0], groups),
        data_kinds.training_job("churn", topo.public, groups),
        data_kinds.processing_job("features", topo.public, groups),
    ]


def fargate_profile(eks: Any, name: str, subnets: tuple[str, ...]) -> dict[str, Any]:
    """A Fargate profile of cluster `shop`; its CreateFargateProfile event's request and response."""
    role = f"arn:aws:iam::{ACCOUNT}:role/eks-fargate-pods"
    if "shop" not in eks.list_clusters()["clusters"]:
        eks.create_cluster(name="shop", roleArn=role, resourcesVpcConfig={"subnetIds": list(subnets)})
    created = eks.create_fargate_profile(
        clusterName="shop",
        fargateProfileName=name,
        podExecutionRoleArn=role,
        subnets=list(subnets),
        selectors=[{"namespace": name}],
    )["fargateProfile"]
    request = {"name": "shop", "fargateProfileName": name, "subnets": list(subnets)}
    return {
        "request": request,
        "responseElements": {"fargateProfile": {"fargateProfileArn": created["fargateProfileArn"]}},
    }


def corpus_ids(name: str, client: dict[str, Any]) -> dict[str, str]:
    """What the corpus of real shapes names in its cases, made in this account."""
    topo = build_topology(client["ec2"])
    return {
        "public_a": topo.public[0],
        "public_b": topo.public[1],
        "isolated_a": topo.isolated[0],
        "isolated_b": topo.isolated[1],
        "private_a": topo.private[0],
        "private_b": topo.private[1],
        "web_sg": topo.web_sg,
        "batch_role": batch_role(client["iam"]),
        "instance_profile": client["iam"].create_instance_profile(InstanceProfileName=f"{name}-instances")[
            "InstanceProfile"
        ]["Arn"],
        **corpus._batch_vpc(client["ec2"]),
    }


def corpus_case(name: str, client: dict[str, Any], counter: Any) -> list[str]:
    """A case of the corpus of real shapes through PlacementFunction's entry point, its stubbed calls counted too
    (moto cannot hold those shapes); the outcome of each report."""
    ids = corpus_ids(name, client)
    case = corpus.load_case(name, ids)
    corpus._prepare(corpus.Account(client, ids), case.get("moto", []))
    stubbed = corpus._stubbed(case)
    for stubbed_client, _ in stubbed.values():
        # The stub answers in before-call; parameters are built before it, so the counter sees every stubbed call.
        stubbed_client.meta.events.register("before-parameter-build", counter)
    event = load_sample(
        case["event"]["sample"],
        request=case["event"]["requestParameters"],
        responseElements=case["event"]["responseElements"],
    )
    preset = {service: stubbed_client for service, (stubbed_client, _) in stubbed.items()}
    settings = Settings(stack_name="vpc-remediator", ledger_table="ledger")
    reports = on_placement_event(event, regions(settings, **preset), home=Home(ACCOUNT))
    return [report.outcome.value for report in reports]


def glue_case(client: dict[str, Any], counter: Any) -> list[str]:
    """A Glue connection moved through PlacementFunction's entry point, its stubbed calls counted too."""
    topo = build_topology(client["ec2"])
    glue, stubber, _, _ = data_kinds.glue_move(topo)
    glue.meta.events.register("before-parameter-build", counter)
    settings = Settings(stack_name="vpc-remediator", ledger_table="ledger")
    reports = on_placement_event(data_kinds.glue_event(topo), regions(settings, glue=glue), home=Home(ACCOUNT))
    stubber.assert_no_pending_responses()
    return [report.outcome.value for report in reports]


def stubbed_sweep(client: dict[str, Any], counter: Any) -> list[tuple[str, str]]:
    """A sweep of running SageMaker jobs and a Glue connection to move (shapes moto cannot hold), calls counted."""
    topo = build_topology(client["ec2"])
    sagemaker, stubber = data_kinds.stubbed_sagemaker_for_a_sweep(topo)
    glue, glue_stubber, _, _ = data_kinds.glue_move(topo, first="get_connections")
    for stubbed in (sagemaker, glue):
        stubbed.meta.events.register("before-parameter-build", counter)
    settings = Settings(stack_name="vpc-remediator", ledger_table="ledger", manage_default_vpc=False)
    scheduled = load_sample("events/Scheduled_sweep")
    swept = on_sweep_event(scheduled, regions(settings, sagemaker=sagemaker, glue=glue), lambda: False, Home(ACCOUNT))
    stubber.assert_no_pending_responses()
    glue_stubber.assert_no_pending_responses()
    return [(report.kind, report.outcome.value) for report in swept.reports[1:]]


def test_the_placement_function_calls_exactly_what_it_is_granted(lambda_environment: dict[str, Any]) -> None:
    from vpc_remediator.handlers.placement import lambda_handler  # noqa: PLC0415  (after the environment is set)

    events = placement_events(lambda_environment)
    with counting() as counter:
        outcomes = [report["outcome"] for event in events for report in run("PlacementFunction", lambda_handler, event)]
        failing_once("DescribeSubnets")
        with pytest.raises(AwsCallError, match="Could not connect"):
            run(
                "PlacementFunction",
                lambda_handler,
                redelivered(events[1], "another-call"),
            )
        # A service whose platform comes from its cluster's default strategy; a Batch EC2 environment's launch template.
        outcomes += corpus_case("ecs_cluster_default_fargate", lambda_environment, counter)
        outcomes += corpus_case("batch_ec2_launch_template", lambda_environment, counter)
        # An EKS node group in public subnets that map no public IP (EKS stubbed: moto lacks the cluster's group).
        outcomes += corpus_case("eks_nodegroup_no_public_ip", lambda_environment, counter)
        # CodeBuild's UpdateProject and App Runner: shapes moto cannot hold.
        outcomes += corpus_case("codebuild_public", lambda_environment, counter)
        outcomes += corpus_case("apprunner_connector_public", lambda_environment, counter)
        outcomes += glue_case(lambda_environment, counter)
    # The compute environment's change is made but reads back unchanged: moto ignores computeResources (DESIGN notes).
    assert outcomes == [
        "skipped",
        "remediated",
        "skipped",
        "skipped",
        "remediated",
        "remediated",
        "failed",
        "needs-nat",
        "remediated",
        "compliant",
        "skipped",
        "skipped",
        "skipped",
        "skipped",
        "skipped",
        "remediated",
        "compliant",
        "skipped",
        "remediated",
        "skipped",
        "remediated",
    ]
    assert {
        "ec2:GetManagedPrefixListEntries",
        "ecs:DescribeClusters",
        "ec2:DescribeLaunchTemplateVersions",
        "pricing:GetProducts",
    } <= set(counter.calls)
    assert_calls_match_grants("PlacementFunction", set(counter.calls))


def eks_nodegroups(eks: Any, ec2: Any) -> None:
    """A cluster with two node groups in private subnets, one launching from a template (EKS reads its version), one
    behind the cluster's security group (EKS reads the cluster)."""
    private = build_topology(ec2).private
    if "shop" not in eks.list_clusters()["clusters"]:  # the placement events' Fargate profile made it already
        eks.create_cluster(name="shop", roleArn=f"arn:aws:iam::{ACCOUNT}:role/eks", resourcesVpcConfig={})
    template = ec2.create_launch_template(LaunchTemplateName="nodes", LaunchTemplateData={"ImageId": IMAGE_ID})
    role = f"arn:aws:iam::{ACCOUNT}:role/eks-nodes"
    eks.create_nodegroup(clusterName="shop", nodegroupName="plain", subnets=list(private), nodeRole=role)
    eks.create_nodegroup(
        clusterName="shop",
        nodegroupName="templated",
        subnets=list(private),
        nodeRole=role,
        launchTemplate={"id": template["LaunchTemplate"]["LaunchTemplateId"], "version": "1"},
    )


def listed_vpc_connectors(counter: Any) -> Stubber:
    """moto has no App Runner: the sweep's client is stubbed, one ListVpcConnectors page per sweep (one connector with
    its tags in the second), its calls counted as the session's are."""
    stubbed = boto3.client("apprunner", region_name=REGION)
    stubbed.meta.events.register("before-parameter-build", counter)
    stubber = Stubber(stubbed)
    arn = f"arn:aws:apprunner:{REGION}:{ACCOUNT}:vpcconnector/orders/1/0123456789abcdef0123456789abcdef"
    connector = {"VpcConnectorName": "orders", "VpcConnectorArn": arn, "Subnets": [], "Status": "ACTIVE"}
    for page in ([], [connector], []):
        stubber.add_response("list_vpc_connectors", {"VpcConnectors": page}, {"MaxResults": 100})
        if page:
            stubber.add_response("list_tags_for_resource", {"Tags": []}, {"ResourceArn": arn})
    stubber.activate()
    region_for(REGION).clients._clients["apprunner"] = stubbed  # the factory hands it out as it is
    return stubber


class CloseToItsTimeout(LocalContext):
    """An invocation with a second left: the sweep hands its cursor to a new invocation of itself."""

    def get_remaining_time_in_millis(self) -> int:
        return 1_000


def test_the_sweep_calls_exactly_what_it_is_granted(lambda_environment: dict[str, Any]) -> None:
    from vpc_remediator.handlers.sweep import lambda_handler  # noqa: PLC0415  (after the environment is set)

    client = lambda_environment
    ec2 = client["ec2"]
    scheduled = load_sample("events/Scheduled_sweep")
    delete_default_vpc(ec2)
    with counting() as counter:
        connectors = listed_vpc_connectors(counter)
        rebuilt = run("SweepFunction", lambda_handler, scheduled)
        # Every workload kind (a Batch EC2 environment with a launch template too), a missing default subnet, then a
        # default route to a stale gateway.
        placement_events(client)
        ids = corpus_ids("batch_ec2_launch_template", client)
        case = corpus.load_case("batch_ec2_launch_template", ids)
        corpus._prepare(corpus.Account(client, ids), case["moto"])
        eks_nodegroups(client["eks"], ec2)
        # A build project in private subnets with NAT: listed, read, compliant (moto has no UpdateProject:
        # PlacementFunction's test makes that call through the corpus's Stubber).
        private = (ids["private_a"], ids["private_b"])
        codebuild_project(client["codebuild"], "site-build", "vpc-0shop", private, (ids["web_sg"],))
        delete_last_default_subnet(ec2)
        placed = run("SweepFunction", lambda_handler, redelivered(scheduled, "second"))
        table = main_route_table(ec2, str(default_vpc_id(ec2)))["RouteTableId"]
        stale = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
        ec2.replace_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", GatewayId=stale)
        rerouted = run("SweepFunction", lambda_handler, redelivered(scheduled, "third"))
        # Close to its timeout it invokes itself (the first try cannot reach Lambda: the handler raises).
        lambda_function(client["lambda"], client["iam"], "vpc-remediator-SweepFunction-AbC", (), ())
        close = CloseToItsTimeout("SweepFunction", invoked_function_arn=function_arn("SweepFunction"))
        failing_once("Invoke", "lambda")
        with pytest.raises(AwsCallError, match="Could not connect"):
            lambda_handler(redelivered(scheduled, "fourth"), close)
        handed_over = lambda_handler(redelivered(scheduled, "fourth"), close)
        data_outcomes = stubbed_sweep(client, counter)
    outcomes = [[(report["kind"], report["outcome"]) for report in run[1:]] for run in (rebuilt, placed, rerouted)]
    assert outcomes[0] == [("default-vpc", "remediated")]
    assert ("ecs-service", "remediated") in outcomes[1] and ("default-vpc", "remediated") in outcomes[1]
    assert outcomes[2][0] == ("default-vpc", "remediated")
    assert handed_over[0]["details"]["continues_from"] is not None
    assert ("lambda-function", "needs-nat") in outcomes[1]  # priced from the Price List
    assert ("autoscaling-group", "remediated") in outcomes[1]
    assert ("ec2-instance", "skipped") in outcomes[1]
    assert ("eks-fargate-profile", "skipped") in outcomes[1]
    connectors.assert_no_pending_responses()
    assert ("sagemaker-notebook", "skipped") in outcomes[1] and ("glue-connection", "remediated") in data_outcomes
    assert {"lambda:Invoke", "ec2:CreateDefaultVpc", "ec2:ReplaceRoute", "dynamodb:DeleteItem"} <= set(counter.calls)
    assert_calls_match_grants("SweepFunction", set(counter.calls))


def test_the_notifier_calls_exactly_what_it_is_granted(
    lambda_environment: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from vpc_remediator.handlers import notifier  # noqa: PLC0415  (after the environment is set)

    with LocalReceiver() as receiver:
        secret = boto3.client("secretsmanager", region_name=REGION).create_secret(
            Name="slack-webhook", SecretString=json.dumps({"url": receiver.url})
        )["ARN"]
        monkeypatch.setenv("SLACK_WEBHOOK_SECRET_ARN", secret)
        get_settings.cache_clear()
        report = {
            "resource": f"arn:aws:ecs:{REGION}:{ACCOUNT}:service/shop/checkout",
            "kind": "ecs-service",
            "outcome": "remediated",
            "reason": "moved to public subnets",
            "actions": [],
            "event_id": "event-1",
            "account": ACCOUNT,
            "region": REGION,
        }
        record = {
            "messageId": "message-1",
            "receiptHandle": "handle-1",
            "body": json.dumps(report),
            "attributes": {"ApproximateReceiveCount": "1"},
            "messageAttributes": {},
            "eventSource": "aws:sqs",
            "eventSourceARN": f"arn:aws:sqs:{REGION}:{ACCOUNT}:reports",
            "awsRegion": REGION,
        }
        dead_letters = boto3.client("sqs", region_name=REGION).create_queue(QueueName="dead-letters")["QueueUrl"]
        monkeypatch.setenv("REPORTS_DEAD_LETTER_QUEUE_URL", dead_letters)
        get_settings.cache_clear()
        unreadable = {**record, "messageId": "message-2", "body": "not a report"}
        with counting() as counter:
            response = run("NotifierFunction", notifier.lambda_handler, {"Records": [record, unreadable]})
            # SQS delivers the report again: the delivery log says it was posted (a claim refused, then read).
            again = run("NotifierFunction", notifier.lambda_handler, {"Records": [record]})
    assert response == again == {"batchItemFailures": []}
    assert len(receiver.received) == 1
    assert {"sqs:SendMessage", "dynamodb:PutItem", "dynamodb:GetItem"} <= set(counter.calls)
    assert_calls_match_grants("NotifierFunction", set(counter.calls))
