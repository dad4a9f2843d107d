"""Environment → one frozen Settings, read once at cold start. os.environ is read nowhere else."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache

from vpc_remediator.domain.approval import RemediationMode
from vpc_remediator.domain.errors import ConfigurationError
from vpc_remediator.domain.exposure import OpenRanges, parse_allowed_ports
from vpc_remediator.domain.report import Outcome

_TRUE = {"true", "1", "yes"}
ACCOUNT_MODE = "account"
ORGANIZATION_MODE = "organization"
# AWS's own patterns: an organization id, an account id, a region name, an IAM role name (no path).
_ORGANIZATION_ID = re.compile(r"o-[a-z0-9]{10,32}")
_ACCOUNT_ID = re.compile(r"\d{12}")
_REGION = re.compile(r"[a-z]{2}(-[a-z]+)+-\d")
_ROLE_NAME = re.compile(r"[\w+=,.@-]{1,64}")
# An SQS event source's MaximumConcurrency takes 2 to 1000.
SWEEP_CONCURRENCY_RANGE = (2, 1000)
_FALSE = {"false", "0", "no", ""}


@dataclass(frozen=True)
class OrganizationSettings:
    """Organization mode: the hub acts in the organization's member accounts through the exec role there."""

    mode: str = ACCOUNT_MODE
    organization_id: str | None = None
    exec_role_name: str = "vpc-remediator-exec"
    member_regions: tuple[str, ...] = ()
    # Accounts that only report (a canary), and accounts left alone entirely.
    dry_run_accounts: frozenset[str] = frozenset()
    excluded_accounts: frozenset[str] = frozenset()
    # The sweep workers' MaximumConcurrency (read by the template; checked here so a bad value fails at cold start).
    sweep_concurrency: int = 4
    # The queue the organization sweep sends one message per account and region to (SweepWorkerFunction reads it).
    sweep_queue_url: str | None = None

    @property
    def enabled(self) -> bool:
        """The stack is an organization's hub."""
        return self.mode == ORGANIZATION_MODE


@dataclass(frozen=True)
class Settings:
    """Every setting the functions and the CLI use, named after the template parameter that sets it."""

    stack_name: str
    manage_default_vpc: bool = True
    # DryRun=true is the report mode whatever RemediationMode says (an upgraded stack keeps what it did).
    dry_run: bool = False
    remediation_mode: RemediationMode = RemediationMode.AUTO
    # (kind, mode) pairs that replace remediation_mode for one kind (RemediationModeOverrides).
    mode_overrides: tuple[tuple[str, RemediationMode], ...] = ()
    # How long a pending change can be approved (ApprovalExpiryHours).
    approval_expiry_hours: int = 24
    # The Slack app (approve mode): signing secret and bot token in Secrets Manager, the channel, the workspace, who
    # may click. Nobody may click unless named.
    slack_signing_secret_arn: str | None = None
    slack_bot_token_secret_arn: str | None = None
    slack_channel_id: str | None = None
    slack_team_id: str | None = None
    slack_allowed_user_ids: frozenset[str] = frozenset()
    # The Slack Web API: Slack's own; a stand-in on 127.0.0.1 for local runs (never in Lambda).
    slack_api_url: str = "https://slack.com/api/"
    # Accepted clicks wait here for the approval worker.
    approval_queue_url: str | None = None
    # Not set locally (the CLI, tests): there Powertools' own POWERTOOLS_IDEMPOTENCY_DISABLED turns idempotency off.
    idempotency_table: str | None = None
    reports_queue_url: str | None = None
    # The notifier sends a record that can never become a message here at once (NotifierFunction only).
    reports_dead_letter_queue_url: str | None = None
    slack_webhook_secret_arn: str | None = None
    slack_quiet_outcomes: frozenset[str] = frozenset({"compliant", "ignored"})
    # Workload placement (PlacementFunction).
    exempt_tag_key: str = "vpc-remediator:exempt"
    remediate_iac_managed: bool = False
    # (protocol, port) pairs a security group may open to the internet; a bare number in the parameter means TCP.
    allowed_public_ports: frozenset[tuple[str, int]] = frozenset({("tcp", 80), ("tcp", 443)})
    # How broad a public source range must be to count as the internet (OpenRangePrefixLengths).
    open_ranges: OpenRanges = field(default_factory=OpenRanges)
    flap_max_remediations: int = 3
    flap_window_minutes: int = 60
    ledger_table: str | None = None
    # One report per caller, task definition family and network for RunTask within this window.
    run_task_report_window_hours: int = 24
    # In AWS Lambda, whose runtime always sets the reserved AWS_LAMBDA_FUNCTION_NAME: reports go to Slack's own webhook
    # host only. Elsewhere (the command line, tests) a receiver on 127.0.0.1 or localhost is accepted too.
    in_lambda: bool = False
    # The function's name (Lambda's AWS_LAMBDA_FUNCTION_NAME): the session name it opens in member accounts.
    function_name: str | None = None
    # Organization mode (Mode and the parameters after it); account mode by default.
    org: OrganizationSettings = field(default_factory=OrganizationSettings)

    def dry_run_in(self, account: str | None) -> bool:
        """Whether changes are only reported in this account: DryRun everywhere, or the account is a canary."""
        return self.dry_run or (account is not None and account in self.org.dry_run_accounts)

    def mode_for(self, kind: str) -> RemediationMode:
        """The mode for one kind: report under DryRun, else its override, else RemediationMode."""
        if self.dry_run:
            return RemediationMode.REPORT
        return dict(self.mode_overrides).get(kind, self.remediation_mode)


