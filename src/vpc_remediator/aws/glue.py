"""Glue connections (NETWORK, JDBC) as Workload values: the subnet Glue jobs run in through them, moved by
UpdateConnection with the connection's whole definition sent back unchanged but its subnet and zone."""

from __future__ import annotations

import copy
import json
import shlex
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from vpc_remediator.aws.errors import translated
from vpc_remediator.domain.placement import NetworkPlan
from vpc_remediator.domain.report import Action
from vpc_remediator.domain.workload import Profile, Workload, WorkloadRef

if TYPE_CHECKING:
    from mypy_boto3_glue import GlueClient

Page = tuple[list[Workload], str | None]

# The connection types whose PhysicalConnectionRequirements place Glue's network interfaces in a subnet of ours.
PLACED_TYPES = frozenset({"NETWORK", "JDBC"})
# What GetConnection returns that UpdateConnection takes back (the rest is read-only: times, status).
CONNECTION_FIELDS = frozenset(
    {
        "Name",
        "Description",
        "ConnectionType",
        "MatchCriteria",
        "ConnectionProperties",
        "SparkProperties",
        "AthenaProperties",
        "PythonProperties",
        "PhysicalConnectionRequirements",
        "AuthenticationConfiguration",
    }
)
# GetConnections returns at most 1,000 a page; a smaller page keeps the sweep's pages short.
LIST_PAGE = 100


def _not_in_place_reason(connection: Mapping[str, Any]) -> str | None:
    """Why an UpdateConnection could lose a credential: Glue hides passwords (HidePassword) and never returns OAuth2
    secrets, and the remediator never reads them, so a connection that keeps them itself is reported, never updated."""
    properties = connection.get("ConnectionProperties") or {}
    authentication = connection.get("AuthenticationConfiguration") or {}
    if authentication.get("OAuth2Properties"):
        return "its OAuth2 credentials are not returned by GetConnection, so an update could lose them: update it with"
    secret = properties.get("SECRET_ID") or authentication.get("SecretArn")
    # A password Glue did return (encrypted or not) would be sent back as a property: never done either.
    shown = {"PASSWORD", "ENCRYPTED_PASSWORD"} & set(properties)
    if not shown and (secret or not properties.get("USERNAME")):
        return None
    return (
        "its password is kept in the connection itself, which the remediator never reads (an UpdateConnection "
        "without it would drop it): update it with its password, or move the credentials to Secrets Manager "
        "(SECRET_ID), with"
    )


def _undo(name: str, physical: Mapping[str, Any], members: frozenset[str]) -> str:
    """Put the old subnet and zone back the same way: the connection as it is then, with only its network changed
    (the command holds no property of the connection: reports and Slack show it)."""
    keys = ", ".join(sorted(members & CONNECTION_FIELDS))
    program = (
        f"{{{keys}}} | with_entries(select(.value != null)) | .PhysicalConnectionRequirements = {json.dumps(physical)}"
    )
    quoted = shlex.quote(name)
    current = f"aws glue get-connection --name {quoted} --hide-password --query Connection --output json"
    return (
        f'aws glue update-connection --name {quoted} --connection-input "$({current} | jq -c {shlex.quote(program)})"'
    )


def connection_name(identifier: str) -> str:
    """The connection's name from its ARN (…:connection/<name>), or the name itself. A name may hold "/" (Glue allows
    it): everything after the ARN's first "connection/" is the name, and a bare name is taken whole."""
    marker = ":connection/"
    if identifier.startswith("arn:") and marker in identifier:
        return identifier.split(marker, 1)[1]
    return identifier


def connection_input(connection: Mapping[str, Any], input_members: frozenset[str]) -> dict[str, Any]:
    """The ConnectionInput that recreates the connection as GetConnection (HidePassword) describes it: every field
    UpdateConnection takes, copied as it is; read-only fields (times, status) left out."""
    return {key: copy.deepcopy(value) for key, value in connection.items() if key in input_members}


