"""Where reports may be posted: Slack's own webhook host, and a receiver on this machine for local runs only.

The rule: a webhook URL is `https://hooks.slack.com/<path>`, with no user, password or other port. Outside Lambda
(the command line, the demo, tests), `http://` or `https://` to `127.0.0.1` or `localhost` is accepted too: a local
receiver sends nothing off the machine. Anything else is refused before any post, so a changed secret cannot send the
account's reports to another host.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from vpc_remediator.domain.errors import ConfigurationError

SLACK_WEBHOOK_HOST = "hooks.slack.com"
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost"})


def _origin(url: str) -> str:
    # The path of a webhook URL is its secret: an error names only the scheme and host.
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname or ''}" if parts.scheme else "a text that is not a URL"


def _is_slack(scheme: str, host: str | None, port: int | None, path: str) -> bool:
    return scheme == "https" and host == SLACK_WEBHOOK_HOST and port in (None, 443) and len(path) > 1


def checked_webhook_url(url: str, *, loopback_allowed: bool) -> str:
    """The URL when the rule above allows it; otherwise ConfigurationError naming only its scheme and host."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:  # a port that is not a number, a malformed IPv6 host
        raise ConfigurationError("the Slack webhook URL is not a valid URL") from exc
    if parts.username is not None or parts.password is not None:
        raise ConfigurationError("the Slack webhook URL must not carry a user or password")
    if _is_slack(parts.scheme, parts.hostname, port, parts.path):
        return url.strip()
    if loopback_allowed and parts.scheme in ("http", "https") and parts.hostname in LOOPBACK_HOSTS:
        return url.strip()
    allowed = f"https://{SLACK_WEBHOOK_HOST}/..."
    if loopback_allowed:
        allowed += " (or http://127.0.0.1 / http://localhost for a local receiver)"
    raise ConfigurationError(f"the Slack webhook URL must be {allowed}, not a URL of {_origin(url.strip())}")
