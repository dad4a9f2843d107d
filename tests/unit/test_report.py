import json

from vpc_remediator.domain.report import Action, Outcome, Report


def test_a_report_survives_json_and_keeps_the_promised_keys() -> None:
    report = Report(
        resource="arn:aws:ec2:us-east-1:1:vpc/vpc-1",
        kind="default-vpc",
        outcome=Outcome.REMEDIATED,
        reason="DeleteVpc can break the default VPC",
        actions=(Action("ec2:CreateDefaultVpc", {}, undo="aws ec2 delete-vpc --vpc-id vpc-1"),),
        event_id="e-1",
        account="1",
        region="us-east-1",
    )
    data = json.loads(json.dumps(report.to_dict()))
    assert {"resource", "kind", "outcome", "reason", "actions", "event_id", "account", "region"} <= set(data)
    assert data["outcome"] == "remediated"
    assert data["actions"] == [
        {"api": "ec2:CreateDefaultVpc", "params": {}, "undo": "aws ec2 delete-vpc --vpc-id vpc-1"}
    ]
    assert Report.from_dict(data) == report
