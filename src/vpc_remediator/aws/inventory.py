"""List the workloads the placement rules cover, a page at a time, with the batch describe calls.

Each lister takes a page token (None: the start) and returns the page's workloads and the next token (None: done).
Tokens are plain strings, so a sweep can hand them to its next invocation.
"""

from __future__ import annotations

import bisect
import json
from typing import TYPE_CHECKING, Any

from vpc_remediator.aws.batch import BatchComputeEnvironmentAdapter, BatchJobDefinitionAdapter
from vpc_remediator.aws.ecs import EcsServiceAdapter
from vpc_remediator.aws.errors import translated
from vpc_remediator.aws.lambda_ import function_workload
from vpc_remediator.domain.placement import FARGATE_PLATFORMS
from vpc_remediator.domain.workload import Profile, Workload

if TYPE_CHECKING:
    from mypy_boto3_batch import BatchClient
    from mypy_boto3_ecs import ECSClient
    from mypy_boto3_lambda import LambdaClient

Page = tuple[list[Workload], str | None]

# DescribeServices takes at most 10 services; ListServices returns at most 100 a page.
DESCRIBE_SERVICES_BATCH = 10
LIST_SERVICES_PAGE = 100
# ListFunctions pages of 50: small enough that a page always fits before the sweep's deadline.
LIST_FUNCTIONS_PAGE = 50


class EcsServiceLister:
    """Every ECS service of every cluster: a page is up to 100 services of one cluster."""

    def __init__(self, ecs: ECSClient, adapter: EcsServiceAdapter) -> None:
        self._ecs = ecs
        self._adapter = adapter
        self._clusters: list[str] | None = None

    def _all_clusters(self) -> list[str]:
        if self._clusters is None:
            with translated("ecs:ListClusters"):
                pages = self._ecs.get_paginator("list_clusters").paginate()
                self._clusters = sorted(arn for page in pages for arn in page["clusterArns"])
        return self._clusters

    def page(self, token: str | None) -> Page:
        """One page of services; the token names the cluster (by ARN, so new clusters do not shift it)."""
        clusters = self._all_clusters()
        state: dict[str, Any] = json.loads(token) if token else {}
        cluster_arn = state.get("cluster")
        index = bisect.bisect_left(clusters, cluster_arn) if cluster_arn else 0
        if index >= len(clusters):
            return [], None
        cluster = clusters[index]
        kwargs: dict[str, Any] = {"cluster": cluster, "maxResults": LIST_SERVICES_PAGE}
        if cluster == cluster_arn and state.get("next"):
            kwargs["nextToken"] = state["next"]
        with translated("ecs:ListServices"):
            listed = self._ecs.list_services(**kwargs)
        arns = listed.get("serviceArns", [])
        workloads = []
        for start in range(0, len(arns), DESCRIBE_SERVICES_BATCH):
            with translated("ecs:DescribeServices"):
                described = self._ecs.describe_services(
                    cluster=cluster, services=arns[start : start + DESCRIBE_SERVICES_BATCH], include=["TAGS"]
                )
            workloads += [
                self._adapter.service_workload(service)
                for service in described["services"]
                if service.get("status") == "ACTIVE"
            ]
        if listed.get("nextToken"):
            return workloads, json.dumps({"cluster": cluster, "next": listed["nextToken"]})
        if index + 1 < len(clusters):
            return workloads, json.dumps({"cluster": clusters[index + 1]})
        return workloads, None


class LambdaFunctionLister:
    """Every Lambda function with a VPC configuration, 50 functions listed a page."""

    def __init__(self, client: LambdaClient, profile: Profile) -> None:
        self._lambda = client
        self._profile = profile

    def page(self, token: str | None) -> Page:
        """One page of ListFunctions; tags are read only for the functions in a VPC (the rest are not checked)."""
        kwargs: dict[str, Any] = {"MaxItems": LIST_FUNCTIONS_PAGE}
        if token:
            kwargs["Marker"] = token
        with translated("lambda:ListFunctions"):
            listed = self._lambda.list_functions(**kwargs)
        workloads = []
        for configuration in listed.get("Functions", []):
            if not (configuration.get("VpcConfig") or {}).get("SubnetIds"):
                continue
            with translated("lambda:ListTags"):
                tags = self._lambda.list_tags(Resource=configuration["FunctionArn"]).get("Tags", {})
            workloads.append(function_workload(self._profile, configuration, tags))
        return workloads, listed.get("NextMarker") or None


class ComputeEnvironmentLister:
    """Managed Batch compute environments, 100 a page."""

    def __init__(self, batch: BatchClient, adapter: BatchComputeEnvironmentAdapter) -> None:
        self._batch = batch
        self._adapter = adapter

    def page(self, token: str | None) -> Page:
        """One page of managed compute environments."""
        kwargs: dict[str, Any] = {"maxResults": 100}
        if token:
            kwargs["nextToken"] = token
        with translated("batch:DescribeComputeEnvironments"):
            described = self._batch.describe_compute_environments(**kwargs)
        workloads = [
            self._adapter.compute_environment_workload(environment)
            for environment in described.get("computeEnvironments", [])
            if environment.get("type") == "MANAGED"
        ]
        return workloads, described.get("nextToken") or None


class JobDefinitionLister:
    """The latest active revision of each Fargate job definition."""

    def __init__(self, batch: BatchClient, adapter: BatchJobDefinitionAdapter) -> None:
        self._batch = batch
        self._adapter = adapter

    def page(self, token: str | None) -> Page:
        """Every latest active Fargate revision, in one page (the latest is only known once all are listed)."""
        latest: dict[str, Any] = {}
        with translated("batch:DescribeJobDefinitions"):
            for page in self._batch.get_paginator("describe_job_definitions").paginate(status="ACTIVE"):
                for definition in page["jobDefinitions"]:
                    name = definition["jobDefinitionName"]
                    if name not in latest or definition["revision"] > latest[name]["revision"]:
                        latest[name] = definition
        fargate = [
            definition
            for definition in latest.values()
            if set(definition.get("platformCapabilities", [])) & FARGATE_PLATFORMS
        ]
        return [self._adapter.job_definition_workload(definition) for definition in fargate], None
