import pytest

from vpc_remediator.domain.errors import ConfigurationError
from vpc_remediator.settings import load_settings


def test_defaults_manage_the_default_vpc_for_real() -> None:
    settings = load_settings({"STACK_NAME": "s"})
    assert settings.manage_default_vpc
    assert not settings.dry_run
    assert settings.idempotency_table is None


def test_flags_are_read() -> None:
    settings = load_settings({"STACK_NAME": "s", "DRY_RUN": "true", "MANAGE_DEFAULT_VPC": "false"})
    assert settings.dry_run
    assert not settings.manage_default_vpc


def test_a_bad_flag_names_its_parameter() -> None:
    with pytest.raises(ConfigurationError, match="DryRun"):
        load_settings({"STACK_NAME": "s", "DRY_RUN": "maybe"})


def test_the_stack_name_is_required() -> None:
    with pytest.raises(ConfigurationError, match="STACK_NAME"):
        load_settings({})


def test_slack_is_off_and_quiet_outcomes_default_without_parameters() -> None:
    settings = load_settings({"STACK_NAME": "s"})
    assert settings.slack_webhook_secret_arn is None
    assert settings.reports_queue_url is None
    assert settings.slack_quiet_outcomes == {"compliant", "ignored"}


def test_slack_parameters_are_read() -> None:
    arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:slack-AbCdEf"
    settings = load_settings(
        {
            "STACK_NAME": "s",
            "SLACK_WEBHOOK_SECRET_ARN": arn,
            "SLACK_QUIET_OUTCOMES": "Compliant, skipped",
            "REPORTS_QUEUE_URL": "https://sqs.us-east-1.amazonaws.com/123456789012/reports",
        }
    )
    assert settings.slack_webhook_secret_arn == arn
    assert settings.slack_quiet_outcomes == {"compliant", "skipped"}
    assert settings.reports_queue_url == "https://sqs.us-east-1.amazonaws.com/123456789012/reports"
    assert load_settings({"STACK_NAME": "s", "SLACK_QUIET_OUTCOMES": ""}).slack_quiet_outcomes == frozenset()


def test_a_bad_secret_arn_names_its_parameter() -> None:
    with pytest.raises(ConfigurationError, match="SlackWebhookSecretArn"):
        load_settings({"STACK_NAME": "s", "SLACK_WEBHOOK_SECRET_ARN": "https://hooks.slack.com/services/x"})


def test_an_unknown_quiet_outcome_names_its_parameter() -> None:
    with pytest.raises(ConfigurationError, match="SlackQuietOutcomes"):
        load_settings({"STACK_NAME": "s", "SLACK_QUIET_OUTCOMES": "compliant,boring"})


def test_placement_defaults() -> None:
    settings = load_settings({"STACK_NAME": "s"})
    assert settings.exempt_tag_key == "vpc-remediator:exempt"
    assert not settings.remediate_iac_managed
    assert settings.allowed_public_ports == frozenset({("tcp", 80), ("tcp", 443)})
    assert (settings.open_ranges.ipv4_prefix, settings.open_ranges.ipv6_prefix) == (8, 32)
    assert (settings.flap_max_remediations, settings.flap_window_minutes) == (3, 60)
    assert settings.ledger_table is None


def test_placement_settings_are_read() -> None:
    settings = load_settings(
        {
            "STACK_NAME": "s",
            "EXEMPT_TAG_KEY": "team:hands-off",
            "REMEDIATE_IAC_MANAGED": "true",
            "ALLOWED_PUBLIC_PORTS": "443, udp:8443",
            "OPEN_RANGE_PREFIX_LENGTHS": "16,48",
            "FLAP_MAX_REMEDIATIONS": "5",
            "FLAP_WINDOW_MINUTES": "15",
            "LEDGER_TABLE": "ledger",
        }
    )
    assert settings.exempt_tag_key == "team:hands-off"
    assert settings.remediate_iac_managed
    assert settings.allowed_public_ports == frozenset({("tcp", 443), ("udp", 8443)})
    assert (settings.open_ranges.ipv4_prefix, settings.open_ranges.ipv6_prefix) == (16, 48)
    assert (settings.flap_max_remediations, settings.flap_window_minutes) == (5, 15)
    assert settings.ledger_table == "ledger"


def test_an_empty_port_list_allows_nothing() -> None:
    assert load_settings({"STACK_NAME": "s", "ALLOWED_PUBLIC_PORTS": ""}).allowed_public_ports == frozenset()


