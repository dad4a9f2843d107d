"""Typed report details: what each kind of report carries, filled by its producer, read by Slack and the CLI.

Field names are the JSON keys (reports travel through the reports queue as JSON and the CLI prints them with
`--json`), so `to_dict` is the dataclass itself and `details_from_dict` reads it back.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

# ---- Shared pieces ----


@dataclass(frozen=True)
class SubnetView:
    """A subnet as a report shows it: its zone and egress class, and the target that gives it egress."""

    id: str
    zone: str | None = None
    egress: str | None = None
    via: str | None = None
    ipv6_egress: str | None = None


@dataclass(frozen=True)
class ZonedId:
    """An id and its availability zone (a NAT gateway, a subnet)."""

    id: str
    zone: str


@dataclass(frozen=True)
class NatCostView:
    """What NAT gateways would cost, priced for a region."""

    zones: tuple[str, ...]
    region: str
    price_region: str
    price_source: str
    price_date: str
    hourly_per_az: float
    per_gb: float
    monthly: float
    text: str


@dataclass(frozen=True)
class AlternativeView:
    """One cheaper way out than a NAT gateway; `monthly` is None when it depends on what the workload calls."""

    key: str
    title: str
    cost: str
    how: str
    monthly: float | None = None
    caveat: str | None = None


@dataclass(frozen=True)
class ExistingNatView:
    """The NAT gateways a VPC already has, and the subnets that route through them."""

    gateways: tuple[ZonedId, ...] = ()
    subnets: tuple[ZonedId, ...] = ()


@dataclass(frozen=True)
class NatAdviceView:
    """The advice for one workload whose only way to the internet would be a NAT gateway."""

    kind: str
    vpc_id: str
    why: str
    cannot_reach: str
    reachable_services: tuple[str, ...]
    nat_gateway: NatCostView
    alternatives: tuple[AlternativeView, ...]
    assumption: str
    existing_nat: ExistingNatView | None = None


@dataclass(frozen=True)
class NatFacts:
    """The facts a NAT advisor starts from: the VPC, the workload's subnets and zones, what the VPC already has."""

    kind: str
    vpc_id: str | None
    subnets: tuple[SubnetView, ...]
    zones: tuple[str, ...]
    vpc_zones: tuple[str, ...]
    existing_nat_gateways: tuple[dict[str, str], ...]
    vpc_endpoints: tuple[str, ...]


@dataclass(frozen=True)
class TemplateChange:
    """The template edit that makes the same change as the remediator would: type, property path, new value."""

    resource_type: str
    property: str
    value: dict[str, Any]


@dataclass(frozen=True)
class HistoryEntry:
    """One earlier decision of the ledger, as a blocked (flapping) report lists it."""

    at: str
    decision: str
    event_id: str | None
    actions: tuple[str, ...]


# ---- One details type per report family ----


@dataclass(frozen=True)
class NoDetails:
    """Reports that say all in their reason (an ignored event)."""


# The placement details' keys every report has, present even when empty; the rest appear only when set.
_PLACEMENT_ALWAYS = frozenset(
    {
        "vpc_id",
        "name",
        "platform",
        "network_mode",
        "security_groups",
        "subnets_before",
        "assign_public_ip_before",
        "assign_public_ip_after",
    }
)
# NAT gateway details' keys present even when unknown (null).
_NAT_GATEWAY_ALWAYS = frozenset({"zone"})


@dataclass(frozen=True)
class PlacementDetails:
    """A workload's network before and after, and what a guard or the NAT advisor added."""

    name: str
    vpc_id: str | None = None
    platform: str | None = None
    network_mode: str | None = None
    security_groups: tuple[str, ...] = ()
    # Where the platform was read from (launchType, capacityProviderStrategy, the cluster's default strategy).
    platform_source: str | None = None
    subnets_before: tuple[SubnetView, ...] = ()
    subnets_after: tuple[SubnetView, ...] | None = None
    assign_public_ip_before: str | None = None
    assign_public_ip_after: str | None = None
    nat: NatFacts | None = None
    nat_advice: NatAdviceView | None = None
    exposed_rules: tuple[str, ...] | None = None
    # The groups whose rules were checked (the VPC's default group when the workload names none).
    checked_security_groups: tuple[str, ...] | None = None
    template_change: TemplateChange | None = None
    planned: tuple[dict[str, Any], ...] | None = None
    corrected: dict[str, Any] | None = None
    history: tuple[HistoryEntry, ...] | None = None
    verified_arn: str | None = None


