"""The DynamoDB ledger: every placement decision (the audit trail), read back for flap detection."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from vpc_remediator.aws.errors import translated
from vpc_remediator.domain.guards import INTENT, LedgerEntry
from vpc_remediator.domain.report import Report

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

# An audit trail long enough for a quarterly review; DynamoDB's TTL removes older entries.
RETENTION = timedelta(days=90)


class DynamoDbLedger:
    """Items keyed by resource (partition) and time#event (sort), with an `expires_at` TTL attribute."""

    def __init__(self, client: DynamoDBClient, table: str, retention: timedelta = RETENTION) -> None:
        self._client = client
        self._table = table
        self._retention = retention

    def history(self, resource: str, since: datetime) -> list[LedgerEntry]:
        """The resource's entries from `since` on, oldest first."""
        entries: list[LedgerEntry] = []
        with translated("dynamodb:Query"):
            pages = self._client.get_paginator("query").paginate(
                TableName=self._table,
                KeyConditionExpression="#r = :r AND #s >= :since",
                ExpressionAttributeNames={"#r": "resource", "#s": "at"},
                ExpressionAttributeValues={":r": {"S": resource}, ":since": {"S": since.isoformat()}},
            )
            for page in pages:
                for item in page.get("Items", []):
                    entries.append(
                        LedgerEntry(
                            resource=resource,
                            at=datetime.fromisoformat(item["at"]["S"].split("#", 1)[0]),
                            decision=item.get("decision", {}).get("S", ""),
                            reason=item.get("reason", {}).get("S", ""),
                            event_id=item.get("event_id", {}).get("S"),
                            actions=tuple(json.loads(item.get("actions", {}).get("S", "[]"))),
                            undo=tuple(json.loads(item.get("undo", {}).get("S", "[]"))),
                        )
                    )
        return entries

    def record(self, report: Report, at: datetime, key: str | None = None) -> None:
        """Keep one decision: resource (or `key`), time, decision, reason, actions (with undo), event id."""
        actions = [f"{action.api} {json.dumps(action.params, sort_keys=True)}" for action in report.actions]
        item = {
            "resource": {"S": key or report.resource},
            "arn": {"S": report.resource},
            # Time first so a range query reads a window; the event id keeps two decisions in one instant apart.
            "at": {"S": f"{at.isoformat()}#{report.event_id or '-'}"},
            "kind": {"S": report.kind},
            "decision": {"S": report.outcome.value},
            "reason": {"S": report.reason},
            "actions": {"S": json.dumps(actions)},
            "undo": {"S": json.dumps([action.undo for action in report.actions if action.undo])},
            "expires_at": {"N": str(int((at + self._retention).timestamp()))},
        }
        if report.event_id:
            item["event_id"] = {"S": report.event_id}
        with translated("dynamodb:PutItem"):
            self._client.put_item(TableName=self._table, Item=item)

    def record_intent(self, intent: LedgerEntry, arn: str, kind: str) -> None:
        """Keep a plan right before it is applied: a few hundred bytes (the calls and their undo, no report).

        Its sort key ends in `#intent`, so the decision recorded after the write never overwrites it.
        """
        item = {
            "resource": {"S": intent.resource},
            "arn": {"S": arn},
            "at": {"S": f"{intent.at.isoformat()}#{intent.event_id or '-'}#{INTENT}"},
            "kind": {"S": kind},
            "decision": {"S": INTENT},
            "reason": {"S": intent.reason},
            "actions": {"S": json.dumps(list(intent.actions))},
            "undo": {"S": json.dumps(list(intent.undo))},
            "expires_at": {"N": str(int((intent.at + self._retention).timestamp()))},
        }
        if intent.event_id:
            item["event_id"] = {"S": intent.event_id}
        with translated("dynamodb:PutItem"):
            self._client.put_item(TableName=self._table, Item=item)
