"""Logger and metrics shared by every function (Powertools, configured by POWERTOOLS_* variables).

No Powertools Tracer: it loads the X-Ray SDK, about 230 ms of a 300 ms cold start (bench/results.md). The
functions keep Lambda's own active tracing (template.yaml), which records each invocation without the SDK.
"""

from __future__ import annotations

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit

from vpc_remediator import APP_NAME
from vpc_remediator.domain.report import Report

logger = Logger(service=APP_NAME)
metrics = Metrics(namespace="VpcRemediator", service=APP_NAME)


def record(report: Report) -> None:
    """Log a report as structured JSON and count its outcome (one metric per outcome)."""
    logger.info("report", extra={"report": report.to_dict()})
    metrics.add_metric(name=f"{report.kind}.{report.outcome.value}", unit=MetricUnit.Count, value=1)