@dataclass(frozen=True)
class DefaultVpcView:
    """The default VPC as a report shows it."""

    vpc_id: str | None
    subnet_zones: tuple[str, ...]
    internet_gateway: str | None
    default_route: str | None
    # Tables explicitly associated with default subnets → "<zones>: <0.0.0.0/0 target (state)>" or "…: none".
    zone_route_tables: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class DefaultVpcDetails:
    """The default VPC before and after the repairs, and the zones that refused a default subnet."""

    before: DefaultVpcView
    after: DefaultVpcView
    skipped_zones: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class NatGatewayDetails:
    """A new NAT gateway, what it costs, and what its VPC already pays for."""

    nat_gateway_id: str
    subnet_id: str
    vpc_id: str
    connectivity: str
    nat_cost: NatCostView
    remove: str
    zone: str | None = None
    vpc_nat_gateways: tuple[ZonedId, ...] | None = None
    vpc_nat_monthly: float | None = None
    missing_gateway_endpoints: tuple[str, ...] | None = None


@dataclass(frozen=True)
class SweepDetails:
    """A sweep's counts per kind and outcome, and where it continues."""

    counts: dict[str, dict[str, int]]
    complete: bool
    continues_from: dict[str, Any] | None = None
    failed_phases: dict[str, str] = field(default_factory=dict)


Details = NoDetails | PlacementDetails | DefaultVpcDetails | NatGatewayDetails | SweepDetails

# Report kinds that are not workloads, and the details they carry; every other kind is a workload's.
_DETAILS_BY_KIND: dict[str, type[Details]] = {
    "default-vpc": DefaultVpcDetails,
    "nat-gateway": NatGatewayDetails,
    "sweep": SweepDetails,
}


def _json_ready(value: Any) -> Any:
    # asdict keeps tuples; JSON (and the reports' readers) have lists.
    if isinstance(value, dict):
        return {key: _json_ready(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_json_ready(item) for item in value]
    return value


def details_to_dict(details: Details) -> dict[str, Any]:
    """JSON-ready form; the optional parts of placement details appear only when they are set."""
    data: dict[str, Any] = _json_ready(asdict(details))
    if isinstance(details, PlacementDetails):
        for key in ("subnets_before", "subnets_after"):
            if data.get(key):
                data[key] = [_subnet_dict(item) for item in data[key]]
        return {key: value for key, value in data.items() if key in _PLACEMENT_ALWAYS or value is not None}
    if isinstance(details, NatGatewayDetails):
        optional = {item.name for item in fields(details) if item.default is None} - _NAT_GATEWAY_ALWAYS
        return {key: value for key, value in data.items() if key not in optional or value is not None}
    return data


def _subnet_dict(item: dict[str, Any]) -> dict[str, Any]:
    # A subnet not classified yet (an exempt workload's) is only its id, not a row of unknown classes.
    return item if item.get("egress") is not None else {"id": item["id"]}


def details_from_dict(kind: str, data: dict[str, Any] | None) -> Details:
    """Read details back from JSON: by the report's kind, placement details for any workload kind."""
    import dacite  # noqa: PLC0415  (only where reports are read back: the notifier and the CLI)

    if not data:
        return NoDetails()
    if not isinstance(data, dict):
        raise ValueError(f"details must be an object, not {type(data).__name__}")
    shape = _DETAILS_BY_KIND.get(kind, PlacementDetails)
    # Types are checked: a report from elsewhere (an older version, a forged message) fails here, as one bad record,
    # not later while its Slack message is rendered. JSON has no tuples, and writes 0 for a float 0.0.
    config = dacite.Config(cast=[tuple], type_hooks={float: _number}, check_types=True)
    try:
        return dacite.from_dict(shape, data, config=config)
    except dacite.DaciteError as exc:
        raise ValueError(f"details of a {kind} report: {exc}") from exc


def _number(value: Any) -> Any:
    return float(value) if isinstance(value, int) and not isinstance(value, bool) else value
