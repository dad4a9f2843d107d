"""Demo act: an organization of three accounts in two regions; the hub repairs a member's default VPC and moves
another member's Lambda function out of public subnets, from events shaped as members forward them."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from vpc_remediator import bootstrap
from vpc_remediator.cli.console import stdout_console
from vpc_remediator.cli.demo.context import DemoContext, title
from vpc_remediator.cli.local import LocalContext, invoke
from vpc_remediator.cli.render import source_line, summary
from vpc_remediator.cli.samples import load_sample
from vpc_remediator.devkit.scenarios import REGION
from vpc_remediator.devkit.scenarios.default_vpc import default_vpc_id, delete_default_vpc
from vpc_remediator.devkit.scenarios.organization import Member, create_organization, delivered_from, member_client
from vpc_remediator.devkit.scenarios.placement import build_topology, lambda_function
from vpc_remediator.settings import get_settings

OTHER_REGION = "eu-west-1"
MEMBER_REGIONS = (REGION, OTHER_REGION)


@contextmanager
def organization_mode(organization_id: str) -> Iterator[None]:
    """The hub's configuration (Mode=organization) for the events sent inside; the account mode's again after."""
    settings = {"MODE": "organization", "ORGANIZATION_ID": organization_id, "MEMBER_REGIONS": ",".join(MEMBER_REGIONS)}
    previous = {name: os.environ.get(name) for name in settings}
    os.environ.update(settings)
    get_settings.cache_clear()
    try:
        yield
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        get_settings.cache_clear()
        bootstrap.reset_organization()


def send_to_hub(context: DemoContext, label: str, event: dict[str, Any], hub_account: str) -> None:
    """Deliver a member's event to the hub's functions (the single-account patterns, which the hub's bus rules share),
    each invoked as the hub's function in the hub's account and region."""
    console = stdout_console()
    console.print()
    console.print(source_line(f"> {label}"))
    for rule in context.router.matching(event):
        arn = f"arn:aws:lambda:{REGION}:{hub_account}:function:{rule.function}"
        for report in invoke(rule.handler, rule.function, event, LocalContext(rule.function, invoked_function_arn=arn)):
            console.print(summary(report))
            context.reports.append(report)


def organization_act(context: DemoContext) -> None:
    """Three accounts, two regions: one member loses its default VPC, another puts a function in public subnets."""
    organizations = context.client("organizations")
    hub_account = context.client("sts").get_caller_identity()["Account"]
    organization_id, (payments, analytics) = create_organization(organizations, ("payments", "analytics"))
    title(f"Organization mode: the hub ({hub_account}) of {organization_id}, members payments and analytics")
    print(f"  accounts: management/hub {hub_account}, payments {payments.account}, analytics {analytics.account}")
    print(f"  regions: {', '.join(MEMBER_REGIONS)}; the hub acts in each member through its exec role")
    with organization_mode(organization_id):
        _member_default_vpc(context, payments, hub_account)
        _member_function(context, analytics, hub_account)


def _member_default_vpc(context: DemoContext, member: Member, hub_account: str) -> None:
    ec2 = member_client(context.session, member.account, "ec2", OTHER_REGION)
    title(f"payments ({member.account}), {OTHER_REGION}: someone deletes the default VPC")
    vpc_id = delete_default_vpc(ec2)
    event = delivered_from(load_sample("ec2/DeleteVpc", {"vpcId": vpc_id}), member.account, OTHER_REGION)
    send_to_hub(context, f"payments' rule forwards CloudTrail: DeleteVpc ({OTHER_REGION})", event, hub_account)
    print(f"  after: default VPC {default_vpc_id(ec2) or 'none'} in payments' {OTHER_REGION}")


def _member_function(context: DemoContext, member: Member, hub_account: str) -> None:
    ec2, lam, iam = (member_client(context.session, member.account, name, REGION) for name in ("ec2", "lambda", "iam"))
    topo = build_topology(ec2)
    title(f"analytics ({member.account}), {REGION}: a Lambda function lands in public subnets")
    created = lambda_function(lam, iam, "ingest", topo.public, (topo.web_sg,))
    event = delivered_from(load_sample("lambda/CreateFunction20150331", **created), member.account, REGION)
    send_to_hub(context, f"analytics' rule forwards CloudTrail: CreateFunction20150331 ({REGION})", event, hub_account)
    subnets = lam.get_function_configuration(FunctionName="ingest")["VpcConfig"]["SubnetIds"]
    print(f"  after: subnets {', '.join(subnets)} (private, through the VPC's NAT gateway)")
