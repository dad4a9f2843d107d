"""Lambda adapter: a function's VPC configuration as a Workload value, changed by UpdateFunctionConfiguration."""

from __future__ import annotations

import shlex
import time
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError, WaiterError

from vpc_remediator.aws.errors import botocore_error, error_code, translated
from vpc_remediator.domain.errors import AwsCallError
from vpc_remediator.domain.placement import NetworkPlan
from vpc_remediator.domain.report import Action
from vpc_remediator.domain.workload import Profile, Workload, WorkloadRef

if TYPE_CHECKING:
    from mypy_boto3_lambda import LambdaClient

# A function being created (State Pending) or updated (LastUpdateStatus InProgress) refuses any other change
# (ResourceConflictException), and a VPC change can keep it so for minutes while Lambda sets up its network
# interfaces. Lambda's own waiters poll GetFunctionConfiguration; all the waits of one change share this bound, which
# fits inside the function's timeout. GetFunction is never called: it also returns a download link to the function's
# code, a right the remediator must not need (README, Security model).
MAX_WAIT_SECONDS = 90.0
WAIT_DELAY_SECONDS = 5


def _vpc_config_option(subnets: Sequence[str], groups: Sequence[str]) -> str:
    return shlex.quote(f"SubnetIds={','.join(subnets)},SecurityGroupIds={','.join(groups)}")


def function_workload(profile: Profile, configuration: Mapping[str, Any], tags: Mapping[str, str]) -> Workload:
    """A function's configuration (as GetFunctionConfiguration or ListFunctions return it) and tags, as a Workload."""
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
        ipv6_outbound=vpc.get("Ipv6AllowedForDualStack") is True,
    )


class LambdaAdapter:
    """Describes functions and moves them between subnets."""

    def __init__(
        self,
        client: LambdaClient,
        profile: Profile,
        max_wait: float = MAX_WAIT_SECONDS,
        wait_delay: int = WAIT_DELAY_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._lambda = client
        self._profile = profile
        self._max_wait = max_wait
        self._wait_delay = wait_delay
        self._clock = clock

    def load(self, ref: WorkloadRef) -> Workload:
        """The function's configuration and its tags (GetFunctionConfiguration, then ListTags on its ARN)."""
        configuration = self._configuration(ref.identifier)
        with translated("lambda:ListTags"):
            tags = self._lambda.list_tags(Resource=configuration["FunctionArn"]).get("Tags", {})
        return function_workload(self._profile, configuration, {**tags, **ref.tags})

    def reload(self, workload: Workload, arn: str) -> Workload:
        """Describe it again (verification after a write); its tags are the ones it was loaded with."""
        return function_workload(self._profile, self._configuration(arn), workload.tags)

    def _configuration(self, name: str) -> dict[str, Any]:
        # ResourceNotFoundException becomes ResourceNotFoundError: retried while the function may still appear.
        with translated("lambda:GetFunctionConfiguration"):
            found: dict[str, Any] = dict(self._lambda.get_function_configuration(FunctionName=name))
        found.pop("ResponseMetadata", None)  # the configuration only, as ListFunctions gives it
        return found

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

    def apply(self, workload: Workload, plan: NetworkPlan, token: str | None = None) -> tuple[Action, str]:
        """Send only VpcConfig (every other setting stays as it is), waiting while Lambda refuses changes."""
        action = self.plan(workload, plan)
        deadline = self._clock() + self._max_wait
        self._wait_until_free(workload.arn, deadline, workload.raw)
        while True:
            try:
                self._lambda.update_function_configuration(
                    FunctionName=workload.arn, VpcConfig=action.params["VpcConfig"]
                )
                break
            except ClientError as exc:
                if error_code(exc) != "ResourceConflictException" or self._clock() >= deadline:
                    with translated(action.api):
                        raise
            except BotoCoreError as exc:  # a timeout or lost connection: classified, never raw
                raise botocore_error(action.api, exc) from exc
            self._wait_until_free(workload.arn, deadline)
        failed = self._wait(workload.arn, "updated", deadline)
        if failed:
            raise AwsCallError(f"{action.api} was accepted, but Lambda could not apply it: {failed}")
        return action, workload.arn

    def _wait_until_free(self, name: str, deadline: float, configuration: Mapping[str, Any] | None = None) -> None:
        if configuration is None:
            configuration = self._configuration(name)
        if configuration.get("State") == "Pending":
            self._wait(name, "active", deadline)
        elif configuration.get("LastUpdateStatus") == "InProgress":
            self._wait(name, "updated", deadline)

    def _wait(self, name: str, until: str, deadline: float) -> str | None:
        """Wait with Lambda's waiter until the function is active or updated, or the deadline; why it failed."""
        delay = max(self._wait_delay, 1)
        config: Any = {"Delay": self._wait_delay, "MaxAttempts": max(1, int((deadline - self._clock()) // delay))}
        waiter = self._lambda.get_waiter("function_active" if until == "active" else "function_updated")
        try:
            waiter.wait(FunctionName=name, WaiterConfig=config)
        except WaiterError as exc:  # before BotoCoreError, its base: the function's own state decides
            last: dict[str, Any] = dict(exc.last_response or {})
            found: dict[str, Any] = last
            if found.get("State") == "Failed" or found.get("LastUpdateStatus") == "Failed":
                code = found.get("LastUpdateStatusReasonCode") or found.get("StateReasonCode") or "Failed"
                return f"{code}: {found.get('LastUpdateStatusReason') or found.get('StateReason') or ''}".strip()
            if "Error" in last:
                raise AwsCallError(f"lambda:GetFunctionConfiguration failed while waiting for {name}: {exc}") from exc
            # Still in progress at the deadline: the change is made; the read after it shows where it stands.
        except BotoCoreError as exc:
            raise botocore_error("lambda:GetFunction", exc) from exc
        return None
