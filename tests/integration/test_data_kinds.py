"""SageMaker notebook instances, SageMaker jobs and Glue connections, through PlacementFunction's entry point and the
sweep: SageMaker against moto; Glue with botocore's Stubber and GetConnection / UpdateConnection shaped as AWS
documents them (moto has no UpdateConnection, and its GetConnection returns no ConnectionType)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from moto import mock_aws

from tests.integration.conftest import regions
from vpc_remediator.cli.samples import load_sample
from vpc_remediator.devkit.scenarios import REGION
from vpc_remediator.devkit.scenarios.placement import EXEMPT, Topology, build_topology
from vpc_remediator.domain.details import PlacementDetails
from vpc_remediator.domain.report import Report
from vpc_remediator.notify.links import console_url
from vpc_remediator.remediation.entry import on_placement_event, on_sweep_event
from vpc_remediator.settings import Settings

ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/SageMakerExecution"
SETTINGS = Settings(stack_name="vpc-remediator")


@pytest.fixture
def topo() -> Iterator[Topology]:
    with mock_aws():
        yield build_topology(boto3.client("ec2", region_name=REGION))


def zone_of(subnet_id: str) -> str:
    return str(
        boto3.client("ec2", region_name=REGION).describe_subnets(SubnetIds=[subnet_id])["Subnets"][0][
            "AvailabilityZone"
        ]
    )


def handle(event: dict[str, Any], settings: Settings = SETTINGS, **preset: Any) -> Report:
    (report,) = on_placement_event(event, regions(settings, **preset), delays=(0,), sleep=lambda _: None)
    return report


# SageMaker notebook instances ------------------------------------------------------------------------------------


def notebook(name: str, subnet: str, groups: tuple[str, ...], direct: str = "Disabled", **extra: Any) -> dict[str, Any]:
    """A notebook instance in moto; the CreateNotebookInstance event as CloudTrail records it (lower camel case)."""
    sagemaker = boto3.client("sagemaker", region_name=REGION)
    arn = sagemaker.create_notebook_instance(
        NotebookInstanceName=name,
        InstanceType="ml.t3.medium",
        RoleArn=ROLE,
        SubnetId=subnet,
        SecurityGroupIds=list(groups),
        DirectInternetAccess=direct,
        **extra,
    )["NotebookInstanceArn"]
    request = {"notebookInstanceName": name, "subnetId": subnet, "securityGroupIds": list(groups)}
    return load_sample(
        "sagemaker/CreateNotebookInstance",
        request={**request, "directInternetAccess": direct},
        responseElements={"notebookInstanceArn": arn},
    )


def test_a_notebook_without_direct_internet_in_a_public_subnet_gets_its_replacements_private_subnet(
    topo: Topology,
) -> None:
    report = handle(notebook("research", topo.public[1], (topo.web_sg,)))
    assert report.kind == "sagemaker-notebook"
    # Never changed in place (UpdateNotebookInstance takes no subnet): skipped, never "remediated".
    assert report.outcome.value == "skipped", report.reason
    assert "never gets a public IP" in report.reason and "create its replacement with" in report.reason
    assert isinstance(report.details, PlacementDetails)
    corrected = report.details.corrected or {}
    # One subnet, with egress through the NAT, in the notebook's own zone; its security groups and setting kept.
    assert corrected["SubnetId"] in topo.private and zone_of(corrected["SubnetId"]) == zone_of(topo.public[1])
    assert corrected["SecurityGroupIds"] == [topo.web_sg] and corrected["DirectInternetAccess"] == "Disabled"
    assert [subnet.id for subnet in report.details.subnets_after or ()] == [corrected["SubnetId"]]
    assert report.actions == ()
    assert console_url(report.resource, REGION, report.kind) == (
        f"https://{REGION}.console.aws.amazon.com/sagemaker/home?region={REGION}#/notebook-instances/research"
    )


def test_a_notebook_with_direct_internet_access_has_the_internet_whatever_its_subnet(topo: Topology) -> None:
    report = handle(notebook("open", topo.isolated[0], (topo.web_sg,), direct="Enabled"))
    assert report.outcome.value == "compliant", report.reason
    assert "DirectInternetAccess Enabled" in report.reason


def test_a_notebook_in_a_private_subnet_with_nat_is_compliant(topo: Topology) -> None:
    assert handle(notebook("fine", topo.private[0], (topo.web_sg,))).outcome.value == "compliant"


def test_a_notebook_in_a_vpc_without_egress_needs_nat_with_advice_of_its_own(topo: Topology) -> None:
    report = handle(notebook("edge", topo.edge_public[0], (topo.edge_sg,)))
    assert report.outcome.value == "needs-nat", report.reason
    assert isinstance(report.details, PlacementDetails) and report.details.nat_advice is not None
    advice = report.details.nat_advice
    assert advice.kind == "sagemaker-notebook" and "notebook instance is in public subnets" in advice.why
    text = json.dumps([alternative.how for alternative in advice.alternatives])
    assert "without SubnetId" in text and "aws lambda" not in text


def test_an_exempt_notebook_is_left_alone(topo: Topology) -> None:
    tags = [{"Key": key, "Value": value} for key, value in EXEMPT.items()]
    report = handle(notebook("exempt", topo.public[0], (topo.web_sg,), Tags=tags))
    assert report.outcome.value == "skipped" and "exempt" in report.reason


# SageMaker jobs ---------------------------------------------------------------------------------------------------


def training_job(name: str, subnets: tuple[str, ...], groups: tuple[str, ...], **extra: Any) -> dict[str, Any]:
    sagemaker = boto3.client("sagemaker", region_name=REGION)
    vpc = {"Subnets": list(subnets), "SecurityGroupIds": list(groups)}
    arn = sagemaker.create_training_job(
        TrainingJobName=name,
        AlgorithmSpecification={"TrainingImage": "churn:latest", "TrainingInputMode": "File"},
        RoleArn=ROLE,
        OutputDataConfig={"S3OutputPath": "s3://models/churn/"},
        ResourceConfig={"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 30},
        StoppingCondition={"MaxRuntimeInSeconds": 3600},
        VpcConfig=vpc,
        **extra,
    )["TrainingJobArn"]
    request = {"trainingJobName": name, "vpcConfig": {"subnets": list(subnets), "securityGroupIds": list(groups)}}
    return load_sample("sagemaker/CreateTrainingJob", request=request, responseElements={"trainingJobArn": arn})


def test_a_training_job_in_public_subnets_gets_the_next_runs_vpc_config(topo: Topology) -> None:
    report = handle(training_job("churn", topo.public, (topo.web_sg,)))
    assert (report.kind, report.outcome.value) == ("sagemaker-job", "skipped"), report.reason
    assert "jobs are immutable" in report.reason
    corrected = report.details.corrected or {}  # type: ignore[union-attr]
    assert corrected["TrainingJobName"] == "churn"
    assert set(corrected["VpcConfig"]["Subnets"]) == set(topo.private)
    assert corrected["VpcConfig"]["SecurityGroupIds"] == [topo.web_sg]


def test_a_training_job_in_network_isolation_needs_no_egress(topo: Topology) -> None:
    report = handle(training_job("sealed", topo.isolated, (topo.web_sg,), EnableNetworkIsolation=True))
    assert report.outcome.value == "compliant" and "EnableNetworkIsolation" in report.reason


def processing_job(name: str, subnets: tuple[str, ...], groups: tuple[str, ...], **network: Any) -> dict[str, Any]:
    """A processing job in moto; the CreateProcessingJob event (networkConfig.vpcConfig)."""
    vpc = {"Subnets": list(subnets), "SecurityGroupIds": list(groups)}
    arn = boto3.client("sagemaker", region_name=REGION).create_processing_job(
        ProcessingJobName=name,
        AppSpecification={"ImageUri": "features:latest"},
        RoleArn=ROLE,
        ProcessingResources={
            "ClusterConfig": {"InstanceCount": 1, "InstanceType": "ml.m5.xlarge", "VolumeSizeInGB": 30}
        },
        NetworkConfig={**network, "VpcConfig": vpc},
        StoppingCondition={"MaxRuntimeInSeconds": 3600},
    )["ProcessingJobArn"]
    return load_sample(
        "sagemaker/CreateProcessingJob",
        request={"processingJobName": name, "networkConfig": {"vpcConfig": {"subnets": list(subnets)}}},
        responseElements={"processingJobArn": arn},
    )


def test_a_processing_job_keeps_its_network_config_in_the_correction(topo: Topology) -> None:
    report = handle(
        processing_job("features", (topo.public[0],), (topo.web_sg,), EnableInterContainerTrafficEncryption=True)
    )
    assert report.outcome.value == "skipped", report.reason
    corrected = report.details.corrected or {}  # type: ignore[union-attr]
    assert corrected["NetworkConfig"]["EnableInterContainerTrafficEncryption"] is True
    assert corrected["NetworkConfig"]["VpcConfig"]["Subnets"][0] in topo.private


@pytest.mark.parametrize(
    ("sample", "operation", "message"),
    [
        # As AWS answers for a job that does not exist (yet), and for a notebook instance.
        ("sagemaker/CreateTrainingJob", "describe_training_job", "Requested resource not found."),
        ("sagemaker/CreateProcessingJob", "describe_processing_job", "Requested resource not found."),
        ("sagemaker/CreateNotebookInstance", "describe_notebook_instance", "RecordNotFound"),
    ],
)
def test_a_sagemaker_workload_not_found_is_skipped_for_the_sweep_not_retried(
    topo: Topology, sample: str, operation: str, message: str
) -> None:
    sagemaker = boto3.client("sagemaker", region_name=REGION)
    stubber = Stubber(sagemaker)
    for _ in range(2):
        stubber.add_client_error(operation, "ValidationException", message, 400)
    stubber.activate()
    report = handle(load_sample(sample), sagemaker=sagemaker)
    assert report.outcome.value == "skipped" and "the sweep will check it" in report.reason


# Glue connections (Stubber: AWS's shapes) -------------------------------------------------------------------------

WHEN = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def glue_connection(subnet: str, zone: str, group: str, **properties: str) -> dict[str, Any]:
    """GetConnection's Connection (HidePassword: no PASSWORD), as the Glue API reference documents it."""
    return {
        "Name": "orders-db",
        "Description": "the orders database",
        "ConnectionType": "JDBC",
        "MatchCriteria": ["orders"],
        "ConnectionProperties": {"JDBC_CONNECTION_URL": "jdbc:postgresql://orders.internal:5432/orders", **properties},
        "PhysicalConnectionRequirements": {
            "SubnetId": subnet,
            "SecurityGroupIdList": [group],
            "AvailabilityZone": zone,
        },
        "CreationTime": WHEN,
        "LastUpdatedTime": WHEN,
        "LastUpdatedBy": f"arn:aws:iam::{ACCOUNT}:role/DataEngineer",
        "Status": "READY",
    }


