"""NAT gateway prices from the AWS Price List (pricing:GetProducts), cached per region for a day, with the price table
as the fallback; every report says which prices it used and of when.

moto has no Price List: botocore's Stubber answers, shaped as GetProducts answers (PriceList holds one JSON string
per product, with its on-demand terms)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from moto import mock_aws

from tests.integration.conftest import regions
from tests.support.nat_gateway import created_nat, event_for
from vpc_remediator.aws.clients import PRICING_CONFIG
from vpc_remediator.aws.pricing import PriceListReader, endpoint_region
from vpc_remediator.cli.samples import load_sample
from vpc_remediator.devkit.scenarios import REGION
from vpc_remediator.devkit.scenarios.placement import build_topology, lambda_function
from vpc_remediator.domain.nat import PRICE_TABLE_DATE
from vpc_remediator.notify.blocks import report_message
from vpc_remediator.remediation.entry import Home, on_nat_gateway_event, on_placement_event
from vpc_remediator.settings import Settings

SETTINGS = Settings(stack_name="vpc-remediator")
ACCOUNT = "123456789012"
TODAY = datetime.now(UTC).date().isoformat()


def product(sku: str, usage_type: str, unit: str, usd: str, region: str = "us-east-1", location: str = "") -> str:
    """One PriceList entry as GetProducts returns it: a JSON string (FormatVersion aws_v1)."""
    term = f"{sku}.JRTCKXETXF"
    hourly = unit == "Hrs"
    return json.dumps(
        {
            "product": {
                "productFamily": "NAT Gateway",
                "attributes": {
                    "regionCode": region,
                    "servicecode": "AmazonEC2",
                    "usagetype": usage_type,
                    "locationType": "AWS Region",
                    "location": location or "US East (N. Virginia)",
                    "servicename": "Amazon Elastic Compute Cloud",
                    "groupDescription": "Hourly charge for NAT Gateways"
                    if hourly
                    else "Charge for per GB data processed",
                    "operation": "NatGateway",
                    "group": "NGW:NatGateway",
                },
                "sku": sku,
            },
            "serviceCode": "AmazonEC2",
            "terms": {
                "OnDemand": {
                    term: {
                        "priceDimensions": {
                            f"{term}.6YS6EN2CT7": {
                                "unit": unit,
                                "endRange": "Inf",
                                "description": f"${usd} per NAT Gateway {'Hour' if hourly else 'GB processed'}",
                                "appliesTo": [],
                                "rateCode": f"{term}.6YS6EN2CT7",
                                "beginRange": "0",
                                "pricePerUnit": {"USD": usd},
                            }
                        },
                        "sku": sku,
                        "effectiveDate": "2026-11-01T00:00:00Z",
                        "offerTermCode": "JRTCKXETXF",
                        "termAttributes": {},
                    }
                }
            },
            "version": "20261120220823",
            "publicationDate": "2026-11-20T22:08:23Z",
        }
    )


US_EAST_1 = [
    product("M2YSHUBETB3JX4M4", "NatGateway-Hours", "Hrs", "0.0500000000"),
    product("Y3QXG6X3A8DQ6UWH", "NatGateway-Bytes", "GB", "0.0450000000"),
]


def request(region: str = "us-east-1", **extra: Any) -> dict[str, Any]:
    return {
        "ServiceCode": "AmazonEC2",
        "FormatVersion": "aws_v1",
        "Filters": [
            {"Type": "TERM_MATCH", "Field": "productFamily", "Value": "NAT Gateway"},
            {"Type": "TERM_MATCH", "Field": "regionCode", "Value": region},
        ],
        "MaxResults": 100,
        **extra,
    }


def answer(price_list: list[str], **extra: Any) -> dict[str, Any]:
    return {"FormatVersion": "aws_v1", "PriceList": price_list, **extra}


@pytest.fixture
def pricing() -> Iterator[tuple[Any, Stubber]]:
    """A pricing client at us-east-1 whose answers the test queues; every queued answer must be used."""
    client = boto3.client("pricing", region_name="us-east-1", config=PRICING_CONFIG)
    with Stubber(client) as stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()


def test_a_new_nat_gateway_is_priced_from_the_price_list_and_says_so(pricing: tuple[Any, Stubber]) -> None:
    client, stubber = pricing
    stubber.add_response("get_products", answer(US_EAST_1), request())
    with mock_aws():
        ec2 = boto3.client("ec2", region_name=REGION)
        gateway = created_nat(ec2)
        (report,) = on_nat_gateway_event(
            event_for(gateway), regions(SETTINGS, **{"pricing@us-east-1": client}), home=Home(ACCOUNT, REGION)
        )
    cost = report.to_dict()["details"]["nat_cost"]
    assert cost["hourly_per_az"] == 0.05 and cost["per_gb"] == 0.045  # the Price List's, not the table's 0.045
    assert cost["monthly"] == 36.5
    assert cost["price_source"].startswith("AWS Price List API (pricing:GetProducts at us-east-1")
    assert "effective 2026-11-01" in cost["price_source"]
    assert cost["price_date"] == TODAY
    assert "$36.50 a month ($0.05 an hour x 730 h)" in report.reason
    slack = json.dumps(report_message(report).payload())
    assert "NAT gateway prices: AWS Price List API (pricing:GetProducts at us-east-1" in slack
    assert f"as of {TODAY} (us-east-1)" in slack


def test_a_needs_nat_report_prices_its_advice_from_the_price_list(pricing: tuple[Any, Stubber]) -> None:
    client, stubber = pricing
    stubber.add_response("get_products", answer(US_EAST_1), request())
    with mock_aws():
        clients = {name: boto3.client(name, region_name=REGION) for name in ("ec2", "lambda", "iam")}
        topo = build_topology(clients["ec2"])
        created = lambda_function(clients["lambda"], clients["iam"], "edge", topo.edge_public, (topo.edge_sg,))
        region = regions(SETTINGS, **{"pricing@us-east-1": client})
        (report,) = on_placement_event(
            load_sample("lambda/CreateFunction20150331", **created), region, delays=(0, 0), sleep=lambda _: None
        )
    data = report.to_dict()
    assert data["outcome"] == "needs-nat"
    nat = data["details"]["nat_advice"]["nat_gateway"]
    assert nat["hourly_per_az"] == 0.05
    assert nat["monthly"] == round(0.05 * 730 * len(nat["zones"]), 2)
    assert nat["price_source"].startswith("AWS Price List API") and nat["price_date"] == TODAY


def test_prices_are_read_once_a_day_per_region() -> None:
    client = boto3.client("pricing", region_name="us-east-1", config=PRICING_CONFIG)
    now = [datetime(2026, 11, 27, 9, tzinfo=UTC)]
    reader = PriceListReader(lambda endpoint: client, clock=lambda: now[0])
    with Stubber(client) as stubber:
        stubber.add_response("get_products", answer(US_EAST_1), request())
        first, second = reader.nat_prices("us-east-1"), reader.nat_prices("us-east-1")
        stubber.assert_no_pending_responses()  # one call for both
        now[0] += timedelta(days=1)
        stubber.add_response("get_products", answer([US_EAST_1[0].replace("0.05", "0.06"), US_EAST_1[1]]), request())
        third = reader.nat_prices("us-east-1")
        stubber.assert_no_pending_responses()
    assert first == second and first.date == "2026-11-27"
    assert str(third.hour) == "0.0600000000" and third.date == "2026-11-28"


def test_a_denied_call_falls_back_to_the_table_says_why_and_is_not_repeated_at_once() -> None:
    client = boto3.client("pricing", region_name="us-east-1", config=PRICING_CONFIG)
    now = [datetime(2026, 11, 27, 9, tzinfo=UTC)]
    reader = PriceListReader(lambda endpoint: client, clock=lambda: now[0])
    with Stubber(client) as stubber:
        stubber.add_client_error(
            "get_products", "AccessDeniedException", "User is not authorized to perform: pricing:GetProducts", 400
        )
        denied = reader.nat_prices("us-east-1")
        again = reader.nat_prices("us-east-1")  # no queued answer: a second call would fail the test
        stubber.assert_no_pending_responses()
        now[0] += timedelta(minutes=16)
        stubber.add_response("get_products", answer(US_EAST_1), request())
        later = reader.nat_prices("us-east-1")
    assert str(denied.hour) == "0.045" and denied.date == PRICE_TABLE_DATE
    assert "pricing pages" in denied.source
    assert "pricing:GetProducts was denied (AccessDeniedException)" in denied.source
    assert again == denied
    assert later.source.startswith("AWS Price List API")


@pytest.mark.parametrize(
    ("price_list", "why"),
    [
        ([], "0 NatGateway-Hours prices, 0 NatGateway-Bytes prices"),
        # Two different hourly prices for one region: which one applies cannot be told, so neither is used.
        (
            [*US_EAST_1, product("ZZZZZZZZZZZZZZZZ", "NatGateway-Hours", "Hrs", "0.0700000000")],
            "2 NatGateway-Hours prices",
        ),
        (["{not json"], "could not be read (JSONDecodeError)"),
        (
            [json.dumps({"product": {"attributes": {"usagetype": "NatGateway-Hours", "regionCode": "us-east-1"}}})],
            "KeyError",
        ),
    ],
)
def test_an_answer_that_does_not_give_one_price_of_each_kind_falls_back_to_the_table(
    price_list: list[str], why: str
) -> None:
    client = boto3.client("pricing", region_name="us-east-1", config=PRICING_CONFIG)
    with Stubber(client) as stubber:
        stubber.add_response("get_products", answer(price_list), request())
        prices = PriceListReader(lambda endpoint: client).nat_prices("us-east-1")
    assert prices.date == PRICE_TABLE_DATE and str(prices.hour) == "0.045"
    assert why in prices.source


def test_a_region_is_read_at_its_nearest_endpoint_with_its_billing_prefix_and_every_page() -> None:
    assert [endpoint_region(name) for name in ("eu-west-1", "il-central-1", "ap-southeast-2", "sa-east-1")] == [
        "eu-central-1",
        "eu-central-1",
        "ap-south-1",
        "us-east-1",
    ]
    client = boto3.client("pricing", region_name="eu-central-1", config=PRICING_CONFIG)
    endpoints: list[str] = []
    frankfurt = "EU (Frankfurt)"
    pages = [
        answer(
            [product("A1", "EUC1-NatGateway-Hours", "Hrs", "0.0520000000", "eu-central-1", frankfurt)], NextToken="t2"
        ),
        answer([product("A2", "EUC1-NatGateway-Bytes", "GB", "0.0520000000", "eu-central-1", frankfurt)]),
    ]
    with Stubber(client) as stubber:
        stubber.add_response("get_products", pages[0], request("eu-central-1"))
        stubber.add_response("get_products", pages[1], request("eu-central-1", NextToken="t2"))
        prices = PriceListReader(lambda endpoint: endpoints.append(endpoint) or client).nat_prices("eu-central-1")
        stubber.assert_no_pending_responses()
    assert endpoints == ["eu-central-1"]
    assert str(prices.hour) == "0.0520000000" and str(prices.gb) == "0.0520000000"
    assert "at eu-central-1" in prices.source


def test_partitions_without_usd_list_prices_use_the_table_without_calling() -> None:
    def no_client(endpoint: str) -> Any:
        raise AssertionError("no Price List call outside the aws partition")

    for region in ("cn-north-1", "us-gov-west-1"):
        prices = PriceListReader(no_client).nat_prices(region)
        assert prices.region == "us-east-1" and "aws partition only" in prices.source
