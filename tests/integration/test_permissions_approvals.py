"""The interactivity endpoint's and the approval worker's IAM permissions in template.yaml, against the calls their
code makes in the approve, reject and undo flow (moto enforces no IAM: the calls are recorded, as in
test_permissions.py)."""

from __future__ import annotations

from tests.integration.test_approve_from_slack import USER, Account, account, post_click, work
from tests.integration.test_permissions import IAM_ACTION, LAMBDA_ITSELF, granted_actions
from tests.integration.test_placement import service_event
from vpc_remediator import bootstrap
from vpc_remediator.aws import secrets
from vpc_remediator.bootstrap import region_for
from vpc_remediator.cli.local import LocalContext
from vpc_remediator.devkit.api_calls import counting
from vpc_remediator.devkit.function_url import LocalFunctionUrl
from vpc_remediator.remediation.entry import Home, on_placement_event
from vpc_remediator.settings import get_settings

__all__ = ["account"]  # the simulated account in approve mode, a fixture

_EVENT_SOURCE = "Lambda's SQS event source calls it with the function's role, the code never does"


def fresh_clients() -> None:
    """Clients made before counting would not be counted: a new region has new clients."""
    bootstrap.reset()
    get_settings.cache_clear()
    secrets.clear_cache()


def test_the_endpoint_calls_exactly_what_it_is_granted_and_the_worker_nothing_more(account: Account) -> None:
    from vpc_remediator.handlers.interactivity import lambda_handler  # noqa: PLC0415  (after the environment)

    event = service_event(account, "web", account.topo.isolated, False)  # type: ignore[arg-type]
    (pending,) = on_placement_event(event, region_for, delays=(0,), sleep=lambda _: None, home=Home("123456789012"))
    change_id = str(pending.change_id)
    fresh_clients()
    with counting() as endpoint_calls, LocalFunctionUrl(lambda_handler, LocalContext("InteractivityFunction")) as url:
        assert post_click(url.url, change_id, "approve", user="U0STRANGER")[0] == 403
        assert post_click(url.url, change_id, "approve")[0] == 200
    fresh_clients()
    with counting() as worker_calls:
        (applied,) = work(account)
    assert applied["outcome"] == "remediated"
    fresh_clients()  # a client keeps the counters of the block it was made in
    with LocalFunctionUrl(lambda_handler, LocalContext("InteractivityFunction")) as url:
        assert post_click(url.url, change_id, "undo")[0] == 200
    fresh_clients()
    with counting() as undo_calls:
        (undone,) = work(account)
    assert undone["outcome"] == "undone"

    called = {IAM_ACTION.get(call, call) for call in endpoint_calls.calls}
    granted = granted_actions("InteractivityFunction")
    assert called == granted - set(LAMBDA_ITSELF)
    # The worker acts for any kind (the remediating functions' rights): every call it makes is granted.
    worker = {IAM_ACTION.get(call, call) for call in [*worker_calls.calls, *undo_calls.calls]}
    worker -= {"sqs:ReceiveMessage", "sqs:DeleteMessage"}  # the test's own, as the event source: granted anyway
    assert {"ecs:UpdateService", "dynamodb:GetItem", "dynamodb:PutItem"} <= worker
    assert worker <= granted_actions("ApprovalWorkerFunction")
    assert {"sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"} <= granted_actions(
        "ApprovalWorkerFunction"
    ), _EVENT_SOURCE
    assert USER in applied["actor"]
