"""The composition root: clients, adapters, readers and the ledger of one region, built in one place.

Handlers, the CLI and the tests get a `Region` from `region_for`; use cases never build a client. Clients are made
lazily, only for the services an event needs, and kept for the life of the process; readers and adapters are made
fresh for each use, so a warm Lambda never acts on what an earlier invocation read.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from vpc_remediator.remediation.delivery import DeliveryLog, MemoryDeliveryLog
from vpc_remediator.remediation.ports import (
    ApprovalStore,
    Ledger,
    MemoryApprovalStore,
    MemoryLedger,
    PlacementServices,
)
from vpc_remediator.settings import Settings, get_settings
from vpc_remediator.workloads import registry
from vpc_remediator.workloads.kind import Lister, WorkloadAdapter, WorkloadKind

if TYPE_CHECKING:
    from vpc_remediator.aws.clients import ClientFactory
    from vpc_remediator.aws.ec2 import DefaultVpcAdapter
    from vpc_remediator.aws.network import NetworkReader
    from vpc_remediator.aws.organization import ExecRoleCredentials, OrganizationAccounts
    from vpc_remediator.aws.pricing import PriceListReader
    from vpc_remediator.aws.reports_queue import ReportQueue
    from vpc_remediator.remediation.approval_worker import ChangeMessages
    from vpc_remediator.remediation.interactivity import ClickPorts
    from vpc_remediator.remediation.notifier import NotifierPorts


@dataclass
class AwsRegion:
    """One region's settings, client factory and kinds: builds what the use cases read and write through."""

    settings: Settings
    clients: ClientFactory
    kinds: tuple[WorkloadKind, ...] = field(default_factory=lambda: registry.KINDS)
    # Without a ledger table (the local command) decisions are kept for the life of the process.
    memory_ledger: MemoryLedger = field(default_factory=MemoryLedger)
    memory_approvals: MemoryApprovalStore = field(default_factory=MemoryApprovalStore)
    # The account the functions run in; asked of STS once when nobody told (a Lambda knows it from its own ARN).
    account_id: str | None = None
    # A member account's region (organization mode): the hub's own clients, for what lives in the hub (the ledger,
    # the Price List, the sweep's hand-over); `clients` act in the member through the exec role.
    hub: ClientFactory | None = None
    _prices: PriceListReader | None = field(default=None, init=False, repr=False)

    @property
    def _own(self) -> ClientFactory:
        return self.hub or self.clients

    def ledger(self) -> Ledger:
        """The DynamoDB ledger when a table is configured, else the process's memory."""
        if not self.settings.ledger_table:
            return self.memory_ledger
        from vpc_remediator.aws.ledger import DynamoDbLedger  # noqa: PLC0415  (DynamoDB only when configured)

        return DynamoDbLedger(self._own.dynamodb(), self.settings.ledger_table)

    def approvals(self) -> ApprovalStore:
        """Pending changes: in the ledger table (keys of their own) when configured, else the process's memory."""
        if not self.settings.ledger_table:
            return self.memory_approvals
        from vpc_remediator.aws.approvals import DynamoDbApprovalStore  # noqa: PLC0415

        return DynamoDbApprovalStore(self._own.dynamodb(), self.settings.ledger_table)

    def adapters(self) -> Callable[[str], WorkloadAdapter]:
        """Kind name → its adapter, each made on first use (an ECS event builds no Lambda client)."""
        by_name = {kind.name: kind for kind in self.kinds}

        @functools.cache
        def adapter(name: str) -> WorkloadAdapter:
            if name not in by_name:
                raise KeyError(f"no workload kind named {name!r} is registered")
            return by_name[name].adapter(self.clients)

        return adapter

    def network_reader(self) -> NetworkReader:
        """A fresh reader of VPC networks."""
        from vpc_remediator.aws.network import NetworkReader  # noqa: PLC0415

        return NetworkReader(self.clients.ec2())

    def placement_services(self) -> PlacementServices:
        """Adapters, readers and the ledger for one event or one sweep."""
        from vpc_remediator.aws.security_groups import SecurityGroupReader  # noqa: PLC0415

        return PlacementServices(
            self.adapters(),
            self.network_reader(),
            SecurityGroupReader(self.clients.ec2()),
            self.ledger(),
            prices=self.price_source(),
            approvals=self.approvals(),
        )

    def price_source(self) -> PriceListReader:
        """NAT gateway prices from the Price List API, else the price table's: one reader, whose cache keeps each
        region's prices for the day, for as long as this region object lives (a warm Lambda's process)."""
        if self._prices is None:
            from vpc_remediator.aws.pricing import PriceListReader  # noqa: PLC0415

            self._prices = PriceListReader(self._own.pricing)
        return self._prices

    def default_vpc(self) -> DefaultVpcAdapter:
        """The default VPC's adapter."""
        from vpc_remediator.aws.ec2 import DefaultVpcAdapter  # noqa: PLC0415

        return DefaultVpcAdapter(self.clients.ec2(), creator=self.clients.ec2_single_attempt())

    def sweep_listers(self, services: PlacementServices) -> list[tuple[str, Lister]]:
        """(phase, lister) of every kind with a sweep, listing through the same adapters the services use."""
        return [
            (kind.sweep.phase, kind.sweep.lister(self.clients, services.adapter(kind.name)))
            for kind in self.kinds
            if kind.sweep is not None
        ]

    def continue_sweep(self, function_arn: str, payload: dict[str, Any]) -> None:
        """Invoke the sweep function again, asynchronously, with the cursor."""
        from vpc_remediator.aws.functions import invoke_async  # noqa: PLC0415

        invoke_async(self._own.lambda_(), function_arn, payload)

    def account(self) -> str:
        """The account of the credentials (STS GetCallerIdentity, once per region object, needs no permission)."""
        if self.account_id is None:
            from vpc_remediator.aws.identity import caller_identity  # noqa: PLC0415

            self.account_id, _ = caller_identity(self.clients.sts())
        return self.account_id

    def region_name(self) -> str | None:
        """The region the clients are made for."""
        return self.clients.region

    def organization_member(self, account: str) -> str | None:
        """The Organizations name of an active account of the organization, or None when it is not one."""
        return organization_accounts(self._own).name_of(account)

    def organization_members(self) -> dict[str, str]:
        """Every active account of the organization, id → name, read afresh (the sweep's list)."""
        return organization_accounts(self._own).active(fresh=True)

    def queue_sweeps(self, messages: list[dict[str, Any]]) -> list[str]:
        """Send the organization sweep's messages (one per account and region) to the sweep queue."""
        from vpc_remediator.aws.sweep_queue import SweepQueue  # noqa: PLC0415
        from vpc_remediator.domain.errors import ConfigurationError  # noqa: PLC0415

        url = self.settings.org.sweep_queue_url
        if url is None:
            raise ConfigurationError("the sweep queue (SWEEP_QUEUE_URL) is required when Mode is organization")
        return SweepQueue(self._own.sqs(), url).send(messages)

    def member(self, account: str, region: str) -> AwsRegion:
        """The region of a member account, acted on through its exec role (AccessDeniedError when STS refuses);
        DryRunAccounts only report there."""
        return member_region(self, account, region)


