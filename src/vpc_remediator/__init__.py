"""vpc-remediator: keep AWS workloads in subnets that give them egress without a NAT gateway."""

__version__ = "0.1.0"
APP_NAME = "vpc-remediator"
