"""ClientError → domain errors, in one place."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from botocore.exceptions import BotoCoreError, ClientError

from vpc_remediator.domain.errors import (
    AccessDeniedError,
    AwsCallError,
    ConcurrentChangeError,
    ResourceNotFoundError,
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
        raise AwsCallError(f"{api} failed with {code}: {message}") from exc
    except BotoCoreError as exc:
        raise AwsCallError(f"{api} failed: {exc}") from exc
