"""ClientError and botocore's own errors → domain errors, in one place: nothing raw leaves an adapter."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from botocore.exceptions import BotoCoreError, ClientError, HTTPClientError
from botocore.exceptions import ConnectionError as ConnectionLostError

from vpc_remediator.domain.errors import (
    AccessDeniedError,
    AwsCallError,
    ConcurrentChangeError,
    ResourceNotFoundError,
    TransientAwsError,
)

_DENIED = {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "UnauthorizedException"}
# The thing we were about to create already exists: a concurrent repair got there first.
_ALREADY_DONE = {
    "DefaultVpcAlreadyExists",
    "DefaultSubnetAlreadyExistsInAvailabilityZone",
    "RouteAlreadyExists",
    "Resource.AlreadyAssociated",
}
_NOT_FOUND_SUFFIXES = (".NotFound", "NotFoundException", "NotFound")
# Faults that may pass by themselves (botocore's own retry list, once its retries are spent): worth Lambda's retry.
_THROTTLED = {
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottled",
    "RequestThrottledException",
    "RequestLimitExceeded",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "SlowDown",
    "EC2ThrottledException",
    "PriorRequestNotComplete",
    "RequestTimeout",
    "RequestTimeoutException",
    "InternalError",
    "InternalFailure",
    "ServiceUnavailable",
    "ServiceUnavailableException",
    "Unavailable",
    "ServerException",
}


def is_transient(exc: ClientError) -> bool:
    """Throttled, or a 5xx: the same call may succeed later."""
    status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
    return error_code(exc) in _THROTTLED or (isinstance(status, int) and status >= 500)


def botocore_error(api: str, exc: BotoCoreError) -> AwsCallError:
    """A failure before any answer (connect or read timeout, lost connection) is transient; any other is not."""
    if isinstance(exc, ConnectionLostError | HTTPClientError):
        return TransientAwsError(f"{api} failed, and may succeed later: {exc}")
    return AwsCallError(f"{api} failed: {exc}")


def error_code(exc: ClientError) -> str:
    """The AWS error code of a ClientError."""
    return str(exc.response.get("Error", {}).get("Code", ""))


@contextmanager
def translated(api: str) -> Iterator[None]:
    """Run one AWS call, turning its failure into AccessDenied / ResourceNotFound / AwsCall errors."""
    try:
        yield
    except ClientError as exc:
        code = error_code(exc)
        message = str(exc.response.get("Error", {}).get("Message", exc))
        if code in _DENIED:
            raise AccessDeniedError(api, message) from exc
        if code in _ALREADY_DONE:
            raise ConcurrentChangeError(f"{api}: {message}") from exc
        if code.endswith(_NOT_FOUND_SUFFIXES):
            raise ResourceNotFoundError(f"{api}: {message}") from exc
        if is_transient(exc):
            raise TransientAwsError(f"{api} failed with {code}, and may succeed later: {message}") from exc
        raise AwsCallError(f"{api} failed with {code}: {message}") from exc
    except BotoCoreError as exc:
        raise botocore_error(api, exc) from exc
