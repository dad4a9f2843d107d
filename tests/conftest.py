"""The test process's environment: what the template sets for every function, before any handler is imported."""

import os

os.environ.setdefault("STACK_NAME", "vpc-remediator")
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
