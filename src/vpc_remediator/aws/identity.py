"""Who the caller is: the account and identity an audit runs as."""

from __future__ import annotations

from typing import TYPE_CHECKING

from vpc_remediator.aws.errors import translated

if TYPE_CHECKING:
    from mypy_boto3_sts import STSClient


def caller_identity(sts: STSClient) -> tuple[str, str]:
    """(account id, caller ARN) of the credentials in use."""
    with translated("sts:GetCallerIdentity"):
        identity = sts.get_caller_identity()
    return identity["Account"], identity["Arn"]
