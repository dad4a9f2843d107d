"""The phases of a sweep, built from the settings: the same rules as the event-driven functions."""

from __future__ import annotations

from dataclasses import dataclass

from vpc_remediator.aws.clients import ClientFactory
from vpc_remediator.aws.ec2 import DefaultVpcAdapter
from vpc_remediator.domain.report import Report
from vpc_remediator.remediation.context import ReportStamp
from vpc_remediator.remediation.default_vpc import ensure_default_vpc
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


def build_phases(settings: Settings, clients: ClientFactory, stamp: ReportStamp) -> list[Phase]:
    """Every phase the settings switch on, in a fixed order (a carried cursor names one of them)."""
    phases: list[Phase] = []
    if settings.manage_default_vpc:
        phases.append(DefaultVpcPhase(DefaultVpcAdapter(clients.ec2()), stamp, settings.dry_run))
    return phases
