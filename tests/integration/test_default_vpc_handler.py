"""DefaultVpcFunction's handler against a simulated account."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from botocore.stub import Stubber

from tests.integration.conftest import regions
from tests.support.default_vpc import all_zones, default_vpc_picture
from vpc_remediator.cli.local import LocalContext
from vpc_remediator.devkit.scenarios import REGION
from vpc_remediator.devkit.scenarios.default_vpc import (
    default_vpc_id,
    delete_default_vpc,
    delete_gateway,
    delete_last_default_subnet,
)
from vpc_remediator.domain.errors import ConfigurationError
from vpc_remediator.handlers.default_vpc import lambda_handler
from vpc_remediator.remediation.entry import on_default_vpc_event
from vpc_remediator.settings import Settings, get_settings

EVENTS = Path(__file__).resolve().parents[2] / "events"


def sample(name: str) -> dict[str, Any]:
    event: dict[str, Any] = json.loads((EVENTS / f"{name}.json").read_text())
    return event


def invoke(event: dict[str, Any]) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = lambda_handler(event, LocalContext("DefaultVpcFunction"))
    return result


def test_a_deleted_default_vpc_is_recreated_and_works(ec2: Any) -> None:
    delete_default_vpc(ec2)
    (report,) = invoke(sample("ec2/DeleteVpc"))
    picture = default_vpc_picture(ec2)
    assert report["outcome"] == "remediated"
    assert report["kind"] == "default-vpc"
    assert picture["vpc"] is not None
    assert report["resource"].endswith(picture["vpc"])
    assert picture["zones"] == all_zones(ec2)
    assert len(picture["igws"]) == 1
    assert picture["route_target"] == picture["igws"][0]
    assert report["actions"][0]["api"] == "ec2:CreateDefaultVpc"
    assert all(action["undo"] for action in report["actions"])


def test_a_deleted_subnet_and_gateway_are_put_back_in_the_same_vpc(ec2: Any) -> None:
    vpc_before = default_vpc_id(ec2)
    subnet = delete_last_default_subnet(ec2)
    delete_gateway(ec2)
    (report,) = invoke(sample("ec2/DeleteSubnet"))
    picture = default_vpc_picture(ec2)
    assert report["outcome"] == "remediated"
    assert picture["vpc"] == vpc_before
    assert subnet["AvailabilityZone"] in picture["zones"]
    assert picture["zones"] == all_zones(ec2)
    assert picture["route_target"] == picture["igws"][0]
    assert {"ec2:CreateDefaultSubnet", "ec2:CreateInternetGateway", "ec2:AttachInternetGateway"} <= {
        action["api"] for action in report["actions"]
    }


def test_a_working_default_vpc_is_compliant_and_untouched(ec2: Any) -> None:
    before = default_vpc_picture(ec2)
    (report,) = invoke(sample("ec2/DeleteRoute"))
    assert report["outcome"] == "compliant"
    assert report["actions"] == []
    assert default_vpc_picture(ec2) == before


def test_dry_run_changes_nothing_and_says_would_remediate(ec2: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DRY_RUN", "true")
    get_settings.cache_clear()
    delete_default_vpc(ec2)
    (report,) = invoke(sample("ec2/RunInstances_no_default_vpc"))
    assert report["outcome"] == "would-remediate"
    assert [action["api"] for action in report["actions"]] == ["ec2:CreateDefaultVpc"]
    assert default_vpc_picture(ec2) == {"vpc": None}


def test_calls_of_the_stacks_own_roles_are_ignored_even_when_delivered(ec2: Any) -> None:
    delete_default_vpc(ec2)
    (report,) = invoke(sample("ec2/DeleteSubnet_own_role"))
    assert report["outcome"] == "ignored"
    assert "own role" in report["reason"]
    assert default_vpc_picture(ec2) == {"vpc": None}


def test_a_failure_other_than_no_default_vpc_is_ignored(ec2: Any) -> None:
    delete_default_vpc(ec2)
    (report,) = invoke(sample("ec2/RunInstances_failed_other"))
    assert report["outcome"] == "ignored"
    assert "Client.UnauthorizedOperation" in report["reason"]
    assert default_vpc_picture(ec2) == {"vpc": None}


def test_the_off_switch_skips(ec2: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MANAGE_DEFAULT_VPC", "false")
    get_settings.cache_clear()
    delete_default_vpc(ec2)
    (report,) = invoke(sample("ec2/DeleteVpc"))
    assert report["outcome"] == "skipped"
    assert "ManageDefaultVpc" in report["reason"]
    assert default_vpc_picture(ec2) == {"vpc": None}


def test_an_scp_that_forbids_default_vpcs_gives_a_blocked_report_not_a_retry() -> None:
    client = boto3.client("ec2", region_name=REGION)
    stubber = Stubber(client)
    stubber.add_response("describe_vpcs", {"Vpcs": []})
    stubber.add_client_error(
        "create_default_vpc", "UnauthorizedOperation", "explicit deny in a service control policy", 403
    )
    stubber.add_response("describe_vpcs", {"Vpcs": []})
    with stubber:
        (report,) = on_default_vpc_event(
            # The account a Lambda reads from its own ARN: no STS call to stub.
            sample("ec2/DeleteVpc"),
            regions(Settings(stack_name="vpc-remediator"), ec2=client),
            own_account="123456789012",
        )
    assert report.outcome == "blocked"
    assert "service control policy" in report.reason
    stubber.assert_no_pending_responses()


def test_the_same_cloudtrail_event_is_handled_once(ec2: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    dynamodb.create_table(
        TableName="idempotency",
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )
    # As in Lambda: a table, and Powertools' idempotency on (the tests' default is off, as the CLI's is).
    monkeypatch.setenv("IDEMPOTENCY_TABLE", "idempotency")
    monkeypatch.setenv("POWERTOOLS_IDEMPOTENCY_DISABLED", "false")
    get_settings.cache_clear()
    event = sample("ec2/DeleteVpc")
    delete_default_vpc(ec2)
    first = invoke(event)
    delete_default_vpc(ec2)
    redelivered = dict(event, id="another-eventbridge-delivery-id")
    second = invoke(redelivered)
    # The replay is the record's small summary of the first run (its reports went out with the first run).
    assert second == {"reports": 1, "outcomes": {"remediated": 1}, "resources": [first[0]["resource"]]}
    assert default_vpc_picture(ec2) == {"vpc": None}
    # The second delivery was answered from the first one's record, kept by Powertools under the CloudTrail eventID.
    (record,) = dynamodb.scan(TableName="idempotency")["Items"]
    assert record["status"] == {"S": "COMPLETED"}


def test_idempotency_on_without_a_table_fails_naming_the_parameter(ec2: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POWERTOOLS_IDEMPOTENCY_DISABLED", "false")
    get_settings.cache_clear()
    delete_default_vpc(ec2)
    with pytest.raises(ConfigurationError, match=r"IdempotencyTable \(IDEMPOTENCY_TABLE\)"):
        invoke(sample("ec2/DeleteVpc"))
    assert default_vpc_picture(ec2) == {"vpc": None}


def _isolate_zone(ec2: Any) -> tuple[str, str]:
    """Associate one default subnet explicitly with a new table that has no route out; (table id, zone)."""
    vpc_id = default_vpc_id(ec2)
    subnet = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"][0]
    table_id = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
    ec2.associate_route_table(RouteTableId=table_id, SubnetId=subnet["SubnetId"])
    return table_id, subnet["AvailabilityZone"]


def _default_route_target(ec2: Any, table_id: str) -> str | None:
    (table,) = ec2.describe_route_tables(RouteTableIds=[table_id])["RouteTables"]
    route = next((r for r in table["Routes"] if r.get("DestinationCidrBlock") == "0.0.0.0/0"), None)
    return route.get("GatewayId") or route.get("NatGatewayId") if route else None


def test_a_default_subnet_explicitly_associated_with_a_table_without_a_route_out_is_repaired(ec2: Any) -> None:
    table_id, zone = _isolate_zone(ec2)
    (report,) = invoke(sample("ec2/AssociateRouteTable"))
    igw = default_vpc_picture(ec2)["igws"][0]
    assert report["outcome"] == "remediated"
    assert _default_route_target(ec2, table_id) == igw
    assert [(a["api"], a["params"]["RouteTableId"]) for a in report["actions"]] == [("ec2:CreateRoute", table_id)]
    assert table_id in report["reason"]
    assert report["details"]["after"]["zone_route_tables"] == {table_id: f"{zone}: {igw} (active)"}


def test_an_explicitly_associated_table_routed_elsewhere_is_kept(ec2: Any) -> None:
    table_id, _ = _isolate_zone(ec2)
    vpc_id = default_vpc_id(ec2)
    subnet_id = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"][1]["SubnetId"]
    nat_id = ec2.create_nat_gateway(SubnetId=subnet_id, ConnectivityType="private")["NatGateway"]["NatGatewayId"]
    ec2.create_route(RouteTableId=table_id, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat_id)
    (report,) = invoke(sample("ec2/ReplaceRouteTableAssociation"))
    assert report["outcome"] == "compliant"
    assert _default_route_target(ec2, table_id) == nat_id


def _refuse_zone(client: Any, zone: str, code: str = "InvalidParameterValue") -> None:
    """Make CreateDefaultSubnet fail in one zone, as AWS does for a zone the account cannot use."""

    def refuse(params: dict[str, Any], **_: Any) -> None:
        if params.get("AvailabilityZone") == zone:
            error = {"Error": {"Code": code, "Message": f"Value ({zone}) is invalid"}}
            raise ClientError(error, "CreateDefaultSubnet")  # type: ignore[arg-type]

    client.meta.events.register("before-parameter-build.ec2.CreateDefaultSubnet", refuse)


@pytest.mark.parametrize(
    ("code", "outcome", "words"),
    [
        ("InvalidParameterValue", "failed", "ec2:CreateDefaultSubnet failed with InvalidParameterValue"),
        ("UnauthorizedOperation", "failed", "ec2:CreateDefaultSubnet was denied"),
    ],
)
def test_a_zone_that_refuses_a_default_subnet_is_skipped_and_named_while_the_others_are_repaired(
    ec2: Any, code: str, outcome: str, words: str
) -> None:
    zones = all_zones(ec2)
    vpc_id = default_vpc_id(ec2)
    for subnet in ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"]:
        if subnet["AvailabilityZone"] != zones[0]:
            ec2.delete_subnet(SubnetId=subnet["SubnetId"])
    client = boto3.client("ec2", region_name=REGION)
    _refuse_zone(client, zones[1], code)
    settings = Settings(stack_name="vpc-remediator")
    (report,) = on_default_vpc_event(sample("ec2/DeleteSubnet"), regions(settings, ec2=client))
    assert default_vpc_picture(ec2)["zones"] == [z for z in zones if z != zones[1]]
    assert report.outcome == outcome
    assert f"{zones[1]}: {words}" in report.reason
    assert list(report.details.skipped_zones) == [zones[1]]  # type: ignore[union-attr]


def test_auto_scalings_validation_error_for_a_missing_default_vpc_recreates_it(ec2: Any) -> None:
    delete_default_vpc(ec2)
    (report,) = invoke(sample("autoscaling/CreateLaunchConfiguration_no_default_vpc"))
    assert report["outcome"] == "remediated"
    assert "ValidationError: No default VPC for this user" in report["reason"]
    assert default_vpc_picture(ec2)["vpc"] is not None


def test_an_event_from_the_china_partition_gets_reports_with_its_arns(ec2: Any) -> None:
    (report,) = invoke(sample("ec2/DeleteVpc_aws_cn"))
    assert report["region"] == "cn-north-1"
    assert report["resource"].startswith("arn:aws-cn:ec2:cn-north-1:123456789012:vpc/vpc-")
