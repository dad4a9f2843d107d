"""The exposure check against moto: the groups that really apply, prefix lists expanded, read afresh before a write."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from moto import mock_aws

from tests.integration.conftest import regions
from vpc_remediator.aws.batch import BatchComputeEnvironmentAdapter
from vpc_remediator.aws.security_groups import SecurityGroupReader
from vpc_remediator.cli.samples import events_dir, load_sample
from vpc_remediator.devkit.scenarios import REGION
from vpc_remediator.devkit.scenarios.default_vpc import make_default_vpc_work
from vpc_remediator.devkit.scenarios.placement import (
    Topology,
    awsvpc,
    build_topology,
    compute_environment,
    ecs_network,
    ecs_service,
    job_definition,
)
from vpc_remediator.domain.exposure import exposures
from vpc_remediator.domain.workload import WorkloadRef
from vpc_remediator.remediation.entry import on_placement_event, on_sweep_event
from vpc_remediator.settings import Settings
from vpc_remediator.workloads import batch_compute_environment

SETTINGS = Settings(stack_name="vpc-remediator")
ALLOWED = SETTINGS.allowed_public_ports


@dataclass
class Account:
    ec2: Any
    ecs: Any
    iam: Any
    batch: Any
    topo: Topology


@pytest.fixture
def account() -> Iterator[Account]:
    with mock_aws():
        client = {name: boto3.client(name, region_name=REGION) for name in ("ec2", "ecs", "iam", "batch")}
        make_default_vpc_work(client["ec2"])
        yield Account(client["ec2"], client["ecs"], client["iam"], client["batch"], build_topology(client["ec2"]))


def open_port(ec2: Any, group: str, port: int, **sources: Any) -> None:
    permission = {"IpProtocol": "tcp", "FromPort": port, "ToPort": port, **sources}
    ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[permission])


def prefix_list(ec2: Any, *cidrs: str) -> str:
    created = ec2.create_managed_prefix_list(
        PrefixListName="partners", MaxEntries=5, AddressFamily="IPv4", Entries=[{"Cidr": cidr} for cidr in cidrs]
    )
    identifier: str = created["PrefixList"]["PrefixListId"]
    return identifier


def default_group(ec2: Any, vpc_id: str) -> str:
    filters = [{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "group-name", "Values": ["default"]}]
    group: str = ec2.describe_security_groups(Filters=filters)["SecurityGroups"][0]["GroupId"]
    return group


def one(event: dict[str, Any]) -> dict[str, Any]:
    (report,) = on_placement_event(event, regions(SETTINGS), delays=(0,), sleep=lambda _: None)
    return report.to_dict()


def test_a_rule_through_a_prefix_list_is_expanded_and_its_halves_of_the_internet_count(account: Account) -> None:
    group = account.topo.web_sg
    listed = prefix_list(account.ec2, "0.0.0.0/1", "128.0.0.0/1")
    open_port(account.ec2, group, 22, PrefixListIds=[{"PrefixListId": listed}])
    rules = SecurityGroupReader(account.ec2).ingress([group])
    through = [rule for rule in rules if rule.via == listed]
    assert {rule.source for rule in through} == {"0.0.0.0/1", "128.0.0.0/1"}
    found = [item.describe() for item in exposures(rules, ALLOWED)]
    assert found == [
        f"{group} allows tcp port 22 from 0.0.0.0/1 through prefix list {listed}",
        f"{group} allows tcp port 22 from 128.0.0.0/1 through prefix list {listed}",
    ]


def test_an_aws_managed_prefix_list_is_expanded_too(account: Account) -> None:
    lists = account.ec2.describe_managed_prefix_lists()["PrefixLists"]
    managed = next(item["PrefixListId"] for item in lists if item["OwnerId"] == "AWS")
    open_port(account.ec2, account.topo.web_sg, 22, PrefixListIds=[{"PrefixListId": managed}])
    rules = SecurityGroupReader(account.ec2).ingress([account.topo.web_sg])
    assert [rule for rule in rules if rule.via == managed]


def test_the_vpcs_default_group_is_found(account: Account) -> None:
    reader = SecurityGroupReader(account.ec2)
    assert reader.default_group(account.topo.vpc_id) == default_group(account.ec2, account.topo.vpc_id)
    assert reader.default_group("vpc-0000000000000000") is None


def test_a_fresh_read_sees_a_rule_added_after_the_first_read(account: Account) -> None:
    reader = SecurityGroupReader(account.ec2)
    assert not exposures(reader.ingress([account.topo.web_sg]), ALLOWED)
    open_port(account.ec2, account.topo.web_sg, 22, IpRanges=[{"CidrIp": "1.0.0.0/8"}])
    assert not exposures(reader.ingress([account.topo.web_sg]), ALLOWED)  # cached
    assert exposures(reader.ingress([account.topo.web_sg], fresh=True), ALLOWED)


def test_a_service_without_groups_is_checked_against_the_default_group_and_blocked(account: Account) -> None:
    default = default_group(account.ec2, account.topo.vpc_id)
    open_port(account.ec2, default, 22, IpRanges=[{"CidrIp": "0.0.0.0/0"}])
    created = ecs_service(account.ecs, "admin", awsvpc(account.topo.isolated, (), False))
    arn = created["responseElements"]["service"]["serviceArn"]
    before = ecs_network(account.ecs, arn)
    report = one(load_sample("ecs/CreateService", **created))
    assert report["outcome"] == "blocked"
    assert report["details"]["exposed_rules"] == [f"{default} allows tcp port 22 from 0.0.0.0/0"]
    assert report["details"]["checked_security_groups"] == [default]
    assert ecs_network(account.ecs, arn) == before


def test_a_job_definition_with_no_fargate_environment_is_refused(account: Account) -> None:
    registered = job_definition(account.batch, account.iam, "nightly", public_ip="DISABLED")
    report = one(load_sample("batch/RegisterJobDefinition", **registered))
    assert report["outcome"] == "blocked"
    assert "no Fargate compute environment" in report["reason"]
    assert len(account.batch.describe_job_definitions(jobDefinitionName="nightly")["jobDefinitions"]) == 1


def test_the_sweep_reports_a_public_job_definition_behind_an_environment_created_later(account: Account) -> None:
    job_definition(account.batch, account.iam, "nightly", public_ip="ENABLED")
    compute_environment(account.batch, account.iam, "later", account.topo.public, (account.topo.ssh_sg,))
    event = json.loads((events_dir() / "events/Scheduled_sweep.json").read_text())
    reports = on_sweep_event(event, regions(SETTINGS), out_of_time=lambda: False).reports
    found = [report for report in reports if report.kind == "batch-job-definition"]
    assert [report.outcome.value for report in found] == ["blocked"]
    assert "reported only" in found[0].reason
    # Report only: the environment's group still opens SSH, and the job definition has no new revision.
    group = account.ec2.describe_security_groups(GroupIds=[account.topo.ssh_sg])["SecurityGroups"][0]
    assert group["IpPermissions"]
    assert len(account.batch.describe_job_definitions(jobDefinitionName="nightly")["jobDefinitions"]) == 1


def test_an_ec2_environment_whose_groups_come_from_its_launch_template_is_not_checked_against_others() -> None:
    # moto insists on securityGroupIds; AWS takes a launch template's groups instead: a stub answers as AWS documents.
    client = boto3.client("batch", region_name=REGION)
    arn = "arn:aws:batch:us-east-1:123456789012:compute-environment/hosts"
    described = {
        "computeEnvironmentName": "hosts",
        "computeEnvironmentArn": arn,
        "type": "MANAGED",
        "state": "ENABLED",
        "computeResources": {
            "type": "EC2",
            "allocationStrategy": "BEST_FIT_PROGRESSIVE",
            "maxvCpus": 4,
            "subnets": ["subnet-1"],
            "launchTemplate": {"launchTemplateId": "lt-0abc", "version": "$Default"},
        },
    }
    adapter = BatchComputeEnvironmentAdapter(client, batch_compute_environment.PROFILE)
    with Stubber(client) as stubber:
        stubber.add_response("describe_compute_environments", {"computeEnvironments": [described]})
        workload = adapter.load(WorkloadRef("batch-compute-environment", arn))
    assert workload.security_group_ids == ()
    assert workload.groups_elsewhere is not None
    assert "launch template lt-0abc" in workload.groups_elsewhere