def glue_event(topo: Topology) -> dict[str, Any]:
    return load_sample(
        "glue/CreateConnection",
        request={
            "connectionInput": {
                "name": "orders-db",
                "connectionType": "JDBC",
                "physicalConnectionRequirements": {"subnetId": topo.public[0], "securityGroupIdList": [topo.web_sg]},
            }
        },
    )


def stubbed_glue(calls: list[tuple[str, dict[str, Any], dict[str, Any]]]) -> tuple[Any, Stubber]:
    client = boto3.client("glue", region_name=REGION)
    stubber = Stubber(client)
    for operation, response, expected in calls:
        stubber.add_response(operation, response, expected)
    stubber.activate()
    return client, stubber


GET = {"Name": "orders-db", "HidePassword": True}
TAGS = {"ResourceArn": f"arn:aws:glue:{REGION}:{ACCOUNT}:connection/orders-db"}


def glue_move(topo: Topology, first: str = "get_connection") -> tuple[Any, Stubber, str, str]:
    """A stubbed Glue client for one move of connection orders-db out of a public subnet (read by GetConnection, or
    listed by GetConnections), the zone it is in and the private subnet of that zone it moves to."""
    zone = zone_of(topo.public[0])
    target = next(subnet for subnet in topo.private if zone_of(subnet) == zone)
    before = glue_connection(topo.public[0], zone, topo.web_sg, SECRET_ID="orders-db-credentials", USERNAME="etl")
    physical = {"SubnetId": target, "SecurityGroupIdList": [topo.web_sg], "AvailabilityZone": zone}
    after = {**before, "PhysicalConnectionRequirements": physical}
    # The whole definition goes back as GetConnection gave it, but its network: nothing read-only, no password.
    read_only = ("CreationTime", "LastUpdatedTime", "LastUpdatedBy", "Status")
    update = {key: value for key, value in after.items() if key not in read_only}
    read = ("get_connection", {"Connection": before}, GET)
    if first == "get_connections":
        read = ("get_connections", {"ConnectionList": [before]}, {"HidePassword": True, "MaxResults": 100})
    client, stubber = stubbed_glue(
        [
            read,
            ("get_tags", {"Tags": {"team": "data"}}, TAGS),
            ("update_connection", {}, {"Name": "orders-db", "ConnectionInput": update}),
            ("get_connection", {"Connection": after}, GET),
            ("get_tags", {"Tags": {"team": "data"}}, TAGS),
        ]
    )
    return client, stubber, zone, target


