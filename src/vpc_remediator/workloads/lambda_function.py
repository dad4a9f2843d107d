"""Lambda functions in a VPC: a function's network interface never gets a public IP, so it belongs in private
subnets with NAT egress, never in public ones; UpdateFunctionConfiguration moves it."""

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
    one_ref,
    quoted,
)

if TYPE_CHECKING:
    from vpc_remediator.aws.clients import ClientFactory

LAMBDA = "lambda.amazonaws.com"

PROFILE = Profile(
    kind="lambda-function",
    rule=EgressRule.PRIVATE_ONLY,
    noun="function",
    template=TemplateProperty(
        "AWS::Lambda::Function", "VpcConfig", subnets_key="SubnetIds", security_groups_key="SecurityGroupIds"
    ),
    no_public_ip="a Lambda network interface never gets a public IP",
    leave_vpc=(
        "aws lambda update-function-configuration --function-name {name} --vpc-config SubnetIds=[],SecurityGroupIds=[]"
    ),
    ipv6_setting=(
        "set Ipv6AllowedForDualStack: aws lambda update-function-configuration --function-name {name}"
        " --vpc-config Ipv6AllowedForDualStack=true,SubnetIds=...,SecurityGroupIds=..."
    ),
)


def _refs(request: Mapping[str, Any], response: Mapping[str, Any]) -> list[WorkloadRef]:
    return one_ref(PROFILE.kind, response.get("functionArn") or request.get("functionName"), request)


def _adapter(clients: ClientFactory) -> WorkloadAdapter:
    from vpc_remediator.aws.lambda_ import LambdaAdapter  # noqa: PLC0415  (only when used)

    return LambdaAdapter(clients.lambda_(), PROFILE)


def _lister(clients: ClientFactory, _adapter: object) -> Lister:
    from vpc_remediator.aws.inventory import LambdaFunctionLister  # noqa: PLC0415

    return LambdaFunctionLister(clients.lambda_(), PROFILE).page


def console_url(arn: str, region: str) -> str | None:
    """The function's page in the Lambda console."""
    found = console_base(arn, region)
    if found is None:
        return None
    base, where, resource = found
    if resource.startswith("function:"):
        return f"{base}/lambda/home?region={where}#/functions/{quoted(resource.split(':')[1])}"
    return None


KIND = WorkloadKind(
    profile=PROFILE,
    # CloudTrail names Lambda's calls with their API version: CreateFunction20150331, UpdateFunctionConfiguration...
    calls=(
        CloudTrailCall(LAMBDA, "CreateFunction", _refs, versioned=True),
        CloudTrailCall(LAMBDA, "UpdateFunctionConfiguration", _refs, versioned=True),
    ),
    adapter=_adapter,
    console_url=console_url,
    iam_actions=frozenset({"lambda:GetFunctionConfiguration", "lambda:ListTags", "lambda:UpdateFunctionConfiguration"}),
    sweep=SweepListing("lambda-functions", _lister, frozenset({"lambda:ListFunctions", "lambda:ListTags"})),
)
