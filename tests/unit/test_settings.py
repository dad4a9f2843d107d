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