def test_a_glue_connection_in_a_public_subnet_moves_to_a_private_one_in_its_zone_everything_else_kept(
    topo: Topology,
) -> None:
    client, stubber, zone, target = glue_move(topo)
    report = handle(glue_event(topo), glue=client)
    stubber.assert_no_pending_responses()
    assert (report.kind, report.outcome.value) == ("glue-connection", "remediated"), report.reason
    (action,) = report.actions
    assert action.api == "glue:UpdateConnection"
    assert action.params["PhysicalConnectionRequirements"]["SubnetId"] == target
    assert action.params["PhysicalConnectionRequirements"]["AvailabilityZone"] == zone
    # The undo restores the old subnet and zone the same way, and shows none of the connection's properties.
    assert topo.public[0] in (action.undo or "") and "jdbc:" not in (action.undo or "")
    assert console_url(report.resource, REGION, report.kind) == (
        f"https://{REGION}.console.aws.amazon.com/glue/home?region={REGION}#/v2/data-catalog/connections/view/orders-db"
    )


def test_a_glue_connection_whose_zone_has_no_private_subnet_moves_to_another_zone_and_names_it(
    topo: Topology,
) -> None:
    ec2 = boto3.client("ec2", region_name=REGION)
    # A public subnet in a third zone, where the VPC has no private subnet.
    subnet = ec2.create_subnet(VpcId=topo.vpc_id, CidrBlock="10.20.40.0/24", AvailabilityZone=f"{REGION}c")["Subnet"]
    public_table = ec2.describe_route_tables(Filters=[{"Name": "association.subnet-id", "Values": [topo.public[0]]}])
    table_id = public_table["RouteTables"][0]["RouteTableId"]
    ec2.associate_route_table(RouteTableId=table_id, SubnetId=subnet["SubnetId"])
    # A NETWORK connection, which GetConnection describes without ConnectionProperties.
    before = {**glue_connection(subnet["SubnetId"], f"{REGION}c", topo.web_sg), "ConnectionType": "NETWORK"}
    del before["ConnectionProperties"]
    target = {
        "SubnetId": topo.private[0],
        "SecurityGroupIdList": [topo.web_sg],
        "AvailabilityZone": zone_of(topo.private[0]),
    }
    update = {
        "Name": "orders-db",
        "Description": "the orders database",
        "ConnectionType": "NETWORK",
        "MatchCriteria": ["orders"],
        "PhysicalConnectionRequirements": target,
        "ConnectionProperties": {},
    }
    after = {**before, "PhysicalConnectionRequirements": target}
    client, stubber = stubbed_glue(
        [
            ("get_connection", {"Connection": before}, GET),
            ("get_tags", {"Tags": {}}, TAGS),
            ("update_connection", {}, {"Name": "orders-db", "ConnectionInput": update}),
            ("get_connection", {"Connection": after}, GET),
            ("get_tags", {"Tags": {}}, TAGS),
        ]
    )
    report = handle(glue_event(topo), glue=client)
    stubber.assert_no_pending_responses()
    assert report.outcome.value == "remediated", report.reason
    assert report.actions[0].params["PhysicalConnectionRequirements"] == target


