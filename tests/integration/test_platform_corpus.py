"""The corpus of real shapes (tests/integration/corpus/*.json): CloudTrail records and describe responses as AWS
documents them, each with its expected outcome, run through PlacementFunction's entry point against moto.

Where moto cannot hold a shape (it ignores capacityProviderStrategy and reports launchType EC2; it does not return
routes to a Cloud WAN core network), a case stubs that one client with botocore's Stubber and the exact calls.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from string import Template
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from moto import mock_aws

from tests.integration.conftest import regions
from vpc_remediator.cli.samples import load_sample
from vpc_remediator.devkit.scenarios import REGION, ZONES
from vpc_remediator.devkit.scenarios.placement import (
    batch_role,
    build_inspection_vpc,
    build_topology,
    lambda_function,
)
from vpc_remediator.remediation.entry import on_placement_event
from vpc_remediator.settings import Settings

CORPUS = Path(__file__).parent / "corpus"
CASES = sorted(path.stem for path in CORPUS.glob("*.json"))


@dataclass
class Account:
    clients: dict[str, Any]
    ids: dict[str, str]


def _batch_vpc(ec2: Any) -> dict[str, str]:
    """Public subnets that map public IPs on launch (mapped_*) and public ones that do not (plain_*)."""
    vpc_id = ec2.create_vpc(CidrBlock="10.50.0.0/16")["Vpc"]["VpcId"]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc_id)
    table = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    ids = {}
    for index, (name, zone) in enumerate((f"{kind}_{z[-1]}", z) for kind in ("plain", "mapped") for z in ZONES[:2]):
        subnet = ec2.create_subnet(VpcId=vpc_id, CidrBlock=f"10.50.{index}.0/24", AvailabilityZone=zone)["Subnet"]
        ec2.associate_route_table(RouteTableId=table, SubnetId=subnet["SubnetId"])
        if name.startswith("mapped"):
            ec2.modify_subnet_attribute(SubnetId=subnet["SubnetId"], MapPublicIpOnLaunch={"Value": True})
        ids[name] = subnet["SubnetId"]
    ids["batch_sg"] = ec2.create_security_group(GroupName="batch", Description="batch", VpcId=vpc_id)["GroupId"]
    return ids


@pytest.fixture
def account() -> Iterator[Account]:
    with mock_aws():
        names = ("ec2", "ecs", "lambda", "iam", "batch")
        clients = {name: boto3.client(name, region_name=REGION) for name in names}
        ec2, iam = clients["ec2"], clients["iam"]
        topo, inspected = build_topology(ec2), build_inspection_vpc(ec2)
        ids = {
            "public_a": topo.public[0],
            "public_b": topo.public[1],
            "private_a": topo.private[0],
            "private_b": topo.private[1],
            "isolated_a": topo.isolated[0],
            "isolated_b": topo.isolated[1],
            "web_sg": topo.web_sg,
            "protected_a": inspected.protected[0],
            "protected_b": inspected.protected[1],
            "inspected_isolated_a": inspected.isolated[0],
            "inspected_isolated_b": inspected.isolated[1],
            "inspected_sg": inspected.sg,
            "batch_role": batch_role(iam),
            # AWS updates an EC2 environment's subnets only with its service-linked role.
            "batch_service_linked_role": iam.create_role(
                RoleName="AWSServiceRoleForBatch",
                Path="/aws-service-role/batch.amazonaws.com/",
                AssumeRolePolicyDocument="{}",
            )["Role"]["Arn"],
            "instance_profile": iam.create_instance_profile(InstanceProfileName="batch-instances")["InstanceProfile"][
                "Arn"
            ],
            **_batch_vpc(ec2),
        }
        yield Account(clients, ids)


def load_case(name: str, ids: dict[str, str]) -> dict[str, Any]:
    text = (CORPUS / f"{name}.json").read_text(encoding="utf-8")
    case: dict[str, Any] = json.loads(Template(text).substitute(ids))
    return case


def _prepare(account: Account, steps: list[list[Any]]) -> None:
    for service, operation, params in steps:
        if service == "devkit" and operation == "lambda_function":
            lambda_function(
                account.clients["lambda"], account.clients["iam"], params["name"], params["subnets"], params["groups"]
            )
        else:
            getattr(account.clients[service], operation)(**params)


def _stubbed(case: dict[str, Any]) -> dict[str, tuple[Any, Stubber]]:
    stubbed = {}
    for service, calls in case.get("stubs", {}).items():
        client = boto3.client(service, region_name=REGION)
        stubber = Stubber(client)
        for call in calls:
            stubber.add_response(call["operation"], call["response"], call["expected_params"])
        stubber.activate()
        stubbed[service] = (client, stubber)
    return stubbed


@pytest.mark.parametrize("name", CASES)
def test_each_documented_shape_gets_its_expected_outcome(account: Account, name: str) -> None:
    case = load_case(name, account.ids)
    _prepare(account, case.get("moto", []))
    stubbed = _stubbed(case)
    event = load_sample(
        case["event"]["sample"],
        request=case["event"]["requestParameters"],
        responseElements=case["event"]["responseElements"],
    )
    settings = Settings(stack_name="vpc-remediator", **case.get("settings", {}))
    preset = {service: client for service, (client, _) in stubbed.items()}
    reports = on_placement_event(event, regions(settings, **preset), delays=(0, 0), sleep=lambda _: None)
    (report,) = [item.to_dict() for item in reports]
    expected = case["expected"]

    assert report["outcome"] == expected["outcome"], report["reason"]
    for text in expected.get("reason_contains", []):
        assert text in report["reason"]
    details = report["details"]
    assert {key: details.get(key) for key in expected.get("details", {})} == expected.get("details", {})
    if "subnets_after" in expected:
        assert [item["id"] for item in details["subnets_after"]] == expected["subnets_after"]
    if "egress_before" in expected:
        assert [item["egress"] for item in details["subnets_before"]] == expected["egress_before"]
    if "advice_keys" in expected:
        keys = [item["key"] for item in details["nat_advice"]["alternatives"]]
        assert set(expected["advice_keys"]) <= set(keys)
    if "action" in expected:
        (action,) = report["actions"]
        assert {key: action[key] for key in ("api", "params")} == expected["action"]
    if "appspec_subnets" in expected:
        corrected = details["corrected"]
        assert corrected["revision"]["revisionType"] == "AppSpecContent"
        appspec = json.loads(corrected["revision"]["appSpecContent"]["content"])
        network = appspec["Resources"][0]["TargetService"]["Properties"]["NetworkConfiguration"]
        assert network["AwsvpcConfiguration"]["Subnets"] == expected["appspec_subnets"]
        assert report["actions"] == []
    if "ecs_service_after" in expected:
        after = expected["ecs_service_after"]
        described = account.clients["ecs"].describe_services(cluster="shop", services=[after["arn"]])["services"][0]
        config = described["networkConfiguration"]["awsvpcConfiguration"]
        assert (config["subnets"], config.get("assignPublicIp")) == (after["subnets"], after["assignPublicIp"])
    for _, stubber in stubbed.values():
        stubber.assert_no_pending_responses()
