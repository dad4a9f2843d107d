"""The delivery log in the ledger table: one small item per report id posted to Slack, under its own key prefix.

A conditional write claims a report before it is posted, so two notifier invocations that received the same report
(SQS delivers at least once; a retried SendMessageBatch queues it twice) never both post it; the item then says
"posted" until its TTL, past the reports queues' retention, so a redelivery is recognised.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError

from vpc_remediator.aws.errors import botocore_error, error_code, translated
from vpc_remediator.domain.delivery import CLAIM_SECONDS, Claim

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

# Apart from every resource's audit trail (ARNs): the notifier's role may write only keys with this prefix.
KEY_PREFIX = "slack-delivery/"
SORT_KEY = "delivery"
# The reports dead-letter queue keeps a message 14 days: a report redriven from it is still recognised.
RETENTION = timedelta(days=15)
_CLAIM_CONDITION = "attribute_not_exists(#r) OR (#state = :taken AND #until < :now)"


class DynamoDbDeliveryLog:
    """Items {resource: slack-delivery/<report id>, at: delivery, state, until, expires_at} in the ledger table."""

    def __init__(self, client: DynamoDBClient, table: str, clock: Callable[[], float] = time.time) -> None:
        self._client = client
        self._table = table
        self._clock = clock

    def _key(self, report_id: str) -> dict[str, dict[str, str]]:
        return {"resource": {"S": KEY_PREFIX + report_id}, "at": {"S": SORT_KEY}}

    def claim(self, report_id: str) -> Claim:
        """Take the report (a conditional put), or say who has it: posted, or another invocation's live claim."""
        now = int(self._clock())
        item = {
            **self._key(report_id),
            "state": {"S": Claim.TAKEN.value},
            "until": {"N": str(now + CLAIM_SECONDS)},
            "expires_at": {"N": str(now + int(RETENTION.total_seconds()))},
        }
        try:
            self._client.put_item(
                TableName=self._table,
                Item=item,
                ConditionExpression=_CLAIM_CONDITION,
                ExpressionAttributeNames={"#r": "resource", "#state": "state", "#until": "until"},
                ExpressionAttributeValues={":taken": {"S": Claim.TAKEN.value}, ":now": {"N": str(now)}},
            )
        except ClientError as exc:
            if error_code(exc) == "ConditionalCheckFailedException":
                return self._holder(report_id)
            with translated("dynamodb:PutItem"):
                raise
        except BotoCoreError as exc:
            raise botocore_error("dynamodb:PutItem", exc) from exc
        return Claim.TAKEN

    def _holder(self, report_id: str) -> Claim:
        with translated("dynamodb:GetItem"):
            found = self._client.get_item(TableName=self._table, Key=self._key(report_id), ConsistentRead=True)
        state = found.get("Item", {}).get("state", {}).get("S")
        return Claim.POSTED if state == Claim.POSTED.value else Claim.BUSY

    def posted(self, report_id: str) -> None:
        """Mark it posted (until the TTL)."""
        now = int(self._clock())
        item = {
            **self._key(report_id),
            "state": {"S": Claim.POSTED.value},
            "until": {"N": "0"},
            "expires_at": {"N": str(now + int(RETENTION.total_seconds()))},
        }
        with translated("dynamodb:PutItem"):
            self._client.put_item(TableName=self._table, Item=item)

    def release(self, report_id: str) -> None:
        """End this claim now, so the next try may take the report (a put: the role may not delete)."""
        now = int(self._clock())
        item = {
            **self._key(report_id),
            "state": {"S": Claim.TAKEN.value},
            "until": {"N": str(now - 1)},
            "expires_at": {"N": str(now + int(RETENTION.total_seconds()))},
        }
        with translated("dynamodb:PutItem"):
            self._client.put_item(TableName=self._table, Item=item)