@pytest.mark.parametrize(
    "properties",
    [{"USERNAME": "etl"}, {"ENCRYPTED_PASSWORD": "AQICAHh...", "SECRET_ID": "orders-db-credentials"}],
    ids=["password-hidden", "password-returned-encrypted"],
)
def test_a_glue_connection_keeping_its_own_password_is_reported_never_updated(
    topo: Topology, properties: dict[str, str]
) -> None:
    zone = zone_of(topo.public[0])
    before = glue_connection(topo.public[0], zone, topo.web_sg, **properties)
    # No UpdateConnection is stubbed: a call would fail the test.
    client, stubber = stubbed_glue([("get_connection", {"Connection": before}, GET), ("get_tags", {"Tags": {}}, TAGS)])
    report = handle(glue_event(topo), glue=client)
    stubber.assert_no_pending_responses()
    assert report.outcome.value == "skipped", report.reason
    assert "password" in report.reason and report.actions == ()
    corrected = report.details.corrected or {}  # type: ignore[union-attr]
    assert corrected["PhysicalConnectionRequirements"]["AvailabilityZone"] == zone
    assert corrected["PhysicalConnectionRequirements"]["SubnetId"] in topo.private


def test_a_glue_connection_whose_name_holds_a_slash_is_moved_and_verified_by_its_whole_name(topo: Topology) -> None:
    # Glue names may hold "/": "team/orders-db" is not "orders-db", which may exist too and must never be read for it
    # (neither when the event names it nor when the move is verified by its ARN, …:connection/team/orders-db).
    name = "team/orders-db"
    zone = zone_of(topo.public[0])
    target = next(subnet for subnet in topo.private if zone_of(subnet) == zone)
    before = {**glue_connection(topo.public[0], zone, topo.web_sg, SECRET_ID="orders-db-credentials"), "Name": name}
    after = {
        **before,
        "PhysicalConnectionRequirements": {**before["PhysicalConnectionRequirements"], "SubnetId": target},
    }
    read_only = ("CreationTime", "LastUpdatedTime", "LastUpdatedBy", "Status")
    update = {key: value for key, value in after.items() if key not in read_only}
    get, tags = {**GET, "Name": name}, {"ResourceArn": f"arn:aws:glue:{REGION}:{ACCOUNT}:connection/{name}"}
    client, stubber = stubbed_glue(
        [
            ("get_connection", {"Connection": before}, get),
            ("get_tags", {"Tags": {}}, tags),
            ("update_connection", {}, {"Name": name, "ConnectionInput": update}),
            ("get_connection", {"Connection": after}, get),
            ("get_tags", {"Tags": {}}, tags),
        ]
    )
    event = glue_event(topo)
    event["detail"]["requestParameters"]["connectionInput"]["name"] = name
    report = handle(event, glue=client)
    stubber.assert_no_pending_responses()
    assert (report.resource, report.outcome.value) == (tags["ResourceArn"], "remediated"), report.reason


