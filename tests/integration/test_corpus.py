"""Real shapes of events, each routed through template.yaml's rules to its function's handler against a simulated
account, with the outcome it must have."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from vpc_remediator.cli.local import LocalContext
from vpc_remediator.cli.router import Router
from vpc_remediator.cli.samples import load_sample
from vpc_remediator.devkit.scenarios.default_vpc import default_vpc_id, delete_default_vpc

TEMPLATE = Path(__file__).resolve().parents[2] / "template.yaml"
HANDLERS = {"DefaultVpcFunction": "default_vpc", "PlacementFunction": "placement"}


def isolate_a_default_subnet(ec2: Any) -> None:
    """A default subnet explicitly associated with a table that has no route out."""
    vpc_id = default_vpc_id(ec2)
    subnet = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"][0]
    table_id = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
    ec2.associate_route_table(RouteTableId=table_id, SubnetId=subnet["SubnetId"])


def nothing(_: Any) -> None:
    pass


# sample → (what the account looks like first, the outcome, words the report's resource or reason must hold)
CORPUS: dict[str, tuple[Callable[[Any], None], str, str]] = {
    "ec2/AssociateRouteTable": (isolate_a_default_subnet, "remediated", "no 0.0.0.0/0 route in rtb-"),
    "autoscaling/CreateLaunchConfiguration_no_default_vpc": (delete_default_vpc, "remediated", "ValidationError"),
    "ec2/DeleteVpc_aws_cn": (nothing, "remediated", "arn:aws-cn:ec2:cn-north-1:"),
    "lambda/UpdateFunctionConfiguration20150331v2_omitted": (nothing, "skipped", "the sweep will check it"),
    "ecs/RunTask_batch": (nothing, "ignored", "compute environment"),
}


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_each_real_shape_gets_its_outcome_through_the_rules_and_the_handler(ec2: Any, name: str) -> None:
    prepare, outcome, words = CORPUS[name]
    prepare(ec2)
    event = load_sample(name)
    (rule,) = Router.from_template(TEMPLATE, "vpc-remediator").matching(event)
    handler = importlib.import_module(f"vpc_remediator.handlers.{HANDLERS[rule.function]}").lambda_handler
    # The function deployed where the event happened: a function acts on its own region and account only.
    partition = "aws-cn" if event["region"].startswith("cn-") else "aws"
    arn = f"arn:{partition}:lambda:{event['region']}:{event['account']}:function:vpc-remediator-{rule.function}-1"
    (report,) = handler(event, LocalContext(rule.function, invoked_function_arn=arn))
    assert report["outcome"] == outcome, report["reason"]
    assert words in f"{report['resource']} {report['reason']}"
