"""EKS Fargate profiles, CodeBuild projects and App Runner VPC connectors: network interfaces that never get a public
IP, placed by PlacementFunction's entry point from their CloudTrail events and by the sweep.

EKS runs against moto. moto has no CodeBuild UpdateProject and no App Runner at all: those clients are botocore
Stubbers answering with the shapes AWS documents (BatchGetProjects, UpdateProject, DescribeVpcConnector,
ListTagsForResource, ListVpcConnectors), while EC2 (the networks) stays moto's.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.stub import ANY, Stubber
from moto import mock_aws

from tests.integration.conftest import regions
from vpc_remediator.cli.samples import load_sample
from vpc_remediator.devkit.scenarios import REGION
from vpc_remediator.devkit.scenarios.placement import Topology, build_topology
from vpc_remediator.domain.report import Report
from vpc_remediator.events import parse_event, placement_refs
from vpc_remediator.notify.blocks import report_message
from vpc_remediator.remediation.entry import on_placement_event, on_sweep_event
from vpc_remediator.settings import Settings

ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/eks-fargate-pods"
PROJECT_ARN = f"arn:aws:codebuild:{REGION}:{ACCOUNT}:project/site-build"
CONNECTOR_ARN = f"arn:aws:apprunner:{REGION}:{ACCOUNT}:vpcconnector/orders-egress/1/3f1c9a2b7d8e4f60a1b2c3d4e5f60718"
SETTINGS = Settings(stack_name="vpc-remediator")


@pytest.fixture
def topo() -> Iterator[Topology]:
    with mock_aws():
        yield build_topology(boto3.client("ec2", region_name=REGION))


def handle(event: dict[str, Any], settings: Settings = SETTINGS, **preset: Any) -> Report:
    (report,) = on_placement_event(event, regions(settings, **preset))
    return report


# ---- EKS Fargate profiles (moto) ----


def fargate_profile(subnets: tuple[str, ...], name: str = "web", **tags: str) -> dict[str, Any]:
    """A profile of cluster `shop` in these subnets; its CreateFargateProfile event (the cluster is the URI's name)."""
    eks = boto3.client("eks", region_name=REGION)
    if "shop" not in eks.list_clusters()["clusters"]:
        eks.create_cluster(name="shop", roleArn=ROLE, resourcesVpcConfig={"subnetIds": list(subnets)})
    created = eks.create_fargate_profile(
        clusterName="shop",
        fargateProfileName=name,
        podExecutionRoleArn=ROLE,
        subnets=list(subnets),
        selectors=[{"namespace": "web", "labels": {"tier": "front"}}],
        tags={"team": "platform", **tags},
    )["fargateProfile"]
    request = {"name": "shop", "fargateProfileName": name, "subnets": list(subnets)}
    response = {"fargateProfile": {"fargateProfileArn": created["fargateProfileArn"], "clusterName": "shop"}}
    return load_sample("eks/CreateFargateProfile", request=request, responseElements=response)


def test_a_fargate_profile_in_isolated_subnets_is_reported_with_its_replacement_and_left_as_it_is(
    topo: Topology,
) -> None:
    report = handle(fargate_profile(topo.isolated))
    assert report.kind == "eks-fargate-profile"
    # Never "remediated": a profile cannot change, nothing was changed.
    assert report.outcome.value == "skipped", report.reason
    assert "a Fargate profile cannot be changed" in report.reason
    assert report.actions == ()
    corrected = report.details.corrected  # type: ignore[union-attr]
    assert corrected == {
        "clusterName": "shop",
        "fargateProfileName": "web-private",
        "podExecutionRoleArn": ROLE,
        "subnets": list(topo.private),
        "selectors": [{"namespace": "web", "labels": {"tier": "front"}}],
        "tags": {"team": "platform"},
    }
    described = boto3.client("eks", region_name=REGION).describe_fargate_profile(
        clusterName="shop", fargateProfileName="web"
    )
    assert described["fargateProfile"]["subnets"] == list(topo.isolated)


def test_a_fargate_profile_whose_subnets_became_public_is_reported_as_giving_its_pods_no_egress(topo: Topology) -> None:
    # EKS refuses public subnets at creation (the _public_subnet sample); a route table changed later makes them so.
    report = handle(fargate_profile(topo.public))
    assert report.outcome.value == "skipped"
    assert "a pod on Fargate never gets a public IP" in report.reason
    assert report.details.corrected["subnets"] == list(topo.private)  # type: ignore[union-attr]


def test_a_fargate_profile_made_by_cloudformation_gets_the_template_change_that_replaces_it(topo: Topology) -> None:
    report = handle(fargate_profile(topo.isolated, **{"aws:cloudformation:stack-name": "cluster"}))
    assert report.outcome.value == "skipped"
    change = report.details.template_change  # type: ignore[union-attr]
    assert (change.resource_type, change.property, change.value) == (
        "AWS::EKS::FargateProfile",
        "Properties",
        {"Subnets": list(topo.private)},
    )


def test_a_fargate_profile_in_private_subnets_with_nat_is_compliant(topo: Topology) -> None:
    report = handle(fargate_profile(topo.private))
    assert report.outcome.value == "compliant", report.reason
    text = str(report_message(report).payload())
    assert (
        f"https://{REGION}.console.aws.amazon.com/eks/home?region={REGION}#/clusters/shop/fargate-profiles/web" in text
    )


def test_a_fargate_profile_in_a_vpc_without_private_egress_needs_nat_with_its_image_pull_endpoints_priced(
    topo: Topology,
) -> None:
    report = handle(fargate_profile(topo.edge_public))
    assert report.outcome.value == "needs-nat", report.reason
    advice = report.to_dict()["details"]["nat_advice"]
    alternatives = {item["key"]: item for item in advice["alternatives"]}
    assert alternatives["interface-endpoints"]["title"] == "Interface endpoints for ecr.api, ecr.dkr, logs"
    assert alternatives["interface-endpoints"]["monthly"] > 0
    assert "ECR keeps image layers in S3" in alternatives["gateway-endpoints"]["how"]
    # A profile cannot leave its cluster's VPC, nor take a public IP.
    assert "leave-vpc" not in alternatives and "public-subnets" not in alternatives
    assert "the Fargate profile is in public subnets, but a pod on Fargate never gets a public IP" in advice["why"]


# ---- CodeBuild projects (UpdateProject through the Stubber; EC2 from moto) ----


def project(subnets: tuple[str, ...], groups: tuple[str, ...], tags: dict[str, str] | None = None) -> dict[str, Any]:
    """A project as BatchGetProjects returns it."""
    return {
        "name": "site-build",
        "arn": PROJECT_ARN,
        "source": {"type": "GITHUB", "location": "https://github.com/example/site.git"},
        "artifacts": {"type": "NO_ARTIFACTS"},
        "environment": {
            "type": "LINUX_CONTAINER",
            "image": "aws/codebuild/standard:7.0",
            "computeType": "BUILD_GENERAL1_SMALL",
        },
        "serviceRole": f"arn:aws:iam::{ACCOUNT}:role/codebuild-site",
        "timeoutInMinutes": 60,
        "vpcConfig": {"vpcId": "vpc-0shop", "subnets": list(subnets), "securityGroupIds": list(groups)},
        "tags": [{"key": key, "value": value} for key, value in (tags or {}).items()],
    }


def codebuild(*answers: tuple[str, dict[str, Any], dict[str, Any]]) -> tuple[Any, Stubber]:
    client = boto3.client("codebuild", region_name=REGION)
    stubber = Stubber(client)
    for operation, response, expected in answers:
        stubber.add_response(operation, response, expected)
    stubber.activate()
    return client, stubber


def described(
    subnets: tuple[str, ...], groups: tuple[str, ...], **tags: str
) -> tuple[str, dict[str, Any], dict[str, Any]]:
    return ("batch_get_projects", {"projects": [project(subnets, groups, tags)]}, {"names": [PROJECT_ARN]})


def created_project_event(topo: Topology) -> dict[str, Any]:
    return load_sample("codebuild/CreateProject", responseElements={"project": project(topo.public, (topo.web_sg,))})


def test_a_build_project_in_public_subnets_is_moved_to_private_subnets_with_nat_and_verified(topo: Topology) -> None:
    vpc_config = {"vpcId": "vpc-0shop", "subnets": list(topo.private), "securityGroupIds": [topo.web_sg]}
    client, stubber = codebuild(
        described(topo.public, (topo.web_sg,)),
        (
            "update_project",
            {"project": project(topo.private, (topo.web_sg,))},
            {"name": "site-build", "vpcConfig": vpc_config},
        ),
        described(topo.private, (topo.web_sg,)),
    )
    report = handle(created_project_event(topo), codebuild=client)
    stubber.assert_no_pending_responses()
    assert report.outcome.value == "remediated", report.reason
    assert "a CodeBuild build's network interface never gets a public IP" in report.reason
    (action,) = report.actions
    assert (action.api, action.params) == ("codebuild:UpdateProject", {"name": "site-build", "vpcConfig": vpc_config})
    assert action.undo is not None and action.undo.startswith("aws codebuild update-project --name site-build")
    assert f'"subnets": ["{topo.public[0]}", "{topo.public[1]}"]' in action.undo
    text = str(report_message(report).payload())
    assert f"/codesuite/codebuild/{ACCOUNT}/projects/site-build?region={REGION}" in text


def test_a_build_project_whose_update_does_not_land_is_reported_failed(topo: Topology) -> None:
    client, _ = codebuild(
        described(topo.public, (topo.web_sg,)),
        ("update_project", {"project": project(topo.public, (topo.web_sg,))}, {"name": "site-build", "vpcConfig": ANY}),
        described(topo.public, (topo.web_sg,)),
    )
    report = handle(created_project_event(topo), codebuild=client)
    assert report.outcome.value == "failed"
    assert "the change did not land" in report.reason


def test_a_build_project_in_a_dry_run_is_only_planned(topo: Topology) -> None:
    client, stubber = codebuild(described(topo.public, (topo.web_sg,)))
    report = handle(created_project_event(topo), Settings(stack_name="vpc-remediator", dry_run=True), codebuild=client)
    stubber.assert_no_pending_responses()  # no UpdateProject
    assert report.outcome.value == "would-remediate"
    assert report.actions[0].params["vpcConfig"]["subnets"] == list(topo.private)


def test_a_build_project_owned_by_cloudformation_gets_the_template_change(topo: Topology) -> None:
    client, _ = codebuild(described(topo.public, (topo.web_sg,), **{"aws:cloudformation:stack-name": "site"}))
    report = handle(created_project_event(topo), codebuild=client)
    assert report.outcome.value == "skipped"
    change = report.details.template_change  # type: ignore[union-attr]
    assert (change.resource_type, change.property) == ("AWS::CodeBuild::Project", "VpcConfig")
    assert change.value == {"Subnets": list(topo.private), "SecurityGroupIds": [topo.web_sg]}


def test_each_sample_names_its_workload_where_cloudtrail_records_it() -> None:
    found = {
        name: [(ref.kind, ref.identifier, ref.cluster) for ref in placement_refs(parse_event(load_sample(name)))[0]]
        for name in ("codebuild/UpdateProject", "eks/CreateFargateProfile", "apprunner/CreateVpcConnector")
    }
    assert found == {
        "codebuild/UpdateProject": [("codebuild-project", PROJECT_ARN, None)],
        "eks/CreateFargateProfile": [
            (
                "eks-fargate-profile",
                f"arn:aws:eks:{REGION}:{ACCOUNT}:fargateprofile/shop/web/6ec6d7e2-3c55-4c5d-a4f3-1b2c3d4e5f60",
                "shop",
            )
        ],
        "apprunner/CreateVpcConnector": [("apprunner-vpc-connector", CONNECTOR_ARN, None)],
    }


# ---- App Runner VPC connectors (Stubber) ----


def connector(subnets: tuple[str, ...], groups: tuple[str, ...]) -> dict[str, Any]:
    return {
        "VpcConnectorName": "orders-egress",
        "VpcConnectorArn": CONNECTOR_ARN,
        "VpcConnectorRevision": 1,
        "Subnets": list(subnets),
        "SecurityGroups": list(groups),
        "Status": "ACTIVE",
    }


def apprunner(subnets: tuple[str, ...], groups: tuple[str, ...]) -> tuple[Any, Stubber]:
    client = boto3.client("apprunner", region_name=REGION)
    stubber = Stubber(client)
    stubber.add_response(
        "describe_vpc_connector", {"VpcConnector": connector(subnets, groups)}, {"VpcConnectorArn": CONNECTOR_ARN}
    )
    stubber.add_response(
        "list_tags_for_resource", {"Tags": [{"Key": "team", "Value": "orders"}]}, {"ResourceArn": CONNECTOR_ARN}
    )
    stubber.activate()
    return client, stubber


def test_a_vpc_connector_in_public_subnets_is_reported_with_its_replacement(topo: Topology) -> None:
    client, stubber = apprunner(topo.public, (topo.web_sg,))
    report = handle(load_sample("apprunner/CreateVpcConnector"), apprunner=client)
    stubber.assert_no_pending_responses()
    assert report.kind == "apprunner-vpc-connector"
    assert report.outcome.value == "skipped", report.reason
    assert "an App Runner VPC connector cannot be changed" in report.reason
    assert report.details.corrected == {  # type: ignore[union-attr]
        "VpcConnectorName": "orders-egress-private",
        "Subnets": list(topo.private),
        "SecurityGroups": [topo.web_sg],
        "Tags": [{"Key": "team", "Value": "orders"}],
    }
    assert f"/apprunner/home?region={REGION}#/networking" in str(report_message(report).payload())


def test_a_vpc_connector_in_isolated_subnets_needs_nat_but_may_only_talk_inside_the_vpc(topo: Topology) -> None:
    client, _ = apprunner(topo.isolated, ())
    report = handle(load_sample("apprunner/CreateVpcConnector"), apprunner=client)
    assert report.outcome.value == "needs-nat"
    assert "fine for a VPC connector that only talks to things inside the VPC" in report.reason
    alternatives = {item["key"] for item in report.to_dict()["details"]["nat_advice"]["alternatives"]}
    assert "existing-nat" in alternatives and "leave-vpc" not in alternatives


# ---- The sweep lists each kind ----


def test_the_sweep_lists_fargate_profiles_build_projects_and_vpc_connectors(topo: Topology) -> None:
    fargate_profile(topo.isolated, "batch")
    fargate_profile(topo.private, "web")
    listing = boto3.client("codebuild", region_name=REGION)
    listing_stub = Stubber(listing)
    listing_stub.add_response("list_projects", {"projects": ["site-build", "docs"]}, {})
    no_vpc = {**project((), ()), "name": "docs", "arn": PROJECT_ARN.replace("site-build", "docs")}
    del no_vpc["vpcConfig"]
    listing_stub.add_response(
        "batch_get_projects",
        {"projects": [project(topo.public, (topo.web_sg,)), no_vpc]},
        {"names": ["site-build", "docs"]},
    )
    listing_stub.activate()
    runner = boto3.client("apprunner", region_name=REGION)
    runner_stub = Stubber(runner)
    runner_stub.add_response(
        "list_vpc_connectors",
        {"VpcConnectors": [connector(topo.private, ()), {**connector(topo.public, ()), "Status": "INACTIVE"}]},
        {"MaxResults": 100},
    )
    runner_stub.add_response("list_tags_for_resource", {"Tags": []}, {"ResourceArn": CONNECTOR_ARN})
    runner_stub.activate()
    scheduled = load_sample("events/Scheduled_sweep")
    settings = Settings(stack_name="vpc-remediator", manage_default_vpc=False, dry_run=True)
    result = on_sweep_event(
        scheduled, regions(settings, codebuild=listing, apprunner=runner), out_of_time=lambda: False
    )
    summary, *reports = result.reports
    counts = summary.details.counts  # type: ignore[union-attr]
    assert counts["eks-fargate-profile"] == {"compliant": 1, "skipped": 1}
    assert counts["codebuild-project"] == {"would-remediate": 1}  # the project without a VPC is not checked
    assert counts["apprunner-vpc-connector"] == {"compliant": 1}  # the deleted (INACTIVE) revision is not
    listing_stub.assert_no_pending_responses()
    runner_stub.assert_no_pending_responses()
    assert {(r.kind, r.outcome.value) for r in reports if isinstance(r, Report)} >= {
        ("eks-fargate-profile", "skipped"),
        ("codebuild-project", "would-remediate"),
    }


def test_a_region_without_app_runner_has_no_connectors_to_list_and_no_call_is_made() -> None:
    from vpc_remediator.aws.clients import ClientFactory  # noqa: PLC0415
    from vpc_remediator.workloads import apprunner_vpc_connector  # noqa: PLC0415

    silent = boto3.client("apprunner", region_name="us-east-1")
    with Stubber(silent) as stubber:  # no answer queued: any call fails the test
        factory = ClientFactory(region="sa-east-1", preset={"apprunner": silent})
        assert not factory.offers("apprunner") and factory.offers("ec2")
        assert apprunner_vpc_connector.KIND.sweep is not None
        assert apprunner_vpc_connector.KIND.sweep.lister(factory, None)(None) == ([], None)
        stubber.assert_no_pending_responses()
    # A region botocore does not know yet is assumed to offer it: a call then says what is wrong.
    assert ClientFactory(region="xx-future-1").offers("apprunner")


def test_an_endpoint_that_does_not_serve_app_runner_lists_no_connectors(topo: Topology) -> None:
    # The simulated account (moto) has no App Runner and answers a bare 404, as an endpoint without the service does.
    from vpc_remediator.aws.clients import ClientFactory  # noqa: PLC0415
    from vpc_remediator.workloads import apprunner_vpc_connector  # noqa: PLC0415

    factory = ClientFactory(region=REGION)
    assert apprunner_vpc_connector.KIND.sweep is not None
    assert apprunner_vpc_connector.KIND.sweep.lister(factory, None)(None) == ([], None)


@pytest.mark.parametrize(
    ("endpoint", "status", "code", "not_served"),
    [
        ("https://apprunner.us-east-1.amazonaws.com", 404, "404", True),
        ("http://127.0.0.1:5000", 500, "500", True),
        # AWS's own faults may pass: the phase fails and the next sweep lists again.
        ("https://apprunner.us-east-1.amazonaws.com", 500, "500", False),
        ("http://127.0.0.1:5000", 500, "InternalServiceErrorException", False),
        ("http://127.0.0.1:5000", 400, "400", False),
    ],
)
def test_only_an_endpoint_without_app_runner_is_taken_for_having_no_connectors(
    endpoint: str, status: int, code: str, not_served: bool
) -> None:
    from botocore.exceptions import ClientError  # noqa: PLC0415

    from vpc_remediator.aws.apprunner import _not_served  # noqa: PLC0415

    error = ClientError({"Error": {"Code": code}, "ResponseMetadata": {"HTTPStatusCode": status}}, "ListVpcConnectors")
    assert _not_served(error, endpoint) is not_served
