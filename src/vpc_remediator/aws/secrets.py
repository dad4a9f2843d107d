"""The Slack webhook URL, kept in Secrets Manager and read through Powertools parameters (cached between calls)."""

from __future__ import annotations

import functools
import json

from aws_lambda_powertools.utilities.parameters import SecretsProvider
from aws_lambda_powertools.utilities.parameters.exceptions import GetParameterError

from vpc_remediator.aws.clients import CLIENT_CONFIG, shared_session
from vpc_remediator.domain.errors import AwsCallError, ConfigurationError

# A rotated webhook is picked up within this many seconds; meanwhile no call to Secrets Manager per batch.
SECRET_MAX_AGE_SECONDS = 300


@functools.cache
def _provider() -> SecretsProvider:
    # The process's own session: a new one would load botocore's models again at every cold start.
    return SecretsProvider(boto_config=CLIENT_CONFIG, boto3_session=shared_session())


def clear_cache() -> None:
    """Forget the provider and its cached values (tests, and the CLI between accounts)."""
    _provider.cache_clear()


def webhook_url(secret_arn: str, provider: SecretsProvider | None = None) -> str:
    """The webhook URL stored in the secret: the URL itself, or JSON with a "url" or "webhook_url" key."""
    try:
        value = (provider or _provider()).get(secret_arn, max_age=SECRET_MAX_AGE_SECONDS)
    except GetParameterError as exc:
        raise AwsCallError(f"secretsmanager:GetSecretValue failed for SlackWebhookSecretArn: {exc}") from exc
    text = value.decode() if isinstance(value, bytes) else str(value)
    text = text.strip()
    if text.startswith("{"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ConfigurationError("the SlackWebhookSecretArn secret is neither a URL nor valid JSON") from exc
        text = str(data.get("url") or data.get("webhook_url") or "") if isinstance(data, dict) else ""
    if not text.startswith(("https://", "http://")):
        raise ConfigurationError(
            'the SlackWebhookSecretArn secret must hold the webhook URL, or JSON {"url": "https://hooks.slack.com/..."}'
        )
    return text


def secret_text(secret_arn: str, parameter: str, provider: SecretsProvider | None = None) -> str:
    """A secret that is one piece of text (a signing secret, a bot token); an empty one is an error."""
    try:
        value = (provider or _provider()).get(secret_arn, max_age=SECRET_MAX_AGE_SECONDS)
    except GetParameterError as exc:
        raise AwsCallError(f"secretsmanager:GetSecretValue failed for {parameter}: {exc}") from exc
    text = (value.decode() if isinstance(value, bytes) else str(value)).strip()
    if not text:
        raise ConfigurationError(f"the {parameter} secret is empty")
    return text
