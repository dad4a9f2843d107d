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
