import pytest

from vpc_remediator.domain.partition import console_host, partition_of
from vpc_remediator.notify.links import cloudtrail_url, console_url
from vpc_remediator.remediation.context import ReportStamp
from vpc_remediator.remediation.default_vpc import default_vpc_arn
from vpc_remediator.remediation.sweep import SweepResult, summary_report


@pytest.mark.parametrize(
    ("arn", "region", "partition"),
    [
        ("arn:aws-cn:sts::111122223333:assumed-role/Ops/me", "cn-north-1", "aws-cn"),
        ("arn:aws-us-gov:iam::111122223333:user/me", "us-gov-west-1", "aws-us-gov"),
        (None, "cn-northwest-1", "aws-cn"),
        (None, "us-gov-east-1", "aws-us-gov"),
        (None, "eu-west-1", "aws"),
        ("AROAEXAMPLE:me", "us-gov-west-1", "aws-us-gov"),
    ],
)
def test_the_partition_comes_from_the_callers_arn_else_the_region(arn: str | None, region: str, partition: str) -> None:
    assert partition_of(arn, region) == partition


def stamp(region: str, actor: str | None = None) -> ReportStamp:
    return ReportStamp("evt-1", actor, "111122223333", region, "DeleteVpc", "2026-11-26T00:00:00Z")


def test_the_arns_reports_make_are_in_the_partition_of_the_event() -> None:
    china = stamp("cn-north-1", "arn:aws-cn:sts::111122223333:assumed-role/Ops/me")
    assert default_vpc_arn(china, "vpc-1") == "arn:aws-cn:ec2:cn-north-1:111122223333:vpc/vpc-1"
    assert summary_report(SweepResult(), stamp("us-gov-west-1"), dry_run=False).resource.startswith(
        "arn:aws-us-gov:ec2:us-gov-west-1:"
    )


@pytest.mark.parametrize(
    ("arn", "kind", "host"),
    [
        ("arn:aws-cn:ec2:cn-north-1:111122223333:vpc/vpc-1", None, "https://console.amazonaws.cn/vpcconsole/"),
        (
            "arn:aws-us-gov:lambda:us-gov-west-1:111122223333:function:orders",
            "lambda-function",
            "https://console.amazonaws-us-gov.com/lambda/",
        ),
        (
            "arn:aws:ecs:eu-west-1:111122223333:service/shop/api",
            "ecs-service",
            "https://eu-west-1.console.aws.amazon.com/",
        ),
    ],
)
def test_console_links_go_to_the_console_of_the_resources_partition(arn: str, kind: str | None, host: str) -> None:
    url = console_url(arn, None, kind)
    assert url is not None and url.startswith(host), url


def test_cloudtrail_links_follow_the_region_and_partitions_without_a_public_console_get_none() -> None:
    assert (cloudtrail_url("e-1", "cn-north-1") or "").startswith("https://console.amazonaws.cn/cloudtrailv2/")
    assert console_host("aws-iso", "us-iso-east-1") is None
    assert console_url("arn:aws-iso:ec2:us-iso-east-1:111122223333:vpc/vpc-1") is None
