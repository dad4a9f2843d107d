"""The phases of a sweep: the default VPC, then every kind the registry lists a sweep for, with the same rules as the
event-driven functions."""

from __future__ import annotations

from dataclasses import dataclass

from vpc_remediator.domain.approval import RemediationMode
from vpc_remediator.domain.errors import RemediatorError
from vpc_remediator.domain.report import Outcome, Report
from vpc_remediator.domain.workload import Workload
from vpc_remediator.remediation.approvals import ChangeGate
from vpc_remediator.remediation.context import ReportStamp
from vpc_remediator.remediation.default_vpc import KIND as DEFAULT_VPC
from vpc_remediator.remediation.default_vpc import ensure_default_vpc
from vpc_remediator.remediation.placement import remediate_workload
from vpc_remediator.remediation.ports import DefaultVpcPort, Ledger, PlacementServices, Region
from vpc_remediator.remediation.sweep import Phase
from vpc_remediator.settings import Settings
from vpc_remediator.workloads.kind import Lister


@dataclass
class DefaultVpcPhase:
    """The region's default VPC, checked exactly as DefaultVpcFunction checks it."""

    adapter: DefaultVpcPort
    stamp: ReportStamp
    dry_run: bool
    ledger: Ledger | None = None
    name: str = "default-vpc"
    gate: ChangeGate | None = None

    def run_page(self, token: str | None) -> tuple[list[Report], str | None]:
        """One page: the default VPC."""
        why = "scheduled sweep"
        return [ensure_default_vpc(self.adapter, self.stamp, why, self.dry_run, self.ledger, gate=self.gate)], None


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
            return remediate_workload(workload, self.services, self.settings, self.stamp, audit_compliant=False)
        except RemediatorError as exc:
            # One resource that AWS will not describe or change must not stop the sweep of all the others.
            return self.stamp.report(workload.arn, workload.kind, Outcome.FAILED, f"not checked: {exc}")


def build_phases(region: Region, stamp: ReportStamp) -> list[Phase]:
    """Every phase the settings switch on, in a fixed order (a carried cursor names one of them).

    One PlacementServices for the whole sweep: each VPC's network and each security group is read once.
    """
    settings = region.settings
    phases: list[Phase] = []
    services = region.placement_services()
    if settings.manage_default_vpc:
        report_only = settings.mode_for(DEFAULT_VPC) is RemediationMode.REPORT
        gate = ChangeGate.for_kind(settings, DEFAULT_VPC, services.approvals, services.clock)
        phases.append(DefaultVpcPhase(region.default_vpc(), stamp, report_only, services.ledger, gate=gate))
    phases += [
        WorkloadPhase(name, lister, services, settings, stamp) for name, lister in region.sweep_listers(services)
    ]
    return phases
