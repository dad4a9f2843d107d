"""template.yaml and the workload registry agree: every call a rule matches is handled, every handled call has a
rule, and every IAM action a kind declares is granted to the functions that run it."""

from __future__ import annotations

import fnmatch
from pathlib import Path
from typing import Any

import pytest

from tests.integration.test_permissions import granted_actions
from vpc_remediator.cli.template import load_template
from vpc_remediator.events import DEFAULT_VPC_BREAKING_CALLS
from vpc_remediator.remediation.entry import NAT_GATEWAY_CALL
from vpc_remediator.workloads.registry import KINDS

TEMPLATE = Path(__file__).resolve().parents[2] / "template.yaml"
# The functions that run the placement rules: on events, and in the sweep.
PLACING_FUNCTIONS = ("PlacementFunction", "SweepFunction")


def rule_calls(function: str) -> set[tuple[str, str, bool]]:
    """(eventSource, eventName, is a prefix) of every CloudTrail call the function's rules match."""
    events = load_template(TEMPLATE)["Resources"][function]["Properties"].get("Events", {})
    calls = set()
    for event in events.values():
        detail: dict[str, Any] = event.get("Properties", {}).get("Pattern", {}).get("detail", {})
        for source in detail.get("eventSource", []):
            for name in detail.get("eventName", []):
                if isinstance(name, dict):
                    calls.add((source, name["prefix"], True))
                else:
                    calls.add((source, name, False))
    return calls


def registry_calls() -> set[tuple[str, str, bool]]:
    return {(call.event_source, call.event_name, call.versioned) for kind in KINDS for call in kind.calls}


def test_every_call_placement_rules_match_is_declared_by_a_kind_and_every_declared_call_has_a_rule() -> None:
    assert rule_calls("PlacementFunction") == registry_calls()


def test_the_default_vpc_and_nat_gateway_rules_match_the_calls_their_functions_handle() -> None:
    assert {name for _, name, _ in rule_calls("DefaultVpcFunction")} == DEFAULT_VPC_BREAKING_CALLS
    assert rule_calls("NatGatewayFunction") == {("ec2.amazonaws.com", NAT_GATEWAY_CALL, False)}


def test_no_call_is_claimed_by_two_kinds() -> None:
    declared = [(call.event_source, call.event_name) for kind in KINDS for call in kind.calls]
    assert len(declared) == len(set(declared))
    assert len({kind.name for kind in KINDS}) == len(KINDS)


def granted(action: str, allowed: set[str]) -> bool:
    return any(fnmatch.fnmatchcase(action, pattern) for pattern in allowed)


@pytest.mark.parametrize("function", PLACING_FUNCTIONS)
def test_every_action_a_kind_declares_is_granted_to_the_functions_that_place_workloads(function: str) -> None:
    allowed = granted_actions(function)
    # The sweep places only the kinds it lists; tasks and task sets are reported from their events.
    kinds = [kind for kind in KINDS if function == "PlacementFunction" or kind.sweep is not None]
    missing = {kind.name: sorted(a for a in kind.iam_actions if not granted(a, allowed)) for kind in kinds}
    assert {name: actions for name, actions in missing.items() if actions} == {}


def test_every_action_a_sweep_listing_declares_is_granted_to_the_sweep() -> None:
    allowed = granted_actions("SweepFunction")
    listings = [kind.sweep for kind in KINDS if kind.sweep is not None]
    assert listings, "the sweep covers at least one kind"
    assert sorted(a for listing in listings for a in listing.iam_actions if not granted(a, allowed)) == []


def test_register_job_definition_is_granted_on_job_definitions_and_consumable_resources() -> None:
    # IAM authorizes RegisterJobDefinition on both resource types: a revision keeping a consumable resource
    # requirement is refused without the second.
    document = load_template(TEMPLATE)["Resources"]["PlacementPermissions"]["Properties"]["PolicyDocument"]
    (statement,) = [s for s in document["Statement"] if "batch:RegisterJobDefinition" in s["Action"]]
    resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
    texts = [str(resource) for resource in resources]
    assert any(":job-definition/*" in text for text in texts), texts
    assert any(":consumable-resource/*" in text for text in texts), texts
