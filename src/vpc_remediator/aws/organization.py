"""Organization mode's AWS side: the organization's active accounts (Organizations) and the exec role's credentials in
each member (STS), each cached so that one call serves many events."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from vpc_remediator import APP_NAME
from vpc_remediator.aws.errors import translated
from vpc_remediator.domain.guards import EXEC_ROLE_PATH

if TYPE_CHECKING:
    from mypy_boto3_organizations import OrganizationsClient
    from mypy_boto3_sts import STSClient

ACTIVE = "ACTIVE"
# Credentials are handed out only while they outlive the longest Lambda invocation (15 minutes): a sweep or an event
# never finds them expired halfway. With STS's default hour, one AssumeRole per account every 45 minutes.
REFRESH_MARGIN = timedelta(minutes=15)
# The list of accounts is read again after this long; an account it does not know is looked for again sooner (a new
# account's first events must not wait), but never more than once a minute (a forged account costs one call a minute).
ACCOUNTS_TTL = timedelta(minutes=10)
UNKNOWN_ACCOUNT_RETRY = timedelta(minutes=1)
# AWS's limits on a role session name: 2 to 64 characters of [\w+=,.@-].
SESSION_NAME_LIMIT = 64


def _now() -> datetime:
    return datetime.now(UTC)


def _state(account: Any) -> str:
    # `State` replaces `Status` (retired by Organizations in September 2026): read the new field, else the old one.
    return str(account.get("State") or account.get("Status") or "")


class OrganizationAccounts:
    """The organization's ACTIVE accounts, id → Organizations name, from ListAccounts (the hub must be the management
    account or a delegated administrator)."""

    def __init__(self, organizations: Callable[[], OrganizationsClient], clock: Callable[[], datetime] = _now) -> None:
        self._organizations = organizations
        self._clock = clock
        self._accounts: dict[str, str] = {}
        self._read_at: datetime | None = None

    def active(self, fresh: bool = False) -> dict[str, str]:
        """Every active account, id → name (read again when older than ACCOUNTS_TTL, or when `fresh`)."""
        if fresh or self._read_at is None or self._clock() - self._read_at >= ACCOUNTS_TTL:
            self._read()
        return dict(self._accounts)

    def name_of(self, account: str) -> str | None:
        """The name of an active account of the organization, or None when it is not one (suspended, closed, gone,
        or never a member)."""
        accounts = self.active()
        stale = self._read_at is not None and self._clock() - self._read_at >= UNKNOWN_ACCOUNT_RETRY
        if account not in accounts and stale:
            accounts = self.active(fresh=True)
        return accounts.get(account)

    def _read(self) -> None:
        accounts = {}
        with translated("organizations:ListAccounts"):
            for page in self._organizations().get_paginator("list_accounts").paginate():
                for account in page["Accounts"]:
                    if _state(account) == ACTIVE:
                        accounts[str(account["Id"])] = str(account.get("Name") or account["Id"])
        self._accounts = accounts
        self._read_at = self._clock()


@dataclass(frozen=True)
class RoleCredentials:
    """Temporary credentials of the exec role in one account, as client keyword arguments."""

    access_key: str
    secret_key: str
    token: str
    expires: datetime

    def client_arguments(self) -> dict[str, str]:
        """The keyword arguments boto3 takes for explicit credentials."""
        return {
            "aws_access_key_id": self.access_key,
            "aws_secret_access_key": self.secret_key,
            "aws_session_token": self.token,
        }


def session_name(function_name: str | None) -> str:
    """vpc-remediator-<function>, within AWS's limits (a generated function name already starts with the app's)."""
    label = (function_name or "cli").strip()
    name = label if label.startswith(f"{APP_NAME}-") else f"{APP_NAME}-{label}"
    return "".join(char if char.isalnum() or char in "+=,.@_-" else "-" for char in name)[:SESSION_NAME_LIMIT]


def exec_role_arn(partition: str, account: str, role_name: str) -> str:
    """The exec role of an account: under the path the loop guard knows."""
    return f"arn:{partition}:iam::{account}:role/{EXEC_ROLE_PATH}/{role_name}"


class ExecRoleCredentials:
    """The exec role's credentials per account, assumed once and kept until shortly before they expire."""

    def __init__(
        self,
        sts: Callable[[], STSClient],
        role_name: str,
        session: str,
        partition: str = "aws",
        clock: Callable[[], datetime] = _now,
    ) -> None:
        self._sts = sts
        self._role_name = role_name
        self._session = session
        self._partition = partition
        self._clock = clock
        self._cache: dict[str, RoleCredentials] = {}
        # How many times AssumeRole was called (the benchmark reports it).
        self.assumed = 0

    def for_account(self, account: str) -> RoleCredentials:
        """Credentials in `account`; AccessDeniedError when STS refuses (no role there, or its trust says no)."""
        cached = self._cache.get(account)
        if cached is not None and cached.expires - self._clock() > REFRESH_MARGIN:
            return cached
        arn = exec_role_arn(self._partition, account, self._role_name)
        with translated("sts:AssumeRole"):
            # The source identity stays on every call the session makes, in the member's CloudTrail.
            answer = self._sts().assume_role(RoleArn=arn, RoleSessionName=self._session, SourceIdentity=APP_NAME)
        self.assumed += 1
        found = answer["Credentials"]
        fresh = RoleCredentials(
            str(found["AccessKeyId"]), str(found["SecretAccessKey"]), str(found["SessionToken"]), found["Expiration"]
        )
        self._cache[account] = fresh
        return fresh
