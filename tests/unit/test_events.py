import json
from pathlib import Path

import pytest

from vpc_remediator.domain.errors import InvalidEventError
from vpc_remediator.events import default_vpc_relevance, parse_event

EVENTS = Path(__file__).resolve().parents[2] / "events"


def sample(name: str) -> dict[str, object]:
    return json.loads((EVENTS / f"{name}.json").read_text())


def test_a_cloudtrail_event_becomes_a_trigger_keyed_on_the_cloudtrail_event_id() -> None:
    event = sample("ec2/DeleteSubnet")
    trigger = parse_event(event)
    assert trigger.event_id == event["detail"]["eventID"]  # type: ignore[index]
    assert trigger.event_name == "DeleteSubnet"
    assert trigger.role_name == "PlatformAdmin"
    assert trigger.account == "123456789012"
    assert trigger.region == "us-east-1"
    assert not trigger.failed


@pytest.mark.parametrize(
    ("event", "message"),
    [
        ([], "JSON object"),
        ({"detail": {}}, "missing id, source, detail-type, account, region"),
        ({"id": "1", "source": "aws.ec2", "detail-type": "x", "account": "1", "region": "r", "detail": 3}, "detail"),
        (
            {
                "id": "1",
                "source": "aws.ec2",
                "detail-type": "AWS API Call via CloudTrail",
                "account": "1",
                "region": "r",
                "detail": {},
            },
            "eventName",
        ),
    ],
)
def test_malformed_events_are_refused_with_a_clear_message(event: object, message: str) -> None:
    with pytest.raises(InvalidEventError, match=message):
        parse_event(event)


def test_calls_by_the_stacks_own_roles_are_recognised() -> None:
    assert parse_event(sample("ec2/DeleteSubnet_own_role")).is_own_call("vpc-remediator")
    assert not parse_event(sample("ec2/DeleteSubnet")).is_own_call("vpc-remediator")
    assert not parse_event(sample("ec2/DeleteSubnet_own_role")).is_own_call("other-stack")
    assert not parse_event(sample("ec2/DeleteVpc_iam_user")).is_own_call("vpc-remediator")


@pytest.mark.parametrize(
    "name",
    [
        "ec2/DeleteVpc",
        "ec2/DeleteSubnet",
        "ec2/DetachInternetGateway",
        "ec2/DeleteInternetGateway",
        "ec2/DeleteRoute",
        "ec2/ReplaceRoute",
        "ec2/DisassociateRouteTable",
        "ec2/ReplaceRouteTableAssociation",
        "ec2/RunInstances_no_default_vpc",
        "ec2/RunInstances_no_default_subnets",
        "cloudformation/StackStatusChange_create_complete",
    ],
)
def test_calls_that_can_break_or_reveal_a_broken_default_vpc_are_relevant(name: str) -> None:
    assert default_vpc_relevance(parse_event(sample(name)))


@pytest.mark.parametrize("name", ["ec2/DeleteSubnet_failed", "ec2/RunInstances_failed_other"])
def test_other_failures_are_not_relevant(name: str) -> None:
    assert default_vpc_relevance(parse_event(sample(name))) is None
