"""Pending changes in the ledger table, keyed `approval/<id>`, claimed once by a conditional write."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from vpc_remediator.aws.errors import error_code, translated
from vpc_remediator.domain.approval import ChangeState, NetworkState, PendingChange, Step
from vpc_remediator.domain.report import Action

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

PREFIX = "approval/"
# resource → its last change for a plan: a sweep that finds the same plan again points at the same change.
LATEST_PREFIX = "approval-of/"
RECORD = "change"
# Kept after its expiry as long as the rest of the audit trail; DynamoDB's TTL removes it then.
RETENTION = timedelta(days=90)


def _key(change_id: str) -> dict[str, Any]:
    return {"resource": {"S": PREFIX + change_id}, "at": {"S": RECORD}}


def _network(state: NetworkState | None) -> str:
    return json.dumps(state.to_dict() if state else None)


def _step_dict(step: Step) -> dict[str, str]:
    return {"at": step.at.isoformat(), "user": step.user, "click": step.click, "result": step.result}


def to_item(change: PendingChange) -> dict[str, Any]:
    """The change as one DynamoDB item."""
    plan = [{"api": action.api, "params": action.params, "undo": action.undo} for action in change.plan]
    return {
        **_key(change.change_id),
        "arn": {"S": change.resource},
        "kind": {"S": change.kind},
        "state": {"S": change.state.value},
        "plan": {"S": json.dumps(plan, default=str)},
        "plan_hash": {"S": change.plan_hash},
        "reason": {"S": change.reason},
        "created_at": {"S": change.created_at.isoformat()},
        "expires": {"S": change.expires_at.isoformat()},
        "locator": {"S": json.dumps(dict(change.locator))},
        "before": {"S": _network(change.before)},
        "after": {"S": _network(change.after)},
        "steps": {"S": json.dumps([_step_dict(step) for step in change.steps])},
        "message": {"S": json.dumps(dict(change.message))},
        "expires_at": {"N": str(int((change.expires_at + RETENTION).timestamp()))},
    }


def from_item(change_id: str, item: dict[str, Any]) -> PendingChange:
    """The change a DynamoDB item holds."""

    def text(name: str) -> str:
        return str(item.get(name, {}).get("S", ""))

    before, after = json.loads(text("before") or "null"), json.loads(text("after") or "null")
    return PendingChange(
        change_id=change_id,
        kind=text("kind"),
        resource=text("arn"),
        plan=tuple(Action(str(a["api"]), dict(a["params"]), a.get("undo")) for a in json.loads(text("plan") or "[]")),
        plan_hash=text("plan_hash"),
        reason=text("reason"),
        created_at=datetime.fromisoformat(text("created_at")),
        expires_at=datetime.fromisoformat(text("expires")),
        state=ChangeState(text("state")),
        locator=json.loads(text("locator") or "{}"),
        before=NetworkState.from_dict(before) if before else None,
        after=NetworkState.from_dict(after) if after else None,
        steps=tuple(
            Step(datetime.fromisoformat(s["at"]), s["user"], s["click"], s["result"])
            for s in json.loads(text("steps") or "[]")
        ),
        message=json.loads(text("message") or "{}"),
    )


class DynamoDbApprovalStore:
    """ApprovalStore on the ledger table."""

    def __init__(self, client: DynamoDBClient, table: str) -> None:
        self._client = client
        self._table = table

    def put(self, change: PendingChange) -> None:
        """Keep a new change (never over an existing id), then point its resource and plan to it."""
        with translated("dynamodb:PutItem"):
            self._client.put_item(
                TableName=self._table,
                Item=to_item(change),
                ConditionExpression="attribute_not_exists(#r)",
                ExpressionAttributeNames={"#r": "resource"},
            )
            self._client.put_item(
                TableName=self._table,
                Item={
                    "resource": {"S": LATEST_PREFIX + change.resource},
                    "at": {"S": change.plan_hash},
                    "change_id": {"S": change.change_id},
                    "expires_at": {"N": str(int((change.expires_at + RETENTION).timestamp()))},
                },
            )

    def pending_for(self, resource: str, plan_hash: str) -> PendingChange | None:
        """The last change kept for this resource and plan."""
        key = {"resource": {"S": LATEST_PREFIX + resource}, "at": {"S": plan_hash}}
        with translated("dynamodb:GetItem"):
            item = self._client.get_item(TableName=self._table, Key=key, ConsistentRead=True).get("Item")
        change_id = (item or {}).get("change_id", {}).get("S")
        return self.get(change_id) if change_id else None

    def get(self, change_id: str) -> PendingChange | None:
        """The change, read consistently (a click right after the post must find it)."""
        with translated("dynamodb:GetItem"):
            item = self._client.get_item(TableName=self._table, Key=_key(change_id), ConsistentRead=True).get("Item")
        return from_item(change_id, item) if item else None

    def claim(self, change_id: str, expected: ChangeState) -> bool:
        """From `expected` to claimed in one conditional write: of two clicks (or a replay) only one succeeds."""
        try:
            self._client.update_item(
                TableName=self._table,
                Key=_key(change_id),
                UpdateExpression="SET #s = :claimed",
                ConditionExpression="#s = :expected",
                ExpressionAttributeNames={"#s": "state"},
                ExpressionAttributeValues={
                    ":claimed": {"S": ChangeState.CLAIMED.value},
                    ":expected": {"S": expected.value},
                },
            )
        except ClientError as exc:
            if error_code(exc) == "ConditionalCheckFailedException":
                return False  # not in the expected state: another click (or a replay) claimed it first
            with translated("dynamodb:UpdateItem"):
                raise
        return True

    def settle(self, change: PendingChange) -> None:
        """Keep the change as its click's work left it; only a claimed change is settled (one worker per claim)."""
        with translated("dynamodb:PutItem"):
            self._client.put_item(
                TableName=self._table,
                Item=to_item(change),
                ConditionExpression="#s = :claimed",
                ExpressionAttributeNames={"#s": "state"},
                ExpressionAttributeValues={":claimed": {"S": ChangeState.CLAIMED.value}},
            )

    def audit(self, change_id: str, step: Step) -> None:
        """One click in the audit trail, beside its change: who, when, what, result."""
        with translated("dynamodb:PutItem"):
            self._client.put_item(
                TableName=self._table,
                Item={
                    "resource": {"S": PREFIX + change_id},
                    "at": {"S": f"{step.at.isoformat()}#click#{step.click}#{step.user}"},
                    "decision": {"S": f"click-{step.click}"},
                    "actor": {"S": step.user},
                    "reason": {"S": step.result},
                    "expires_at": {"N": str(int((step.at + RETENTION).timestamp()))},
                },
            )