def test_a_glue_connection_made_by_cloudformation_gets_the_template_change_with_its_zone(topo: Topology) -> None:
    zone = zone_of(topo.public[0])
    before = glue_connection(topo.public[0], zone, topo.web_sg, SECRET_ID="orders-db-credentials")
    stack = {"aws:cloudformation:stack-name": "data"}
    client, _ = stubbed_glue([("get_connection", {"Connection": before}, GET), ("get_tags", {"Tags": stack}, TAGS)])
    report = handle(glue_event(topo), glue=client)
    assert report.outcome.value == "skipped", report.reason
    change = report.details.template_change  # type: ignore[union-attr]
    assert change is not None and change.resource_type == "AWS::Glue::Connection"
    assert change.value["SubnetId"] in topo.private and change.value["AvailabilityZone"] == zone


def test_a_dry_run_says_what_it_would_update(topo: Topology) -> None:
    before = glue_connection(topo.public[0], zone_of(topo.public[0]), topo.web_sg)
    client, _ = stubbed_glue([("get_connection", {"Connection": before}, GET), ("get_tags", {"Tags": {}}, TAGS)])
    report = handle(glue_event(topo), Settings(stack_name="vpc-remediator", dry_run=True), glue=client)
    assert report.outcome.value == "would-remediate", report.reason


# The sweep ----------------------------------------------------------------------------------------------------------


