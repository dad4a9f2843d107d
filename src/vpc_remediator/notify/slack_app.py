"""The Slack app path: a bot token's chat.postMessage and chat.update through slack_sdk's WebClient."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from slack_sdk import WebClient

from vpc_remediator.notify.slack import quiet_sdk_logger, retry_handlers

SLACK_API = "https://slack.com/api/"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


def checked_api_url(url: str, local_allowed: bool) -> str:
    """Slack's own Web API; a stand-in on this machine only outside Lambda (the command line, tests)."""
    parts = urlsplit(url)
    if url == SLACK_API or (local_allowed and parts.scheme == "http" and parts.hostname in LOCAL_HOSTS):
        return url if url.endswith("/") else url + "/"
    raise ValueError(
        f"the Slack Web API must be {SLACK_API} (or http://127.0.0.1 locally), not {parts.scheme}://{parts.hostname}"
    )


class SlackApp:
    """Posts and updates messages as the app's bot."""

    def __init__(self, token: str, api_url: str = SLACK_API, local_allowed: bool = False) -> None:
        self._client = WebClient(
            token=token,
            base_url=checked_api_url(api_url, local_allowed),
            timeout=10,
            logger=quiet_sdk_logger(),
            retry_handlers=retry_handlers(),
        )

    def post(self, channel: str, text: str, blocks: list[dict[str, Any]], thread_ts: str | None = None) -> str:
        """chat.postMessage; the new message's ts."""
        response = self._client.chat_postMessage(channel=channel, text=text, blocks=blocks, thread_ts=thread_ts)
        return str(response["ts"])

    def update(self, channel: str, ts: str, text: str, blocks: list[dict[str, Any]]) -> None:
        """chat.update: the message in place."""
        self._client.chat_update(channel=channel, ts=ts, text=text, blocks=blocks)
