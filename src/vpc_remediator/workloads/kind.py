"""What a workload kind declares: its CloudTrail calls, adapter, sweep lister, rule family, console link, IAM actions.

Routing (events.py), the composition root (bootstrap.py), the sweep, Slack's links and the NAT advice read these
declarations from `registry.KINDS` instead of branching on the kind.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import quote

from vpc_remediator.domain.partition import console_host
from vpc_remediator.domain.placement import NetworkPlan
from vpc_remediator.domain.report import Action
from vpc_remediator.domain.workload import Profile, Workload, WorkloadRef

if TYPE_CHECKING:
    from vpc_remediator.aws.clients import ClientFactory

# A page of workloads and the token of the next page (None: done). Tokens are strings: a sweep hands them on.
Lister = Callable[[str | None], tuple[list[Workload], str | None]]


class WorkloadAdapter(Protocol):
    """What a kind's AWS adapter offers the use cases."""

    def load(self, ref: WorkloadRef) -> Workload:
        """Describe one workload."""
        ...

    def reload(self, workload: Workload, arn: str) -> Workload:
        """Describe it again after a write."""
        ...

    def plan(self, workload: Workload, plan: NetworkPlan) -> Action:
        """The call that would give it this network, with its undo."""
        ...

    def apply(self, workload: Workload, plan: NetworkPlan, token: str | None = None) -> tuple[Action, str]:
        """Make that call; the call as made and the ARN to verify. `token` (the event id) names the attempt: a call
        that is not idempotent looks for what an earlier try with the same token made before making it again."""
        ...


Refs = Callable[[Mapping[str, Any], Mapping[str, Any]], list[WorkloadRef]]


@dataclass(frozen=True)
class CloudTrailCall:
    """One CloudTrail call that creates or changes a workload of the kind, and where its identifiers are."""

    event_source: str
    event_name: str
    # (requestParameters, responseElements) → the workloads it names.
    refs: Refs
    # Lambda records its calls with an API version suffix (CreateFunction20150331): match the name as a prefix.
    versioned: bool = False
    # When set, the call places a workload only if this says so of its request (UpdateService with a network).
    places_when: Callable[[Mapping[str, Any]], bool] | None = None
    not_placing_reason: str = ""
    # Calls made again and again (RunTask by schedulers): (request, response) → what makes two calls the same,
    # for one report per caller, group and window; None: every call is reported.
    report_group: Callable[[Mapping[str, Any], Mapping[str, Any]], str | None] | None = None
    # How a report names what two such calls share ("the same caller <this> at ...").
    repeated_as: str = "started the same task definition family with the same network"
    # Services whose calls (CloudTrail invokedBy) are checked elsewhere → why (AWS Batch's tasks: their environment).
    delegated: Mapping[str, str] = field(default_factory=dict)

    def matches(self, event_source: str | None, event_name: str | None) -> bool:
        """This call, as CloudTrail names it."""
        if event_source != self.event_source or not isinstance(event_name, str):
            return False
        if not self.versioned:
            return event_name == self.event_name
        # The name, then its API version: CreateFunction20150331, UpdateFunctionConfiguration20150331v2 (and not
        # CreateFunctionUrlConfig20211031, which only starts like it).
        return re.fullmatch(rf"{re.escape(self.event_name)}(\d{{8}}(v\d+)?)?", event_name) is not None


@dataclass(frozen=True)
class SweepListing:
    """How the sweep lists every workload of the kind: a phase name, a lister, and the calls listing needs."""

    phase: str
    lister: Callable[[ClientFactory, Any], Lister]
    iam_actions: frozenset[str]


@dataclass(frozen=True)
class WorkloadKind:
    """Everything about one kind of workload, declared once."""

    profile: Profile
    calls: tuple[CloudTrailCall, ...]
    adapter: Callable[[ClientFactory], WorkloadAdapter]
    console_url: Callable[[str, str], str | None]
    # Every IAM action its adapter calls (read, and the one write); the template must grant them.
    iam_actions: frozenset[str]
    sweep: SweepListing | None = None

    @property
    def name(self) -> str:
        """The report kind: ecs-service, lambda-function, ..."""
        return self.profile.kind


# ---- Helpers the kind modules share ----


def mapping(value: Any) -> Mapping[str, Any]:
    """The value when it is a JSON object, else an empty one (CloudTrail records are not always complete)."""
    return value if isinstance(value, Mapping) else {}


def event_tags(raw: Any) -> dict[str, str]:
    """A request's tags: ECS spells them [{"key": k, "value": v}], Batch and Lambda {k: v}."""
    if isinstance(raw, Mapping):
        return {str(key): str(value) for key, value in raw.items()}
    if isinstance(raw, list):
        return {str(item.get("key")): str(item.get("value", "")) for item in raw if isinstance(item, Mapping)}
    return {}


def one_ref(kind: str, identifier: Any, request: Mapping[str, Any], **where: Any) -> list[WorkloadRef]:
    """The one workload a call names, with the request's tags; none when the record names it not as text."""
    if not isinstance(identifier, str) or not identifier:
        return []
    return [WorkloadRef(kind, identifier, tags=event_tags(request.get("tags")), **where)]


# Console pages of the standard partition; China and GovCloud consoles live elsewhere and get no link.


def console_base(arn: str, region: str) -> tuple[str, str, str] | None:
    """(console base URL, region, the ARN's resource part), or None where there is no console page to link to."""
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        return None
    where = parts[3] or region
    host = console_host(parts[1], where) if where else None
    if host is None:
        return None
    return host, where, parts[5]


def quoted(text: str) -> str:
    """Text safe inside a console URL's path or fragment (a lone surrogate, valid in JSON, becomes "?")."""
    return quote(text, safe="", errors="replace")
