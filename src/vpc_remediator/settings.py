"""Environment → one frozen Settings, read once at cold start. os.environ is read nowhere else."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from vpc_remediator.domain.errors import ConfigurationError

_TRUE = {"true", "1", "yes"}
_FALSE = {"false", "0", "no", ""}


@dataclass(frozen=True)
class Settings:
    """Every setting the functions and the CLI use, named after the template parameter that sets it."""

    stack_name: str
    manage_default_vpc: bool = True
    dry_run: bool = False
    idempotency_table: str | None = None


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


def load_settings(env: Mapping[str, str]) -> Settings:
    """Validate the environment into Settings; a bad value fails loudly and names its parameter."""
    return Settings(
        stack_name=_required(env, "STACK_NAME", "the stack name"),
        manage_default_vpc=_flag(env, "MANAGE_DEFAULT_VPC", "ManageDefaultVpc", default=True),
        dry_run=_flag(env, "DRY_RUN", "DryRun", default=False),
        idempotency_table=env.get("IDEMPOTENCY_TABLE") or None,
    )


@cache
def get_settings() -> Settings:
    """The process's settings, read once (tests and the CLI call get_settings.cache_clear())."""
    return load_settings(os.environ)
