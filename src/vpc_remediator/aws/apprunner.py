"""App Runner adapter: VPC connectors as Workload values. A connector cannot be changed: the report gives its
replacement."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from botocore.exceptions import ClientError

from vpc_remediator.aws.errors import error_code, translated
from vpc_remediator.domain.errors import ResourceNotFoundError
from vpc_remediator.domain.placement import NetworkPlan
from vpc_remediator.domain.report import Action
from vpc_remediator.domain.workload import Profile, Workload, WorkloadRef

if TYPE_CHECKING:
    from mypy_boto3_apprunner import AppRunnerClient

# Connector names are 4 to 40 characters.
MAX_NAME = 40
REPLACEMENT_SUFFIX = "-private"
LIST_PAGE = 100
AWS_HOSTS = (".amazonaws.com", ".amazonaws.com.cn", ".api.aws")
IMMUTABLE = (
    "an App Runner VPC connector cannot be changed: create the replacement connector with the corrected subnets, "
    "point each service that uses this one at it (UpdateService NetworkConfiguration.EgressConfiguration."
    "VpcConnectorArn), then delete this one"
)


def _not_served(exc: ClientError, endpoint_url: str) -> bool:
    """The endpoint does not serve App Runner at all, so no connector can be listed there: it answers with no AWS error
    code (AWS answers every App Runner error with its own), a bare 404 anywhere (a simulated account without App
    Runner), or a bare 5xx from an endpoint that is not AWS's (a local emulator without it). AWS's own 5xx stay
    faults that may pass."""
    status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    if not isinstance(status, int) or error_code(exc) not in ("", str(status)):
        return False
    host = urlsplit(endpoint_url).hostname or ""
    return status == 404 or (status >= 500 and not host.endswith(AWS_HOSTS))


def connector_workload(profile: Profile, described: Mapping[str, Any], tags: Mapping[str, str]) -> Workload:
    """A connector as DescribeVpcConnector or ListVpcConnectors return it, with its tags, as a Workload."""
    raw: dict[str, Any] = dict(described)
    return Workload(
        profile=profile,
        arn=raw["VpcConnectorArn"],
        name=raw.get("VpcConnectorName", ""),
        subnet_ids=tuple(raw.get("Subnets") or ()),
        # None named: App Runner uses the VPC's default security group.
        security_group_ids=tuple(raw.get("SecurityGroups") or ()),
        tags=dict(tags),
        raw=raw,
        can_change_in_place=False,
        not_in_place_reason=IMMUTABLE,
    )


class AppRunnerVpcConnectorAdapter:
    """Describes VPC connectors; never changes one (App Runner cannot), the plan is the replacement's
    CreateVpcConnector."""

    def __init__(self, client: AppRunnerClient, profile: Profile) -> None:
        self._apprunner = client
        self._profile = profile

    def load(self, ref: WorkloadRef) -> Workload:
        """The connector the ref names (by ARN) and its tags; a deleted one (INACTIVE) is not found."""
        with translated("apprunner:DescribeVpcConnector"):
            found: dict[str, Any] = dict(
                self._apprunner.describe_vpc_connector(VpcConnectorArn=ref.identifier)["VpcConnector"]
            )
        if found.get("Status") == "INACTIVE":
            raise ResourceNotFoundError(f"App Runner VPC connector {ref.identifier} was deleted")
        return connector_workload(self._profile, found, {**self.tags(str(found["VpcConnectorArn"])), **ref.tags})

    def tags(self, arn: str) -> dict[str, str]:
        """A connector's tags."""
        with translated("apprunner:ListTagsForResource"):
            listed = self._apprunner.list_tags_for_resource(ResourceArn=arn).get("Tags", [])
        return {str(item.get("Key")): str(item.get("Value", "")) for item in listed}

    def reload(self, workload: Workload, arn: str) -> Workload:
        """Describe it again."""
        return self.load(WorkloadRef(workload.kind, arn))

    def plan(self, workload: Workload, plan: NetworkPlan) -> Action:
        """The CreateVpcConnector call of the replacement: same security groups and tags, other subnets."""
        name = f"{workload.name[: MAX_NAME - len(REPLACEMENT_SUFFIX)]}{REPLACEMENT_SUFFIX}"
        params: dict[str, Any] = {"VpcConnectorName": name, "Subnets": list(plan.subnet_ids)}
        if plan.security_group_ids:
            params["SecurityGroups"] = list(plan.security_group_ids)
        if workload.tags:
            params["Tags"] = [{"Key": key, "Value": value} for key, value in workload.tags.items()]
        return Action("apprunner:CreateVpcConnector", params)

    def apply(self, workload: Workload, plan: NetworkPlan, token: str | None = None) -> tuple[Action, str]:
        """Never: the use case reports a connector that cannot change in place before it would ask."""
        raise ValueError(f"{workload.kind} cannot be changed in place")


class VpcConnectorLister:
    """Every active VPC connector, 100 a page, each with its tags."""

    def __init__(self, client: AppRunnerClient, adapter: AppRunnerVpcConnectorAdapter, profile: Profile) -> None:
        self._apprunner = client
        self._adapter = adapter
        self._profile = profile

    def page(self, token: str | None) -> tuple[list[Workload], str | None]:
        """One page of ListVpcConnectors (it returns every revision, deleted ones as INACTIVE: those are skipped)."""
        kwargs: dict[str, Any] = {"MaxResults": LIST_PAGE}
        if token:
            kwargs["NextToken"] = token
        try:
            listed = self._apprunner.list_vpc_connectors(**kwargs)
        except ClientError as exc:
            if _not_served(exc, self._apprunner.meta.endpoint_url):
                return [], None
            with translated("apprunner:ListVpcConnectors"):
                raise
        workloads = [
            connector_workload(self._profile, connector, self._adapter.tags(connector["VpcConnectorArn"]))
            for connector in listed.get("VpcConnectors", [])
            if connector.get("Status") != "INACTIVE"
        ]
        return workloads, listed.get("NextToken") or None
