"""The test process's environment: what the template sets for every function, before any handler is imported."""

import functools
import os

import botocore.loaders
import botocore.session
import pytest

os.environ.setdefault("STACK_NAME", "vpc-remediator")
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
# moto fills every new simulated account with a thousand-odd AMIs (and their snapshots and volumes) that no test uses:
# most of a simulated account's setup time. Set here, it reaches the CLI processes the tests start too.
os.environ.setdefault("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")

# moto gives each mock a new boto3 session, and a new session reads every service model (megabytes of JSON) from disk
# again. One loader for the whole test process reads each file once; what it hands out is what a session shares
# between its own clients anyway (the Lambda functions' one session does the same).
botocore.session.create_loader = functools.cache(botocore.loaders.create_loader)


def pytest_configure(config: pytest.Config) -> None:
    """Powertools warns at each handler call that idempotency is off, which the tests want (as the CLI does)."""
    config.addinivalue_line(
        "filterwarnings", "ignore:Disabling idempotency:aws_lambda_powertools.warnings.PowertoolsUserWarning"
    )
