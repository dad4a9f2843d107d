"""The phases of a sweep, built from the settings: the same rules as the event-driven functions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from vpc_remediator.aws.clients import ClientFactory
from vpc_remediator.aws.ec2 import DefaultVpcAdapter
from vpc_remediator.domain.errors import RemediatorError
from vpc_remediator.domain.report import Outcome, Report
from vpc_remediator.domain.workload import Workload
from vpc_remediator.remediation.context import ReportStamp
from vpc_remediator.remediation.default_vpc import ensure_default_vpc
from vpc_remediator.remediation.placement import PlacementServices, remediate_workload
from vpc_remediator.remediation.placement_event import build_services
from vpc_remediator.remediation.sweep import Phase
from vpc_remediator.settings import Settings


@dataclass
class DefaultVpcPhase:
    """The region's default VPC, checked exactly as DefaultVpcFunction checks it."""

    adapter: DefaultVpcAdapter
    stamp: ReportStamp
    dry_run: bool
    name: str = "default-vpc"

    def run_page(self, token: str | None) -> tuple[list[Report], str | None]:
        """One page: the default VPC."""
        return [ensure_default_vpc(self.adapter, self.stamp, "scheduled sweep", self.dry_run)], None


Lister = Callable[[str | None], tuple[list[Workload], str | None]]


@dataclass
class WorkloadPhase:
    """One kind of workload, listed page by page and decided with exactly PlacementFunction's rules."""

    name: str
    lister: Lister
    services: PlacementServices
    settings: Settings
    stamp: ReportStamp

    def run_page(self, token: str | None) -> tuple[list[Report], str | None]:
        """Decide (and apply, unless dry run) for every workload of one page."""
        workloads, following = self.lister(token)
        return [self._one(workload) for workload in workloads], following

    def _one(self, workload: Workload) -> Report:
        try:
            return remediate_workload(
                workload, self.services, self.settings, self.stamp, self.settings.dry_run, audit_compliant=False
            )
        except RemediatorError as exc:
            # One resource that AWS will not describe or change must not stop the sweep of all the others.
            return self.stamp.report(workload.arn, workload.kind.value, Outcome.FAILED, f"not checked: {exc}")


def build_phases(settings: Settings, clients: ClientFactory, stamp: ReportStamp) -> list[Phase]:
    """Every phase the settings switch on, in a fixed order (a carried cursor names one of them).

    One PlacementServices for the whole sweep: each VPC's network and each security group is read once.
    """
    from vpc_remediator.aws.batch import BatchAdapter  # noqa: PLC0415  (each service's code only when swept)
    from vpc_remediator.aws.ecs import EcsAdapter  # noqa: PLC0415
    from vpc_remediator.aws.inventory import BatchLister, EcsServiceLister, LambdaFunctionLister  # noqa: PLC0415

    phases: list[Phase] = []
    if settings.manage_default_vpc:
        phases.append(DefaultVpcPhase(DefaultVpcAdapter(clients.ec2()), stamp, settings.dry_run))
    services = build_services(settings, clients)
    batch = BatchLister(clients.batch(), BatchAdapter(clients.batch()))
    listers: list[tuple[str, Lister]] = [
        ("ecs-services", EcsServiceLister(clients.ecs(), EcsAdapter(clients.ecs())).page),
        ("batch-compute-environments", batch.compute_environments),
        ("batch-job-definitions", batch.job_definitions),
        ("lambda-functions", LambdaFunctionLister(clients.lambda_()).page),
    ]
    phases += [WorkloadPhase(name, lister, services, settings, stamp) for name, lister in listers]
    return phases
