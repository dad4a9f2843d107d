"""Run the Lambda functions' own handlers in this process, configured as the template configures them."""

from __future__ import annotations

import importlib
import logging
import os
import sys
import tomllib
import uuid
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vpc_remediator import bootstrap
from vpc_remediator.cli.router import Router
from vpc_remediator.domain.errors import InvalidEventError
from vpc_remediator.domain.report import Outcome, Report
from vpc_remediator.events import parse_event
from vpc_remediator.remediation.context import ReportStamp
from vpc_remediator.settings import get_settings

REPO_ROOT = Path(__file__).resolve().parents[3]
DEFAULT_STACK_NAME = "vpc-remediator"


def find_project_file(name: str) -> Path:
    """template.yaml or samconfig.toml: in the working directory, else in the project this CLI came from."""
    here = Path.cwd() / name
    return here if here.exists() else REPO_ROOT / name


def default_stack_name() -> str:
    """samconfig.toml's stack name, as `sam deploy` would use it."""
    path = find_project_file("samconfig.toml")
    if not path.exists():
        return DEFAULT_STACK_NAME
    config = tomllib.loads(path.read_text(encoding="utf-8"))
    name = config.get("default", {}).get("global", {}).get("parameters", {}).get("stack_name")
    return str(name or DEFAULT_STACK_NAME)


@dataclass
class LocalContext:
    """The parts of a Lambda context that Powertools reads."""

    function_name: str
    memory_limit_in_mb: int = 256
    invoked_function_arn: str = ""
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))

    def get_remaining_time_in_millis(self) -> int:
        """Plenty: locally nothing times out."""
        return 900_000


class _CurrentStderr:
    """Whatever sys.stderr is at the time of writing (it may be replaced after configuration)."""

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()


@dataclass(frozen=True)
class LocalRuntime:
    """Settings of a local run, applied as the environment variables the template sets in Lambda."""

    stack_name: str
    dry_run: bool = False
    verbose: bool = False
    extra_env: Mapping[str, str] = field(default_factory=dict)

    def configure(self) -> None:
        """Set the environment, drop cached settings, and keep stdout for reports (logs go to stderr)."""
        os.environ.update(
            {
                "STACK_NAME": self.stack_name,
                "DRY_RUN": "true" if self.dry_run else "false",
                "MANAGE_DEFAULT_VPC": "true",
                # Locally there is no idempotency table and no CloudWatch: Powertools' own switches turn both off.
                "POWERTOOLS_IDEMPOTENCY_DISABLED": "true",
                "POWERTOOLS_METRICS_DISABLED": "true",
                "POWERTOOLS_LOG_LEVEL": "DEBUG" if self.verbose else "WARNING",
                **self.extra_env,
            }
        )
        get_settings.cache_clear()
        bootstrap.reset()
        from aws_lambda_powertools.warnings import PowertoolsUserWarning  # noqa: PLC0415  (after the environment is set)

        # Powertools warns at each call that idempotency is off; a local run is the development use it allows.
        warnings.filterwarnings("ignore", message="Disabling idempotency", category=PowertoolsUserWarning)
        from vpc_remediator.observability import logger  # noqa: PLC0415  (after the environment is set)

        logger.setLevel(logging.DEBUG if self.verbose else logging.WARNING)
        for handler in logger.handlers:
            if isinstance(handler, logging.StreamHandler):
                handler.setStream(_CurrentStderr())


def invoke(
    handler_path: str, function_name: str, event: Mapping[str, Any], context: LocalContext | None = None
) -> list[dict[str, Any]]:
    """Call `module.function` from the template's Handler with the event, as Lambda would."""
    module_name, _, attribute = handler_path.rpartition(".")
    handler = getattr(importlib.import_module(module_name), attribute)
    result = handler(dict(event), context or LocalContext(function_name=function_name))
    return list(result or [])


def check_region(event_region: str) -> None:
    """The functions act on their own region only, here the one of your AWS configuration: say so for another."""
    own = bootstrap.region_for().region_name()
    if own is None:
        raise InvalidEventError(
            f"the event is for region {event_region}, and no AWS region is configured: set AWS_REGION"
        )
    if event_region != own:
        raise InvalidEventError(
            f"the event is for region {event_region}, not {own} (your AWS configuration's): each region has its own "
            f"stack, run with AWS_REGION={event_region}"
        )


def handle_event(router: Router, event: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Route one event through the template's rules and run every matching function's handler."""
    trigger = parse_event(event)
    check_region(trigger.region)
    rules = router.matching(event)
    if not rules:
        stamp = ReportStamp.from_trigger(trigger)
        what = trigger.event_name or trigger.detail_type
        reason = f"no rule of the template matches this event ({what}"
        if trigger.failed:
            reason += f", failed with {trigger.error_code}"
        if trigger.is_own_call(router.stack_name):
            reason += f", made by this stack's role {trigger.role_name}"
        report = stamp.report(f"event/{trigger.event_id}", "event", Outcome.IGNORED, reason + ")")
        return [report.to_dict()]
    reports: list[dict[str, Any]] = []
    for rule in rules:
        reports.extend(invoke(rule.handler, rule.function, event))
    return reports


def as_report(data: Mapping[str, Any]) -> Report:
    """A handler's returned dict back as a Report."""
    return Report.from_dict(dict(data))
