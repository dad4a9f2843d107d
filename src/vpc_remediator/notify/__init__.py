"""Slack notifications: blocks.py renders Block Kit (pure), slack.py delivers."""
