"""The private-only rule and NAT advice for the kinds that take one subnet (a Glue connection, a SageMaker notebook)
and for those with no way out of their VPC or to IPv6 that the advice could name."""

from __future__ import annotations

import json

from tests.unit.advice import advice_dict
from tests.unit.test_nat_advice import ZONES, public_vpc
from tests.unit.test_placement_rules import vpc
from vpc_remediator.domain.placement import Verdict, decide_placement, template_change
from vpc_remediator.domain.workload import Workload
from vpc_remediator.workloads import glue_connection, sagemaker_job, sagemaker_notebook


def test_a_one_subnet_kind_moves_to_one_private_subnet_in_its_own_zone() -> None:
    connection = Workload(glue_connection.PROFILE, "arn:glue", "orders", ("pub-b",), ("sg-1",))
    decision = decide_placement(connection, vpc())
    assert decision.verdict is Verdict.CHANGE
    assert decision.target is not None
    assert (decision.target.subnet_ids, decision.target.zones) == (("nat-b",), ("b",))
    # Its template names one subnet (text, not a list) and the zone with it.
    change = template_change(connection, decision.target)
    assert change["value"] == {"SubnetId": "nat-b", "SecurityGroupIdList": ["sg-1"], "AvailabilityZone": "b"}


def test_a_workload_that_needs_no_egress_from_its_subnets_is_compliant_wherever_they_are() -> None:
    why = "DirectInternetAccess Enabled: SageMaker's own network gives the notebook the internet"
    notebook = Workload(sagemaker_notebook.PROFILE, "arn:nb", "nb", ("iso-a",), ("sg-1",), egress_not_needed=why)
    decision = decide_placement(notebook, vpc())
    assert (decision.verdict, decision.reason) == (Verdict.COMPLIANT, why)


def test_the_nat_advice_of_a_kind_without_a_way_out_of_its_vpc_offers_none_and_speaks_of_it() -> None:
    advice = advice_dict(public_vpc(), ZONES, glue_connection.PROFILE, "us-east-1", subnet_ids=["subnet-a"])
    keys = {item["key"] for item in advice["alternatives"]}
    # Glue connections exist to reach something in the VPC; no setting gives their interfaces IPv6 egress.
    assert "leave-vpc" not in keys and "ipv6-egress" not in keys
    assert advice["why"].startswith("the connection is in public subnets")
    assert "Lambda" not in json.dumps(advice)


def test_the_nat_advice_of_a_job_says_how_to_run_it_outside_the_vpc() -> None:
    advice = advice_dict(public_vpc(), ZONES, sagemaker_job.PROFILE, "us-east-1", subnet_ids=["subnet-a"], name="churn")
    leave = next(item for item in advice["alternatives"] if item["key"] == "leave-vpc")
    assert (
        leave["title"] == "Take the job out of the VPC" and "start churn's next run without VpcConfig" in leave["how"]
    )
