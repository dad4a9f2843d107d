"""A new workload kind is one declaration and one registry line: registered here as a fake kind (its service kept in
memory, its network in a simulated account), it is routed, placed, verified, swept and linked from Slack with no
other change anywhere."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import boto3
import pytest
from moto import mock_aws

from tests.integration.conftest import regions
from vpc_remediator.devkit.scenarios import REGION
from vpc_remediator.devkit.scenarios.placement import Topology, build_topology
from vpc_remediator.domain.details import PlacementDetails
from vpc_remediator.domain.errors import ResourceNotFoundError
from vpc_remediator.domain.placement import NetworkPlan
from vpc_remediator.domain.report import Action, Report
from vpc_remediator.domain.workload import EgressRule, Profile, TemplateProperty, Workload, WorkloadRef
from vpc_remediator.notify.blocks import report_message
from vpc_remediator.remediation.entry import on_placement_event, on_sweep_event
from vpc_remediator.settings import Settings
from vpc_remediator.workloads import registry
from vpc_remediator.workloads.kind import CloudTrailCall, SweepListing, WorkloadKind

ARN = f"arn:aws:notebooks:{REGION}:123456789012:notebook/"
PROFILE = Profile(
    kind="test-notebook",
    rule=EgressRule.PRIVATE_ONLY,
    noun="notebook",
    template=TemplateProperty("AWS::Test::Notebook", "VpcConfig", "SubnetIds", "SecurityGroupIds"),
)


@dataclass
class NotebookService:
    """The made-up service: notebooks by ARN, each with subnets and security groups."""

    notebooks: dict[str, Workload] = field(default_factory=dict)
    updates: list[dict[str, Any]] = field(default_factory=list)

    def create(self, name: str, subnets: tuple[str, ...], group: str) -> str:
        self.notebooks[ARN + name] = Workload(PROFILE, ARN + name, name, subnets, (group,))
        return ARN + name


@dataclass
class NotebookAdapter:
    service: NotebookService

    def load(self, ref: WorkloadRef) -> Workload:
        if ref.identifier not in self.service.notebooks:
            raise ResourceNotFoundError(ref.identifier)
        return self.service.notebooks[ref.identifier]

    def reload(self, workload: Workload, arn: str) -> Workload:
        return self.load(WorkloadRef(PROFILE.kind, arn))

    def plan(self, workload: Workload, plan: NetworkPlan) -> Action:
        params = {"NotebookArn": workload.arn, "SubnetIds": list(plan.subnet_ids)}
        return Action("notebooks:UpdateNotebook", params, undo=f"undo-notebook {workload.arn}")

    def apply(self, workload: Workload, plan: NetworkPlan, token: str | None = None) -> tuple[Action, str]:
        action = self.plan(workload, plan)
        self.service.updates.append(action.params)
        self.service.notebooks[workload.arn] = replace(workload, subnet_ids=plan.subnet_ids)
        return action, workload.arn


def notebook_kind(service: NotebookService) -> WorkloadKind:
    def refs(request: Mapping[str, Any], response: Mapping[str, Any]) -> list[WorkloadRef]:
        return [WorkloadRef(PROFILE.kind, str(response["notebookArn"]))] if response.get("notebookArn") else []

    def lister(_clients: Any, _adapter: Any) -> Any:
        return lambda token: (list(service.notebooks.values()), None)

    return WorkloadKind(
        profile=PROFILE,
        calls=(CloudTrailCall("notebooks.amazonaws.com", "CreateNotebook", refs),),
        adapter=lambda _clients: NotebookAdapter(service),
        console_url=lambda arn, region: f"https://{region}.console.aws.amazon.com/notebooks/{arn.rsplit('/', 1)[1]}",
        iam_actions=frozenset({"notebooks:DescribeNotebook", "notebooks:UpdateNotebook"}),
        sweep=SweepListing("test-notebooks", lister, frozenset({"notebooks:ListNotebooks"})),
    )


@pytest.fixture
def world(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[NotebookService, Topology]]:
    service = NotebookService()
    # The one registry line a new kind takes.
    monkeypatch.setattr(registry, "KINDS", (*registry.KINDS, notebook_kind(service)))
    with mock_aws():
        yield service, build_topology(boto3.client("ec2", region_name=REGION))


def created(arn: str) -> dict[str, Any]:
    return {
        "version": "0",
        "id": "7e0b8d63-0000-4000-8000-000000000001",
        "detail-type": "AWS API Call via CloudTrail",
        "source": "aws.notebooks",
        "account": "123456789012",
        "time": "2026-11-27T09:00:00Z",
        "region": REGION,
        "detail": {
            "eventID": "0b3c5d7e-0000-4000-8000-000000000001",
            "eventSource": "notebooks.amazonaws.com",
            "eventName": "CreateNotebook",
            "userIdentity": {"arn": "arn:aws:sts::123456789012:assumed-role/DataScience/someone"},
            "requestParameters": {},
            "responseElements": {"notebookArn": arn},
        },
    }


def test_a_new_kind_is_routed_placed_verified_and_linked(world: tuple[NotebookService, Topology]) -> None:
    service, topo = world
    arn = service.create("research", topo.public, topo.web_sg)
    (report,) = on_placement_event(created(arn), regions(Settings(stack_name="vpc-remediator")))
    assert report.kind == "test-notebook"
    assert report.outcome.value == "remediated", report.reason
    assert set(service.notebooks[arn].subnet_ids) == set(topo.private)  # private-only: out of the public subnets
    assert service.notebooks[arn].security_group_ids == (topo.web_sg,)
    assert isinstance(report.details, PlacementDetails)
    assert {subnet.egress for subnet in report.details.subnets_after or ()} == {"private-nat"}
    text = str(report_message(report).payload())
    assert f"https://{REGION}.console.aws.amazon.com/notebooks/research" in text
    assert "undo-notebook" in text


def test_a_new_kind_is_swept_in_its_own_phase(world: tuple[NotebookService, Topology]) -> None:
    service, topo = world
    service.create("fine", topo.private, topo.web_sg)
    service.create("stuck", topo.public, topo.web_sg)
    scheduled = {
        "version": "0",
        "id": "sweep-1",
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "123456789012",
        "time": "2026-11-27T09:00:00Z",
        "region": REGION,
        "detail": {},
    }
    settings = Settings(stack_name="vpc-remediator", manage_default_vpc=False, dry_run=True)
    summary, *reports = on_sweep_event(scheduled, regions(settings), out_of_time=lambda: False).reports
    counts = summary.details.counts  # type: ignore[union-attr]
    assert counts["test-notebook"] == {"compliant": 1, "would-remediate": 1}
    assert [(r.kind, r.resource) for r in reports if isinstance(r, Report)] == [("test-notebook", ARN + "stuck")]
    assert service.updates == []  # a dry run changes nothing