@functools.cache
def _region(name: str | None, settings: Settings) -> AwsRegion:
    from vpc_remediator.aws.clients import ClientFactory  # noqa: PLC0415  (boto3 only once a region is needed)

    return AwsRegion(
        settings, ClientFactory(region=name), memory_ledger=_MEMORY_LEDGER[0], memory_approvals=_MEMORY_APPROVALS[0]
    )


# One memory ledger (and store of pending changes) per process, whatever the settings (the demo switches modes).
_MEMORY_LEDGER = [MemoryLedger()]
_MEMORY_APPROVALS = [MemoryApprovalStore()]
# Organization mode, per process: the accounts list and the exec role's credentials (one AssumeRole per account and
# credential lifetime), and the member regions built on them.
_ORGANIZATION: dict[str, Any] = {}


def organization_accounts(hub: ClientFactory) -> OrganizationAccounts:
    """The process's list of the organization's accounts (read through the hub's own credentials)."""
    if "accounts" not in _ORGANIZATION:
        from vpc_remediator.aws.organization import OrganizationAccounts  # noqa: PLC0415

        _ORGANIZATION["accounts"] = OrganizationAccounts(hub.organizations)
    accounts: OrganizationAccounts = _ORGANIZATION["accounts"]
    return accounts


def exec_role_credentials(hub: ClientFactory, settings: Settings) -> ExecRoleCredentials:
    """The process's cache of the exec role's credentials, per account."""
    key = f"credentials/{settings.org.exec_role_name}"
    if key not in _ORGANIZATION:
        from vpc_remediator.aws.organization import ExecRoleCredentials, session_name  # noqa: PLC0415
        from vpc_remediator.domain.partition import partition_of  # noqa: PLC0415

        partition = partition_of(None, hub.region)
        _ORGANIZATION[key] = ExecRoleCredentials(
            hub.sts, settings.org.exec_role_name, session_name(settings.function_name), partition
        )
    credentials: ExecRoleCredentials = _ORGANIZATION[key]
    return credentials


def member_region(hub: AwsRegion, account: str, region: str) -> AwsRegion:
    """A member's region with the exec role's current credentials; its clients are kept while those are."""
    from vpc_remediator.aws.clients import ClientFactory  # noqa: PLC0415

    own = hub.hub or hub.clients
    credentials = exec_role_credentials(own, hub.settings).for_account(account)
    key = f"member/{account}/{region}"
    kept = _ORGANIZATION.get(key)
    if kept is not None and kept[0] is credentials and kept[1].settings.dry_run == hub.settings.dry_run_in(account):
        member: AwsRegion = kept[1]
        return member
    settings = replace(hub.settings, dry_run=hub.settings.dry_run_in(account))
    clients = ClientFactory(region=region, credentials=credentials.client_arguments())
    member = AwsRegion(
        settings, clients, hub.kinds, hub.memory_ledger, hub.memory_approvals, account_id=account, hub=own
    )
    _ORGANIZATION[key] = (credentials, member)
    return member