def _flag(env: Mapping[str, str], name: str, parameter: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigurationError(f"{parameter} ({name}) must be true or false, not {raw!r}")


def _required(env: Mapping[str, str], name: str, parameter: str) -> str:
    value = env.get(name, "").strip()
    if not value:
        raise ConfigurationError(f"{parameter} ({name}) is required")
    return value


def _secret_arn(env: Mapping[str, str], name: str, parameter: str) -> str | None:
    value = env.get(name, "").strip()
    if not value:
        return None
    if not value.startswith("arn:") or ":secretsmanager:" not in value or ":secret:" not in value:
        raise ConfigurationError(f"{parameter} ({name}) must be a Secrets Manager secret ARN, not {value!r}")
    return value


def _outcomes(env: Mapping[str, str], name: str, parameter: str, default: frozenset[str]) -> frozenset[str]:
    raw = env.get(name)
    if raw is None:
        return default
    values = frozenset(item.strip().lower() for item in raw.split(",") if item.strip())
    known = {outcome.value for outcome in Outcome}
    unknown = sorted(values - known)
    if unknown:
        known_list = ", ".join(sorted(known))
        raise ConfigurationError(f"{parameter} ({name}) has unknown outcomes {', '.join(unknown)}; known: {known_list}")
    return values


def _integer(env: Mapping[str, str], name: str, parameter: str, default: int, minimum: int = 1) -> int:
    raw = env.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ConfigurationError(f"{parameter} ({name}) must be a whole number, not {raw!r}") from None
    if value < minimum:
        raise ConfigurationError(f"{parameter} ({name}) must be at least {minimum}, not {value}")
    return value


def _ports(
    env: Mapping[str, str], name: str, parameter: str, default: frozenset[tuple[str, int]]
) -> frozenset[tuple[str, int]]:
    raw = env.get(name)
    if raw is None:
        return default
    try:
        return parse_allowed_ports(raw)
    except ValueError as exc:
        raise ConfigurationError(
            f"{parameter} ({name}) must list tcp:PORT, udp:PORT or PORT (TCP) separated by commas, not {raw!r}: {exc}"
        ) from exc


def _open_ranges(env: Mapping[str, str], name: str, parameter: str) -> OpenRanges:
    raw = env.get(name, "").strip()
    if not raw:
        return OpenRanges()
    parts = [part.strip() for part in raw.split(",")]
    if len(parts) != 2 or not all(part.isdigit() for part in parts):
        raise ConfigurationError(f"{parameter} ({name}) must be two prefix lengths, IPv4,IPv6 (say 8,32), not {raw!r}")
    v4, v6 = int(parts[0]), int(parts[1])
    if not (0 <= v4 <= 32 and 0 <= v6 <= 128):
        raise ConfigurationError(
            f"{parameter} ({name}) must be an IPv4 length 0-32 and an IPv6 length 0-128, not {raw!r}"
        )
    return OpenRanges(v4, v6)


def _mode(raw: str, parameter: str, name: str) -> RemediationMode:
    try:
        return RemediationMode(raw.strip().lower())
    except ValueError:
        known = ", ".join(mode.value for mode in RemediationMode)
        raise ConfigurationError(f"{parameter} ({name}) must be one of {known}, not {raw!r}") from None


def _overrides(env: Mapping[str, str], name: str, parameter: str) -> tuple[tuple[str, RemediationMode], ...]:
    pairs = []
    for item in (part.strip() for part in env.get(name, "").split(",")):
        if not item:
            continue
        kind, equals, mode = item.partition("=")
        if not equals or not kind.strip() or not kind.strip().replace("-", "").isalnum():
            raise ConfigurationError(
                f"{parameter} ({name}) must list KIND=MODE pairs (say ecs-service=approve), not {item!r}"
            )
        pairs.append((kind.strip(), _mode(mode, parameter, name)))
    return tuple(pairs)


def _ids(env: Mapping[str, str], name: str, parameter: str) -> frozenset[str]:
    values = frozenset(item.strip() for item in env.get(name, "").split(",") if item.strip())
    wrong = sorted(value for value in values if not value.isalnum() or not value.isupper())
    if wrong:
        raise ConfigurationError(f"{parameter} ({name}) must list Slack ids such as U012ABCDEF, not {', '.join(wrong)}")
    return values


def _listed(env: Mapping[str, str], name: str, parameter: str, pattern: re.Pattern[str], what: str) -> tuple[str, ...]:
    """A CommaDelimitedList parameter: its items in order, each checked against AWS's pattern."""
    items = tuple(dict.fromkeys(item.strip() for item in env.get(name, "").split(",") if item.strip()))
    wrong = [item for item in items if not pattern.fullmatch(item)]
    if wrong:
        raise ConfigurationError(f"{parameter} ({name}) must list {what}, separated by commas; not {', '.join(wrong)}")
    return items


def _organization_mode(env: Mapping[str, str]) -> str:
    value = env.get("MODE", "").strip().lower() or ACCOUNT_MODE
    if value not in (ACCOUNT_MODE, ORGANIZATION_MODE):
        raise ConfigurationError(f"Mode (MODE) must be {ACCOUNT_MODE} or {ORGANIZATION_MODE}, not {value!r}")
    return value


def _organization(env: Mapping[str, str]) -> OrganizationSettings:
    """The organization-mode settings, checked: in organization mode the organization and its regions are required
    (nothing is guessed: acting in the wrong accounts is worse than not deploying)."""
    mode = _organization_mode(env)
    organization_id = env.get("ORGANIZATION_ID", "").strip() or None
    if organization_id is not None and not _ORGANIZATION_ID.fullmatch(organization_id):
        raise ConfigurationError(
            f"OrganizationId (ORGANIZATION_ID) must look like o-abcd123456, not {organization_id!r}"
        )
    role = env.get("EXEC_ROLE_NAME", "").strip() or OrganizationSettings.exec_role_name
    if not _ROLE_NAME.fullmatch(role):
        raise ConfigurationError(f"ExecRoleName (EXEC_ROLE_NAME) must be an IAM role name (no path), not {role!r}")
    regions = _listed(env, "MEMBER_REGIONS", "MemberRegions", _REGION, "region names such as eu-west-1")
    if mode == ORGANIZATION_MODE and organization_id is None:
        raise ConfigurationError("OrganizationId (ORGANIZATION_ID) is required when Mode is organization")
    if mode == ORGANIZATION_MODE and not regions:
        raise ConfigurationError("MemberRegions (MEMBER_REGIONS) is required when Mode is organization")
    low, high = SWEEP_CONCURRENCY_RANGE
    concurrency = _integer(env, "SWEEP_CONCURRENCY", "SweepConcurrency", OrganizationSettings.sweep_concurrency, low)
    if concurrency > high:
        raise ConfigurationError(f"SweepConcurrency (SWEEP_CONCURRENCY) must be at most {high}, not {concurrency}")
    accounts = "12-digit account ids"
    return OrganizationSettings(
        mode=mode,
        organization_id=organization_id,
        exec_role_name=role,
        member_regions=regions,
        dry_run_accounts=frozenset(_listed(env, "DRY_RUN_ACCOUNTS", "DryRunAccounts", _ACCOUNT_ID, accounts)),
        excluded_accounts=frozenset(_listed(env, "EXCLUDED_ACCOUNTS", "ExcludedAccounts", _ACCOUNT_ID, accounts)),
        sweep_concurrency=concurrency,
        sweep_queue_url=env.get("SWEEP_QUEUE_URL", "").strip() or None,
    )


def load_settings(env: Mapping[str, str]) -> Settings:
    """Validate the environment into Settings; a bad value fails loudly and names its parameter."""
    settings = _settings(env)
    approving = [mode for _, mode in settings.mode_overrides] + [settings.remediation_mode]
    if settings.org.enabled and RemediationMode.APPROVE in approving:
        # A click is performed in the hub's own account: a member's pending change could never be approved.
        raise ConfigurationError("RemediationMode approve works in Mode account only, not yet in organization mode")
    return settings


def _settings(env: Mapping[str, str]) -> Settings:
    return Settings(
        stack_name=_required(env, "STACK_NAME", "the stack name"),
        manage_default_vpc=_flag(env, "MANAGE_DEFAULT_VPC", "ManageDefaultVpc", default=True),
        dry_run=_flag(env, "DRY_RUN", "DryRun", default=False),
        remediation_mode=_mode(env.get("REMEDIATION_MODE") or "auto", "RemediationMode", "REMEDIATION_MODE"),
        mode_overrides=_overrides(env, "REMEDIATION_MODE_OVERRIDES", "RemediationModeOverrides"),
        approval_expiry_hours=_integer(env, "APPROVAL_EXPIRY_HOURS", "ApprovalExpiryHours", 24),
        slack_signing_secret_arn=_secret_arn(env, "SLACK_SIGNING_SECRET_ARN", "SlackSigningSecretArn"),
        slack_bot_token_secret_arn=_secret_arn(env, "SLACK_BOT_TOKEN_SECRET_ARN", "SlackBotTokenSecretArn"),
        slack_channel_id=env.get("SLACK_CHANNEL_ID", "").strip() or None,
        slack_team_id=env.get("SLACK_TEAM_ID", "").strip() or None,
        slack_allowed_user_ids=_ids(env, "SLACK_ALLOWED_USER_IDS", "SlackAllowedUserIds"),
        approval_queue_url=env.get("APPROVAL_QUEUE_URL", "").strip() or None,
        slack_api_url=env.get("SLACK_API_URL", "").strip() or Settings.slack_api_url,
        idempotency_table=env.get("IDEMPOTENCY_TABLE") or None,
        reports_queue_url=env.get("REPORTS_QUEUE_URL", "").strip() or None,
        reports_dead_letter_queue_url=env.get("REPORTS_DEAD_LETTER_QUEUE_URL", "").strip() or None,
        slack_webhook_secret_arn=_secret_arn(env, "SLACK_WEBHOOK_SECRET_ARN", "SlackWebhookSecretArn"),
        slack_quiet_outcomes=_outcomes(
            env, "SLACK_QUIET_OUTCOMES", "SlackQuietOutcomes", frozenset({"compliant", "ignored"})
        ),
        exempt_tag_key=env.get("EXEMPT_TAG_KEY", "").strip() or Settings.exempt_tag_key,
        remediate_iac_managed=_flag(env, "REMEDIATE_IAC_MANAGED", "RemediateIacManaged", default=False),
        allowed_public_ports=_ports(env, "ALLOWED_PUBLIC_PORTS", "AllowedPublicPorts", Settings.allowed_public_ports),
        open_ranges=_open_ranges(env, "OPEN_RANGE_PREFIX_LENGTHS", "OpenRangePrefixLengths"),
        flap_max_remediations=_integer(env, "FLAP_MAX_REMEDIATIONS", "FlapMaxRemediations", 3),
        flap_window_minutes=_integer(env, "FLAP_WINDOW_MINUTES", "FlapWindowMinutes", 60),
        ledger_table=env.get("LEDGER_TABLE") or None,
        run_task_report_window_hours=_integer(env, "RUN_TASK_REPORT_WINDOW_HOURS", "RunTaskReportWindowHours", 24),
        in_lambda=bool(env.get("AWS_LAMBDA_FUNCTION_NAME", "").strip()),
        function_name=env.get("AWS_LAMBDA_FUNCTION_NAME", "").strip() or None,
        org=_organization(env),
    )


@cache
def get_settings() -> Settings:
    """The process's settings, read once (tests and the CLI call get_settings.cache_clear())."""
    return load_settings(os.environ)


# The command line's Slack webhook: an environment variable keeps the URL (a secret) out of shell history and `ps`.
CLI_WEBHOOK_VARIABLE = "VPC_REMEDIATOR_SLACK_WEBHOOK"


def cli_slack_webhook(env: Mapping[str, str] | None = None) -> str | None:
    """The webhook URL in VPC_REMEDIATOR_SLACK_WEBHOOK, or None when it is unset or empty."""
    value = (os.environ if env is None else env).get(CLI_WEBHOOK_VARIABLE, "").strip()
    return value or None
