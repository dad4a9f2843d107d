"""PlacementFunction's use case: a CloudTrail event → the workloads it names → one report each."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from vpc_remediator.aws.clients import ClientFactory
from vpc_remediator.domain.errors import ResourceNotFoundError
from vpc_remediator.domain.report import Outcome, Report
from vpc_remediator.domain.workload import Workload, WorkloadKind, WorkloadRef
from vpc_remediator.events import parse_event, placement_refs
from vpc_remediator.remediation.context import ReportStamp
from vpc_remediator.remediation.placement import (
    Ledger,
    MemoryLedger,
    PlacementServices,
    WorkloadAdapter,
    remediate_workload,
)
from vpc_remediator.settings import Settings

# A resource is not always visible right after the call that created it: wait this long between tries.
NOT_FOUND_DELAYS = (1.0, 2.0, 4.0)
# Without a ledger table (the local command) decisions are kept for the life of the process.
_LOCAL_LEDGER = MemoryLedger()


def build_services(settings: Settings, clients: ClientFactory) -> PlacementServices:
    """The adapters, readers and ledger of one region, from one client factory."""
    from vpc_remediator.aws.batch import BatchAdapter  # noqa: PLC0415  (each service's code only when used)
    from vpc_remediator.aws.ecs import EcsAdapter  # noqa: PLC0415
    from vpc_remediator.aws.lambda_ import LambdaAdapter  # noqa: PLC0415
    from vpc_remediator.aws.network import NetworkReader  # noqa: PLC0415
    from vpc_remediator.aws.security_groups import SecurityGroupReader  # noqa: PLC0415

    ec2 = clients.ec2()
    ecs = EcsAdapter(clients.ecs())
    batch = BatchAdapter(clients.batch())
    adapters: dict[WorkloadKind, WorkloadAdapter] = {
        WorkloadKind.ECS_SERVICE: ecs,
        WorkloadKind.ECS_TASK: ecs,
        WorkloadKind.ECS_TASK_SET: ecs,
        WorkloadKind.BATCH_COMPUTE_ENVIRONMENT: batch,
        WorkloadKind.BATCH_JOB_DEFINITION: batch,
        WorkloadKind.LAMBDA_FUNCTION: LambdaAdapter(clients.lambda_()),
    }
    ledger: Ledger = _LOCAL_LEDGER
    if settings.ledger_table:
        from vpc_remediator.aws.ledger import DynamoDbLedger  # noqa: PLC0415

        ledger = DynamoDbLedger(clients.dynamodb(), settings.ledger_table)
    return PlacementServices(adapters, NetworkReader(ec2), SecurityGroupReader(ec2), ledger)


def find_workload(
    adapter: WorkloadAdapter,
    ref: WorkloadRef,
    delays: Sequence[float] = NOT_FOUND_DELAYS,
    sleep: Callable[[float], None] = time.sleep,
) -> Workload:
    """Load a workload, trying again after each delay while it is not found (eventual consistency)."""
    for delay in delays:
        try:
            return adapter.load(ref)
        except ResourceNotFoundError:
            sleep(delay)
    return adapter.load(ref)


def on_placement_event(
    event: dict[str, Any],
    settings: Settings,
    clients: ClientFactory | None = None,
    services: PlacementServices | None = None,
    delays: Sequence[float] = NOT_FOUND_DELAYS,
    sleep: Callable[[float], None] = time.sleep,
) -> list[Report]:
    """Handle one EventBridge event for PlacementFunction: one report per workload the call placed."""
    trigger = parse_event(event)
    stamp = ReportStamp.from_trigger(trigger)
    resource = f"event/{trigger.event_id}"
    if trigger.is_own_call(settings.stack_name):
        reason = f"made by this stack's own role {trigger.role_name or trigger.actor}: never remediate our own calls"
        return [stamp.report(resource, "workload", Outcome.IGNORED, reason)]
    if trigger.failed:
        reason = f"{trigger.event_name} failed with {trigger.error_code}: nothing was placed"
        return [stamp.report(resource, "workload", Outcome.IGNORED, reason)]
    refs, why_not = placement_refs(trigger)
    if why_not:
        return [stamp.report(resource, "workload", Outcome.IGNORED, why_not)]
    if services is None:
        services = build_services(settings, clients or ClientFactory(region=trigger.region))
    reports = []
    for ref in refs:
        try:
            workload = find_workload(services.adapters[ref.kind], ref, delays, sleep)
        except ResourceNotFoundError as exc:
            waited = sum(delays)
            reason = (
                f"not found after {len(delays) + 1} tries over {waited:g} s ({exc}): it was deleted meanwhile, "
                "or is not visible yet; the sweep will check it"
            )
            reports.append(stamp.report(ref.identifier, ref.kind.value, Outcome.SKIPPED, reason))
            continue
        reports.append(remediate_workload(workload, services, settings, stamp, settings.dry_run, trigger.invoked_by))
    return reports