def boto3_session() -> Any:
    """The process's boto3 session, for the libraries that make their own clients (Powertools idempotency)."""
    from vpc_remediator.aws.clients import shared_session  # noqa: PLC0415

    return shared_session()


def region_for(name: str | None = None) -> AwsRegion:
    """The process's Region for a region name (None: the session's region), with the current settings."""
    return _region(name or None, get_settings())


def memory_ledger() -> MemoryLedger:
    """The process's memory ledger (used when no ledger table is configured)."""
    return _MEMORY_LEDGER[0]


def reset_organization() -> None:
    """Forget the organization's accounts and the exec role's credentials (the demo, between modes)."""
    _ORGANIZATION.clear()


def reset() -> None:
    """Forget every client, region and the memory ledger (tests start each case afresh; the CLI between runs)."""
    _region.cache_clear()
    _ORGANIZATION.clear()
    _MEMORY_LEDGER[0] = MemoryLedger()
    _MEMORY_APPROVALS[0] = MemoryApprovalStore()
    _MEMORY_DELIVERY_LOG[0] = MemoryDeliveryLog()


# Which reports this process posted to Slack, where no ledger table keeps it (local runs).
_MEMORY_DELIVERY_LOG = [MemoryDeliveryLog()]


def delivery_log() -> DeliveryLog:
    """The notifier's delivery log: in the ledger table (its own key prefix) when configured, else in memory."""
    table = get_settings().ledger_table
    if not table:
        return _MEMORY_DELIVERY_LOG[0]
    from vpc_remediator.aws.delivery_log import DynamoDbDeliveryLog  # noqa: PLC0415

    return DynamoDbDeliveryLog(region_for().clients.dynamodb(), table)


def notifier_ports() -> NotifierPorts:
    """The Slack webhook, the delivery log, and the reports dead-letter queue for records that are not reports."""
    from vpc_remediator.remediation.notifier import NotifierPorts  # noqa: PLC0415

    url = get_settings().reports_dead_letter_queue_url
    if url is None:
        return NotifierPorts(webhook_url, delivery_log())
    from vpc_remediator.aws.reports_queue import DeadLetters  # noqa: PLC0415

    return NotifierPorts(webhook_url, delivery_log(), DeadLetters(region_for().clients.sqs(), url).keep)


def reports_queue(url: str) -> ReportQueue:
    """The sender of reports to the notifier's queue, on the session's region."""
    from vpc_remediator.aws.reports_queue import ReportQueue  # noqa: PLC0415

    return ReportQueue(region_for().clients.sqs(), url)


def webhook_url(secret_arn: str) -> str:
    """The Slack webhook URL kept in Secrets Manager (read through Powertools parameters, cached by them)."""
    from vpc_remediator.aws.secrets import webhook_url as read_webhook_url  # noqa: PLC0415

    return read_webhook_url(secret_arn)


def signing_secret() -> str:
    """Slack's signing secret, from Secrets Manager (cached 5 minutes); an error when none is configured."""
    from vpc_remediator.domain.errors import ConfigurationError  # noqa: PLC0415

    arn = get_settings().slack_signing_secret_arn
    if arn is None:
        raise ConfigurationError("SlackSigningSecretArn (SLACK_SIGNING_SECRET_ARN) is required to accept clicks")
    from vpc_remediator.aws.secrets import secret_text  # noqa: PLC0415

    return secret_text(arn, "SlackSigningSecretArn")


def click_ports() -> ClickPorts:
    """The interactivity endpoint's ports: the signing secret, the pending changes, the approval queue."""
    from vpc_remediator.aws.reports_queue import send_one  # noqa: PLC0415
    from vpc_remediator.remediation.interactivity import ClickPorts  # noqa: PLC0415

    url = get_settings().approval_queue_url
    region = region_for()

    def queue(item: dict[str, Any]) -> None:
        if url is None:
            raise RuntimeError("ApprovalQueue (APPROVAL_QUEUE_URL) is not configured")
        send_one(region.clients.sqs(), url, item)

    return ClickPorts(signing_secret, region.approvals(), queue)


def change_messages() -> ChangeMessages | None:
    """The Slack app's bot (SlackBotTokenSecretArn) posting to SlackChannelId, or None without a bot token."""
    settings = get_settings()
    if settings.slack_bot_token_secret_arn is None:
        return None
    from vpc_remediator.aws.secrets import secret_text  # noqa: PLC0415
    from vpc_remediator.notify.slack_app import SlackApp  # noqa: PLC0415
    from vpc_remediator.remediation.approval_worker import ChangeMessages  # noqa: PLC0415

    token = secret_text(settings.slack_bot_token_secret_arn, "SlackBotTokenSecretArn")
    app = SlackApp(token, settings.slack_api_url, local_allowed=not settings.in_lambda)
    return ChangeMessages(app, settings.slack_channel_id)
