"""Builders of realistic resources in a simulated account (moto): the same network for the demo, tests and bench."""

REGION = "us-east-1"
# Two zones of REGION: enough for multi-AZ placement decisions, few enough to keep moto quick.
ZONES = ("us-east-1a", "us-east-1b")
