"""Lambda adapter: a function's VPC configuration as a Workload value, changed by UpdateFunctionConfiguration."""

from __future__ import annotations

import shlex
import time
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from vpc_remediator.aws.errors import error_code, translated
from vpc_remediator.domain.placement import NetworkPlan
from vpc_remediator.domain.report import Action
from vpc_remediator.domain.workload import Profile, Workload, WorkloadRef

if TYPE_CHECKING:
    from mypy_boto3_lambda import LambdaClient

# A function being created or updated refuses another update (ResourceConflictException) for a few seconds.
CONFLICT_DELAYS = (2.0, 4.0, 8.0)


def _vpc_config_option(subnets: Sequence[str], groups: Sequence[str]) -> str:
    return shlex.quote(f"SubnetIds={','.join(subnets)},SecurityGroupIds={','.join(groups)}")


def function_workload(profile: Profile, configuration: Mapping[str, Any], tags: Mapping[str, str]) -> Workload:
    """A function's configuration (as GetFunction or ListFunctions return it) and its tags, as a Workload."""
    raw: dict[str, Any] = dict(configuration)
    vpc = raw.get("VpcConfig") or {}
    return Workload(
        profile=profile,
        arn=raw["FunctionArn"],
        name=raw.get("FunctionName", ""),
        # VpcConfig.VpcId is not trusted (some emulators make it up): the VPC comes from the subnets.
        subnet_ids=tuple(vpc.get("SubnetIds", [])),
        security_group_ids=tuple(vpc.get("SecurityGroupIds", [])),
        tags=dict(tags),
        raw=raw,
    )


class LambdaAdapter:
    """Describes functions and moves them between subnets."""

    def __init__(
        self,
        client: LambdaClient,
        profile: Profile,
        conflict_delays: Sequence[float] = CONFLICT_DELAYS,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._lambda = client
        self._profile = profile
        self._conflict_delays = conflict_delays
        self._sleep = sleep

    def load(self, ref: WorkloadRef) -> Workload:
        """The function's configuration and tags (one GetFunction call)."""
        # ResourceNotFoundException becomes ResourceNotFoundError: retried while the function may still appear.
        with translated("lambda:GetFunction"):
            found = self._lambda.get_function(FunctionName=ref.identifier)
        return function_workload(self._profile, found["Configuration"], {**found.get("Tags", {}), **ref.tags})

    def reload(self, workload: Workload, arn: str) -> Workload:
        """Describe it again (verification after a write)."""
        return self.load(WorkloadRef(workload.kind, arn))

    def plan(self, workload: Workload, plan: NetworkPlan) -> Action:
        """The UpdateFunctionConfiguration call (VpcConfig only, security groups kept) and its undo."""
        vpc_config: dict[str, Any] = {
            "SubnetIds": list(plan.subnet_ids),
            "SecurityGroupIds": list(plan.security_group_ids),
        }
        dual_stack = (workload.raw.get("VpcConfig") or {}).get("Ipv6AllowedForDualStack")
        if dual_stack is not None:
            vpc_config["Ipv6AllowedForDualStack"] = dual_stack
        undo = (
            f"aws lambda update-function-configuration --function-name {shlex.quote(workload.arn)}"
            f" --vpc-config {_vpc_config_option(workload.subnet_ids, workload.security_group_ids)}"
        )
        return Action(
            "lambda:UpdateFunctionConfiguration", {"FunctionName": workload.arn, "VpcConfig": vpc_config}, undo
        )

    def apply(self, workload: Workload, plan: NetworkPlan) -> tuple[Action, str]:
        """Send only VpcConfig: every other setting of the function stays as it is."""
        action = self.plan(workload, plan)
        for delay in (*self._conflict_delays, None):
            try:
                self._lambda.update_function_configuration(
                    FunctionName=workload.arn, VpcConfig=action.params["VpcConfig"]
                )
                break
            except ClientError as exc:
                if error_code(exc) == "ResourceConflictException" and delay is not None:
                    self._sleep(delay)
                    continue
                with translated(action.api):
                    raise
        return action, workload.arn
