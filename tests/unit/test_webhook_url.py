"""Which webhook URLs reports may be posted to: Slack's own host, and a local receiver outside Lambda."""

from __future__ import annotations

import pytest

from vpc_remediator.domain.errors import ConfigurationError
from vpc_remediator.domain.webhook import checked_webhook_url

SECRET_PATH = "/services/T0000/B0000/SECRETTOKEN"


@pytest.mark.parametrize(
    "url",
    [
        f"https://hooks.slack.com{SECRET_PATH}",
        f"HTTPS://Hooks.Slack.com{SECRET_PATH}",
        f"https://hooks.slack.com:443{SECRET_PATH}",
        "https://hooks.slack.com/triggers/T0000/1/abc",
    ],
)
def test_slack_webhook_urls_are_accepted_everywhere(url: str) -> None:
    assert checked_webhook_url(url, loopback_allowed=False) == url
    assert checked_webhook_url(f" {url}\n", loopback_allowed=True) == url


@pytest.mark.parametrize(
    "url",
    [
        f"http://hooks.slack.com{SECRET_PATH}",  # not encrypted
        f"https://hooks.slack.com.attacker.example{SECRET_PATH}",
        f"https://hooks.slack.com@attacker.example{SECRET_PATH}",  # the host is attacker.example
        f"https://user:password@hooks.slack.com{SECRET_PATH}",
        f"https://hooks.slack.com:8443{SECRET_PATH}",
        "https://hooks.slack.com/",  # no webhook at all
        f"https://attacker.example{SECRET_PATH}",
        f"ftp://hooks.slack.com{SECRET_PATH}",
        f"https://hooks.slack.com:notaport{SECRET_PATH}",
        "hooks.slack.com/services/T0000/B0000/SECRETTOKEN",
        "",
    ],
)
def test_anything_else_is_refused_without_repeating_the_secret_path(url: str) -> None:
    for loopback_allowed in (False, True):
        with pytest.raises(
            ConfigurationError, match=r"https://hooks\.slack\.com/|user or password|not a valid URL"
        ) as e:
            checked_webhook_url(url, loopback_allowed=loopback_allowed)
        assert "SECRETTOKEN" not in str(e.value)


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8123/services/local/webhook", "http://localhost:9/hook", "https://localhost/hook"]
)
def test_a_local_receiver_only_where_loopback_is_allowed(url: str) -> None:
    assert checked_webhook_url(url, loopback_allowed=True) == url
    with pytest.raises(ConfigurationError, match=r"must be https://hooks\.slack\.com/"):
        checked_webhook_url(url, loopback_allowed=False)


def test_other_private_addresses_are_not_local_receivers() -> None:
    for url in (
        "http://10.0.0.5/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://127.0.0.1.attacker.example/",
    ):
        with pytest.raises(ConfigurationError):
            checked_webhook_url(url, loopback_allowed=True)