@pytest.mark.parametrize(
    ("name", "value", "parameter"),
    [
        ("ALLOWED_PUBLIC_PORTS", "80,http", "AllowedPublicPorts"),
        ("ALLOWED_PUBLIC_PORTS", "70000", "AllowedPublicPorts"),
        ("ALLOWED_PUBLIC_PORTS", "sctp:80", "AllowedPublicPorts"),
        ("OPEN_RANGE_PREFIX_LENGTHS", "8", "OpenRangePrefixLengths"),
        ("OPEN_RANGE_PREFIX_LENGTHS", "40,32", "OpenRangePrefixLengths"),
        ("FLAP_MAX_REMEDIATIONS", "three", "FlapMaxRemediations"),
        ("FLAP_WINDOW_MINUTES", "0", "FlapWindowMinutes"),
        ("REMEDIATE_IAC_MANAGED", "sometimes", "RemediateIacManaged"),
    ],
)
def test_a_bad_placement_setting_names_its_parameter(name: str, value: str, parameter: str) -> None:
    with pytest.raises(ConfigurationError, match=parameter):
        load_settings({"STACK_NAME": "s", name: value})


def test_the_run_task_report_window_is_read_and_checked() -> None:
    assert load_settings({"STACK_NAME": "s"}).run_task_report_window_hours == 24
    assert load_settings({"STACK_NAME": "s", "RUN_TASK_REPORT_WINDOW_HOURS": "6"}).run_task_report_window_hours == 6
    with pytest.raises(ConfigurationError, match="RunTaskReportWindowHours"):
        load_settings({"STACK_NAME": "s", "RUN_TASK_REPORT_WINDOW_HOURS": "0"})


ORGANIZATION = {
    "STACK_NAME": "s",
    "MODE": "organization",
    "ORGANIZATION_ID": "o-abcd123456",
    "MEMBER_REGIONS": "eu-west-1, us-east-1",
}


def test_account_mode_is_the_default_and_needs_no_organization() -> None:
    settings = load_settings({"STACK_NAME": "s"})
    assert not settings.org.enabled
    assert settings.org.exec_role_name == "vpc-remediator-exec"
    assert settings.org.sweep_concurrency == 4


def test_organization_mode_reads_its_parameters() -> None:
    settings = load_settings(
        {
            **ORGANIZATION,
            "EXEC_ROLE_NAME": "remediator-exec",
            "DRY_RUN_ACCOUNTS": "111111111111",
            "EXCLUDED_ACCOUNTS": "222222222222,333333333333",
            "SWEEP_CONCURRENCY": "10",
        }
    )
    assert settings.org.enabled
    assert settings.org.organization_id == "o-abcd123456"
    assert settings.org.member_regions == ("eu-west-1", "us-east-1")
    assert settings.org.exec_role_name == "remediator-exec"
    assert settings.org.excluded_accounts == {"222222222222", "333333333333"}
    assert settings.org.sweep_concurrency == 10
    # The canary reports only; every other account is remediated.
    assert settings.dry_run_in("111111111111")
    assert not settings.dry_run_in("444444444444")


@pytest.mark.parametrize(
    ("change", "parameter"),
    [
        ({"MODE": "everything"}, "Mode"),
        ({"ORGANIZATION_ID": ""}, "OrganizationId"),
        ({"ORGANIZATION_ID": "r-abcd"}, "OrganizationId"),
        ({"MEMBER_REGIONS": ""}, "MemberRegions"),
        ({"MEMBER_REGIONS": "eu-west-1,Ireland"}, "MemberRegions"),
        ({"EXEC_ROLE_NAME": "path/role"}, "ExecRoleName"),
        ({"DRY_RUN_ACCOUNTS": "1234"}, "DryRunAccounts"),
        ({"EXCLUDED_ACCOUNTS": "12345678901x"}, "ExcludedAccounts"),
        ({"SWEEP_CONCURRENCY": "1"}, "SweepConcurrency"),
        ({"SWEEP_CONCURRENCY": "1001"}, "SweepConcurrency"),
    ],
)
def test_a_bad_organization_parameter_fails_naming_it(change: dict[str, str], parameter: str) -> None:
    with pytest.raises(ConfigurationError, match=parameter):
        load_settings({**ORGANIZATION, **change})


def test_approve_mode_is_refused_in_organization_mode_until_clicks_can_reach_members() -> None:
    organization = {
        "STACK_NAME": "vpc-remediator",
        "MODE": "organization",
        "ORGANIZATION_ID": "o-a1b2c3d4e5",
        "MEMBER_REGIONS": "us-east-1",
    }
    with pytest.raises(ConfigurationError, match="RemediationMode approve works in Mode account only"):
        load_settings({**organization, "REMEDIATION_MODE": "approve"})
    with pytest.raises(ConfigurationError, match="RemediationMode approve"):
        load_settings({**organization, "REMEDIATION_MODE_OVERRIDES": "ecs-service=approve"})
    assert load_settings({**organization, "REMEDIATION_MODE": "report"}).org.enabled
    assert (
        load_settings({"STACK_NAME": "vpc-remediator", "REMEDIATION_MODE": "approve"}).remediation_mode.value
        == "approve"
    )