def stubbed_sagemaker_for_a_sweep(topo: Topology) -> tuple[Any, Stubber]:
    """A stubbed SageMaker client for one sweep: a notebook in a public subnet, a running training job in public
    subnets and a running processing job in network isolation, as the SageMaker API reference documents them (moto
    creates every job Completed, so it can list no running one)."""
    sagemaker = boto3.client("sagemaker", region_name=REGION)
    training_arn = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:training-job/churn"
    processing_arn = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:processing-job/features"
    notebook_arn = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:notebook-instance/research"
    training = {
        "TrainingJobName": "churn",
        "TrainingJobArn": training_arn,
        "TrainingJobStatus": "InProgress",
        "SecondaryStatus": "Training",
        "AlgorithmSpecification": {"TrainingImage": "churn:latest", "TrainingInputMode": "File"},
        "ResourceConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 30},
        "StoppingCondition": {"MaxRuntimeInSeconds": 3600},
        "CreationTime": WHEN,
        "ModelArtifacts": {"S3ModelArtifacts": "s3://models/churn/"},
        "VpcConfig": {"Subnets": list(topo.public), "SecurityGroupIds": [topo.web_sg]},
    }
    processing = {
        "ProcessingJobName": "features",
        "ProcessingJobArn": processing_arn,
        "ProcessingJobStatus": "InProgress",
        "AppSpecification": {"ImageUri": "features:latest"},
        "ProcessingResources": {
            "ClusterConfig": {"InstanceCount": 1, "InstanceType": "ml.m5.xlarge", "VolumeSizeInGB": 30}
        },
        "CreationTime": WHEN,
        "NetworkConfig": {
            "EnableNetworkIsolation": True,
            "VpcConfig": {"Subnets": list(topo.isolated), "SecurityGroupIds": [topo.web_sg]},
        },
    }
    notebook = {
        "NotebookInstanceArn": notebook_arn,
        "NotebookInstanceName": "research",
        "NotebookInstanceStatus": "InService",
        "SubnetId": topo.public[0],
        "SecurityGroups": [topo.web_sg],
        "DirectInternetAccess": "Disabled",
    }
    running = {"StatusEquals": "InProgress", "MaxResults": 100}
    summary = {"CreationTime": WHEN}
    stubber = Stubber(sagemaker)
    for operation, response, expected in (
        (
            "list_notebook_instances",
            {"NotebookInstances": [{"NotebookInstanceName": "research", "NotebookInstanceArn": notebook_arn}]},
            {"MaxResults": 100},
        ),
        ("describe_notebook_instance", notebook, {"NotebookInstanceName": "research"}),
        ("list_tags", {"Tags": []}, {"ResourceArn": notebook_arn}),
        # Running jobs only: StatusEquals InProgress.
        (
            "list_training_jobs",
            {
                "TrainingJobSummaries": [
                    {
                        "TrainingJobName": "churn",
                        "TrainingJobArn": training_arn,
                        "TrainingJobStatus": "InProgress",
                        **summary,
                    }
                ]
            },
            running,
        ),
        ("describe_training_job", training, {"TrainingJobName": "churn"}),
        ("list_tags", {"Tags": []}, {"ResourceArn": training_arn}),
        (
            "list_processing_jobs",
            {
                "ProcessingJobSummaries": [
                    {
                        "ProcessingJobName": "features",
                        "ProcessingJobArn": processing_arn,
                        "ProcessingJobStatus": "InProgress",
                        **summary,
                    }
                ]
            },
            running,
        ),
        ("describe_processing_job", processing, {"ProcessingJobName": "features"}),
        ("list_tags", {"Tags": []}, {"ResourceArn": processing_arn}),
    ):
        stubber.add_response(operation, response, expected)
    stubber.activate()
    return sagemaker, stubber


def test_the_sweep_lists_notebooks_running_jobs_and_connections_and_moves_the_connection(topo: Topology) -> None:
    sagemaker, stubber = stubbed_sagemaker_for_a_sweep(topo)
    glue, glue_stubber, _, _ = glue_move(topo, first="get_connections")
    scheduled = load_sample("events/Scheduled_sweep")
    settings = Settings(stack_name="vpc-remediator", manage_default_vpc=False)
    summary, *reports = on_sweep_event(
        scheduled, regions(settings, sagemaker=sagemaker, glue=glue), lambda: False
    ).reports
    stubber.assert_no_pending_responses()
    glue_stubber.assert_no_pending_responses()
    assert sorted((report.kind, report.outcome.value) for report in reports) == [
        ("glue-connection", "remediated"),
        ("sagemaker-job", "skipped"),
        ("sagemaker-notebook", "skipped"),
    ]
    counts = summary.details.counts  # type: ignore[union-attr]
    # The processing job in network isolation is compliant (counted, not reported).
    assert counts["sagemaker-job"] == {"compliant": 1, "skipped": 1}
