from tests.unit.advice import advice_dict
from vpc_remediator.cli.render import summary
from vpc_remediator.domain.network import Route, RouteTable, Subnet, VpcNetwork
from vpc_remediator.domain.report import Outcome, Report
from vpc_remediator.workloads import lambda_function


def test_a_needs_nat_summary_shows_the_nat_cost_and_the_cheaper_ways_out() -> None:
    subnets = (Subnet("subnet-a", "vpc-1", "us-east-1a"), Subnet("subnet-b", "vpc-1", "us-east-1b"))
    table = RouteTable("rtb-1", (Route("0.0.0.0/0", "igw-1"),), ("subnet-a", "subnet-b"), is_main=True)
    advice = advice_dict(
        VpcNetwork("vpc-1", subnets, (table,)), ["us-east-1a", "us-east-1b"], lambda_function.PROFILE, "us-east-1"
    )
    report = Report("arn:aws:lambda:us-east-1:1:function:f", "lambda-function", Outcome.NEEDS_NAT, "public subnets")
    text = summary({**report.to_dict(), "details": {"nat_advice": advice}})
    assert f"NAT: {advice['nat_gateway']['text']}" in text
    assert "$65.70" in text  # two zones x $0.045 x 730 h
    for alternative in advice["alternatives"]:
        assert alternative["title"] in text


def test_other_summaries_have_no_nat_lines() -> None:
    report = Report("arn:aws:ec2:us-east-1:1:vpc/vpc-1", "default-vpc", Outcome.COMPLIANT, "the default VPC works")
    assert "NAT:" not in summary(report.to_dict())
