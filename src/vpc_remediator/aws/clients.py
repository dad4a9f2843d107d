"""The one place clients are made: adaptive retries and a user agent naming the app."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any, cast

import boto3
from botocore.config import Config
from botocore.exceptions import UnknownRegionError

from vpc_remediator import APP_NAME, __version__

if TYPE_CHECKING:
    from mypy_boto3_apprunner import AppRunnerClient
    from mypy_boto3_autoscaling import AutoScalingClient
    from mypy_boto3_batch import BatchClient
    from mypy_boto3_codebuild import CodeBuildClient
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_ec2 import EC2Client
    from mypy_boto3_ecs import ECSClient
    from mypy_boto3_eks import EKSClient
    from mypy_boto3_glue import GlueClient
    from mypy_boto3_lambda import LambdaClient
    from mypy_boto3_organizations import OrganizationsClient
    from mypy_boto3_sagemaker import SageMakerClient
    from mypy_boto3_sqs import SQSClient
    from mypy_boto3_sts import STSClient

# Adaptive mode adds client-side rate limiting on top of retries: a burst of events must not throttle the account.
CLIENT_CONFIG = Config(
    retries={"mode": "adaptive", "max_attempts": 8},
    user_agent_extra=f"{APP_NAME}/{__version__}",
    connect_timeout=5,
    read_timeout=20,
)
# For a write that has no client token: botocore re-sends a call whose answer timed out, and a create that had landed
# is then made twice. Such a write is sent once; the adapter looks for what an earlier try made (its tag) instead.
SINGLE_ATTEMPT = CLIENT_CONFIG.merge(Config(retries={"mode": "adaptive", "total_max_attempts": 1}))


# The Price List only informs the advice, which falls back to the price table: fail fast rather than hold a report.
PRICING_CONFIG = Config(
    retries={"mode": "standard", "max_attempts": 2},
    user_agent_extra=f"{APP_NAME}/{__version__}",
    connect_timeout=3,
    read_timeout=5,
)


@functools.cache
def shared_session() -> boto3.Session:
    """One session per process: its loaded service models and resolved credentials serve every invocation."""
    return boto3.Session()


class ClientFactory:
    """Creates boto3 clients for one region, each once, when first asked for; boto3 honours AWS_ENDPOINT_URL, so
    moto servers work unchanged."""

    def __init__(
        self,
        region: str | None = None,
        session: boto3.Session | None = None,
        preset: dict[str, Any] | None = None,
        credentials: dict[str, str] | None = None,
    ) -> None:
        self._session = session or shared_session()
        self._region = region
        # Another account's credentials (the exec role's): clients of the same session, which keeps its loaded service
        # models (and its event hooks) instead of a session per account.
        self._credentials = dict(credentials or {})
        # Clients to hand out as they are, by service name (a test's stubbed client).
        self._clients: dict[str, Any] = dict(preset or {})
        self._preset = frozenset(self._clients)

    def _client(self, service: str, single_attempt: bool = False) -> Any:
        key = f"{service}#single-attempt" if single_attempt and service not in self._preset else service
        if key not in self._clients:
            config = SINGLE_ATTEMPT if single_attempt else CLIENT_CONFIG
            client: Any = self._session.client(  # type: ignore[call-overload]
                service, region_name=self._region, config=config, **self._credentials
            )
            self._clients[key] = client
        return self._clients[key]

    def ec2_single_attempt(self) -> EC2Client:
        """An EC2 client that never re-sends a call (for creates without a client token)."""
        return cast("EC2Client", self._client("ec2", single_attempt=True))

    def batch_single_attempt(self) -> BatchClient:
        """An AWS Batch client that never re-sends a call (RegisterJobDefinition has no client token)."""
        return cast("BatchClient", self._client("batch", single_attempt=True))

    def ec2(self) -> EC2Client:
        """An EC2 client."""
        return cast("EC2Client", self._client("ec2"))

    def lambda_(self) -> LambdaClient:
        """A Lambda client."""
        return cast("LambdaClient", self._client("lambda"))

    def sqs(self) -> SQSClient:
        """An SQS client."""
        return cast("SQSClient", self._client("sqs"))

    def sts(self) -> STSClient:
        """An STS client."""
        return cast("STSClient", self._client("sts"))

    def organizations(self) -> OrganizationsClient:
        """An AWS Organizations client."""
        return cast("OrganizationsClient", self._client("organizations"))

    def ecs(self) -> ECSClient:
        """An ECS client."""
        return cast("ECSClient", self._client("ecs"))

    def batch(self) -> BatchClient:
        """An AWS Batch client."""
        return cast("BatchClient", self._client("batch"))

    def autoscaling(self) -> AutoScalingClient:
        """An EC2 Auto Scaling client."""
        return cast("AutoScalingClient", self._client("autoscaling"))

    def eks(self) -> EKSClient:
        """An EKS client."""
        return cast("EKSClient", self._client("eks"))

    def codebuild(self) -> CodeBuildClient:
        """An AWS CodeBuild client."""
        return cast("CodeBuildClient", self._client("codebuild"))

    def apprunner(self) -> AppRunnerClient:
        """An AWS App Runner client."""
        return cast("AppRunnerClient", self._client("apprunner"))

    def sagemaker(self) -> SageMakerClient:
        """A SageMaker client."""
        return cast("SageMakerClient", self._client("sagemaker"))

    def glue(self) -> GlueClient:
        """An AWS Glue client."""
        return cast("GlueClient", self._client("glue"))

    def dynamodb(self) -> DynamoDBClient:
        """A DynamoDB client."""
        return cast("DynamoDBClient", self._client("dynamodb"))

    def pricing(self, endpoint_region: str) -> Any:
        """A Price List Query API client at one of its endpoints (the API lives in a few regions only)."""
        key = f"pricing@{endpoint_region}"
        if key not in self._clients:
            self._clients[key] = self._session.client(  # type: ignore[call-overload]
                "pricing", region_name=endpoint_region, config=PRICING_CONFIG, **self._credentials
            )
        return self._clients[key]

    def offers(self, service: str) -> bool:
        """AWS offers the service in this region, as botocore's endpoint data says (a region it does not know: yes,
        so that a call says what is wrong instead of nothing being checked)."""
        region = self.region
        if not region:
            return True
        try:
            partition = self._session.get_partition_for_region(region)
        except UnknownRegionError:
            return True
        known = self._session.get_available_regions("ec2", partition)
        return region not in known or region in self._session.get_available_regions(service, partition)

    @property
    def region(self) -> str | None:
        """The region the clients are made for (the session's own when none was given)."""
        return self._region or self._session.region_name
