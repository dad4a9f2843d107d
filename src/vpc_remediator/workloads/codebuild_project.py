"""CodeBuild projects in a VPC: a build's network interface never gets a public IP, so a project belongs in private
subnets with egress, never in public ones; UpdateProject moves it (vpcConfig only, security groups kept)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from vpc_remediator.domain.workload import EgressRule, Profile, TemplateProperty, WorkloadRef
from vpc_remediator.workloads.kind import (
    CloudTrailCall,
    Lister,
    SweepListing,
    WorkloadAdapter,
    WorkloadKind,
    console_base,
    mapping,
    one_ref,
    quoted,
)

if TYPE_CHECKING:
    from vpc_remediator.aws.clients import ClientFactory

CODEBUILD = "codebuild.amazonaws.com"

PROFILE = Profile(
    kind="codebuild-project",
    rule=EgressRule.PRIVATE_ONLY,
    noun="build project",
    template=TemplateProperty(
        "AWS::CodeBuild::Project", "VpcConfig", subnets_key="Subnets", security_groups_key="SecurityGroupIds"
    ),
    # Every build writes its log to CloudWatch Logs (and reads its source and writes artifacts through S3, whose
    # gateway endpoint the advice offers apart).
    always_reaches=("logs",),
    no_public_ip="a CodeBuild build's network interface never gets a public IP",
)


def _refs(request: Mapping[str, Any], response: Mapping[str, Any]) -> list[WorkloadRef]:
    project = mapping(response.get("project"))
    return one_ref(PROFILE.kind, project.get("arn") or request.get("name"), request)


def _adapter(clients: ClientFactory) -> WorkloadAdapter:
    from vpc_remediator.aws.codebuild import CodeBuildProjectAdapter  # noqa: PLC0415  (only when used)

    return CodeBuildProjectAdapter(clients.codebuild(), PROFILE)


def _lister(clients: ClientFactory, _adapter: object) -> Lister:
    from vpc_remediator.aws.codebuild import CodeBuildProjectLister  # noqa: PLC0415

    return CodeBuildProjectLister(clients.codebuild(), PROFILE).page


def console_url(arn: str, region: str) -> str | None:
    """The project's page in the CodeBuild console."""
    found = console_base(arn, region)
    if found is None:
        return None
    base, where, resource = found
    account = arn.split(":")[4]
    if resource.startswith("project/") and account:
        name = quoted(resource.split("/", 1)[1])
        return f"{base}/codesuite/codebuild/{quoted(account)}/projects/{name}?region={quoted(where)}"
    return None


KIND = WorkloadKind(
    profile=PROFILE,
    calls=(CloudTrailCall(CODEBUILD, "CreateProject", _refs), CloudTrailCall(CODEBUILD, "UpdateProject", _refs)),
    adapter=_adapter,
    console_url=console_url,
    iam_actions=frozenset({"codebuild:BatchGetProjects", "codebuild:UpdateProject"}),
    sweep=SweepListing(
        "codebuild-projects", _lister, frozenset({"codebuild:ListProjects", "codebuild:BatchGetProjects"})
    ),
)
