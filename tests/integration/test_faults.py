"""Any fault at any AWS call leaves a true report and nothing half-done or made twice (tests/support/faults.py).

For each remediation and each fault kind, the fault is injected at every call the clean run makes, in turn; the
function is then invoked as Lambda does (the invocation, and while it raises, up to two retries with the fault gone).
"""

from __future__ import annotations

import pytest

from tests.support.faults import FAULT_KINDS, SCENARIOS, matrix, run, simulated_account


@pytest.mark.parametrize("kind", FAULT_KINDS)
@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_a_fault_at_any_call_leaves_one_true_report_and_nothing_half_done_or_made_twice(
    scenario: str, kind: str
) -> None:
    runs = matrix(scenario, kind)
    assert len(runs) >= 8, "every remediation reads, records its intent, writes, verifies and records"
    assert all(item.fired for item in runs), "the fault was injected at each call index"
    broken = {f"call {item.at} ({item.fired})": item.problems() for item in runs if item.problems()}
    assert not broken
    assert not [item.at for item in runs if item.half_done]


def test_a_write_that_landed_before_its_answer_was_lost_is_reported_remediated_after_the_retry() -> None:
    with simulated_account():
        clean = run("ECS service moved")
        # The call after UpdateService is the read that verifies it: the write has landed when it fails.
        verify = clean.calls.index("ecs:UpdateService") + 1
        faulted = run("ECS service moved", "throttling", verify)
    assert faulted.invocations[0].startswith("raised AwsCallError")
    assert faulted.invocations[1] == "returned"
    (report,) = faulted.reports or []
    assert report["outcome"] == "remediated"
    assert "is in place (verified on a retry)" in report["reason"]
    assert report["actions"][0]["api"] == "ecs:UpdateService"
    assert [item["decision"] for item in sorted(faulted.ledger, key=lambda i: i["at"])] == ["intent", "remediated"]


def test_a_job_definition_revision_whose_answer_timed_out_is_not_registered_again() -> None:
    with simulated_account():
        clean = run("job definition revised")
        faulted = run("job definition revised", "read-timeout", clean.calls.index("batch:RegisterJobDefinition"))
    assert faulted.invocations[0].startswith("raised AwsCallError")
    assert faulted.made["job definition revisions made"] == 1
    (report,) = faulted.reports or []
    assert report["outcome"] == "remediated"


def test_an_internet_gateway_left_detached_by_a_failed_attach_is_reused_not_made_again() -> None:
    with simulated_account():
        clean = run("default VPC (subnet, gateway, route missing)")
        attach = clean.calls.index("ec2:AttachInternetGateway")
        faulted = run("default VPC (subnet, gateway, route missing)", "server-error", attach)
    assert faulted.made == {"internet gateways made": 1, "detached": 0}
    (report,) = faulted.reports or []
    assert report["outcome"] == "remediated"
    assert "continuing the repair this event started at" in report["reason"]
    (created,) = [action for action in report["actions"] if action["api"] == "ec2:CreateInternetGateway"]
    assert created["params"]["reused"] == "reused, left detached by an earlier try"


def test_access_denied_after_repairs_landed_is_failed_with_what_is_still_wrong_not_blocked() -> None:
    with simulated_account():
        clean = run("default VPC (subnet, gateway, route missing)")
        faulted = run(
            "default VPC (subnet, gateway, route missing)", "access-denied", clean.calls.index("ec2:CreateRoute")
        )
    (report,) = faulted.reports or []
    assert faulted.invocations == ["returned"]
    assert report["outcome"] == "failed"
    assert "still wrong: no 0.0.0.0/0 route in the main route table" in report["reason"]
    assert {"ec2:CreateDefaultSubnet", "ec2:CreateInternetGateway", "ec2:AttachInternetGateway"} <= {
        action["api"] for action in report["actions"]
    }
    assert all(action["undo"] for action in report["actions"])


def test_a_read_refused_by_policy_is_blocked_once_naming_the_permission() -> None:
    with simulated_account():
        faulted = run("Lambda function moved", "access-denied", 0)
    assert faulted.invocations == ["returned"]
    (report,) = faulted.reports or []
    assert report["outcome"] == "blocked"
    assert "lambda:GetFunction" in report["reason"]
    assert faulted.after == faulted.before