class GlueConnectionAdapter:
    """Describes connections (their password hidden) and moves them to another subnet."""

    def __init__(self, client: GlueClient, profile: Profile, account: Callable[[], str]) -> None:
        self._glue = client
        self._profile = profile
        # Glue returns no ARN: tags are read by one, made of the account (asked once) and the region.
        self._account = account
        shape = client.meta.service_model.shape_for("ConnectionInput")
        self._input_members = frozenset(getattr(shape, "members", {}))

    def _arn(self, name: str) -> str:
        partition = self._glue.meta.partition
        return f"arn:{partition}:glue:{self._glue.meta.region_name}:{self._account()}:connection/{name}"

    def load(self, ref: WorkloadRef) -> Workload:
        """GetConnection with HidePassword (the password is never read), then its tags."""
        name = connection_name(ref.identifier)
        with translated("glue:GetConnection"):
            found = dict(self._glue.get_connection(Name=name, HidePassword=True)["Connection"])
        return self.connection_workload(found, ref.tags)

    def reload(self, workload: Workload, arn: str) -> Workload:
        """Describe it again."""
        return self.load(WorkloadRef(workload.kind, arn, tags=workload.tags))

    def connection_workload(self, connection: Mapping[str, Any], extra_tags: Mapping[str, str]) -> Workload:
        """A connection as GetConnection(s) return it, with its tags, as a Workload."""
        raw = dict(connection)
        arn = self._arn(str(raw.get("Name", "")))
        with translated("glue:GetTags"):
            tags = dict(self._glue.get_tags(ResourceArn=arn).get("Tags", {}))
        physical = raw.get("PhysicalConnectionRequirements") or {}
        subnet = physical.get("SubnetId")
        password = _not_in_place_reason(raw)
        return Workload(
            profile=self._profile,
            arn=arn,
            name=str(raw.get("Name", "")),
            subnet_ids=(subnet,) if subnet else (),
            security_group_ids=tuple(physical.get("SecurityGroupIdList", [])),
            tags={**tags, **extra_tags},
            can_change_in_place=password is None,
            not_in_place_reason=password,
            raw=raw,
            platform=raw.get("ConnectionType"),
        )

    def plan(self, workload: Workload, plan: NetworkPlan) -> Action:
        """UpdateConnection with the new subnet and its zone (security groups and everything else kept); the action
        names the network part only, and its undo puts the old subnet and zone back the same way."""
        physical = dict(workload.raw.get("PhysicalConnectionRequirements") or {})
        after = {
            **physical,
            "SubnetId": plan.subnet_ids[0],
            "SecurityGroupIdList": list(plan.security_group_ids),
            "AvailabilityZone": plan.zones[0] if plan.zones else physical.get("AvailabilityZone"),
        }
        params = {"Name": workload.name, "PhysicalConnectionRequirements": after}
        return Action("glue:UpdateConnection", params, undo=_undo(workload.name, physical, self._input_members))

    def apply(self, workload: Workload, plan: NetworkPlan, token: str | None = None) -> tuple[Action, str]:
        """Send the whole definition back with the new network: UpdateConnection replaces it, so nothing is left out
        that GetConnection gave (a connection holding its own password is never updated: see load)."""
        if not workload.can_change_in_place:
            raise ValueError(f"glue connection {workload.name} cannot be changed in place")
        action = self.plan(workload, plan)
        update = connection_input(workload.raw, self._input_members)
        update["PhysicalConnectionRequirements"] = action.params["PhysicalConnectionRequirements"]
        # UpdateConnection requires ConnectionProperties, which a NETWORK connection may come back without.
        update.setdefault("ConnectionProperties", {})
        with translated(action.api):
            self._glue.update_connection(Name=workload.name, ConnectionInput=update)  # type: ignore[arg-type]
        return action, workload.arn


class GlueConnectionLister:
    """NETWORK and JDBC connections with a subnet, 100 a page (their passwords hidden)."""

    def __init__(self, client: GlueClient, adapter: GlueConnectionAdapter) -> None:
        self._glue = client
        self._adapter = adapter

    def page(self, token: str | None) -> Page:
        """One page of GetConnections; tags are read for those in a VPC only."""
        kwargs: dict[str, Any] = {"HidePassword": True, "MaxResults": LIST_PAGE}
        if token:
            kwargs["NextToken"] = token
        with translated("glue:GetConnections"):
            listed = self._glue.get_connections(**kwargs)
        workloads = [
            self._adapter.connection_workload(connection, {})
            for connection in listed.get("ConnectionList", [])
            if connection.get("ConnectionType") in PLACED_TYPES
            and (connection.get("PhysicalConnectionRequirements") or {}).get("SubnetId")
        ]
        return workloads, listed.get("NextToken") or None
