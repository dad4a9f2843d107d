"""NAT gateway prices from the AWS Price List Query API (pricing:GetProducts), cached per region for a day.

The NAT gateway is a product of the AmazonEC2 offer: product family "NAT Gateway", one product per region whose usage
type is `NatGateway-Hours` (the hourly charge, unit Hrs) and one `NatGateway-Bytes` (data processed, unit GB), both
with the region's billing prefix except in us-east-1 (`EUC1-NatGateway-Hours` in eu-central-1). Products are matched
by `regionCode` and by that suffix, so no prefix table is needed. When the API cannot answer (denied, unreachable, a
partition without it, an answer that does not read as exactly one price of each), the price table is used and the
report says why: advice never waits on, nor fails for, the Price List.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, Protocol

from botocore.exceptions import BotoCoreError, ClientError

from vpc_remediator.aws.errors import error_code
from vpc_remediator.domain.nat import NatPrices, table_prices
from vpc_remediator.domain.partition import DEFAULT as COMMERCIAL_PARTITION
from vpc_remediator.domain.partition import partition_of

SERVICE_CODE = "AmazonEC2"
PRODUCT_FAMILY = "NAT Gateway"
HOURS_USAGE, HOURS_UNIT = "NatGateway-Hours", "Hrs"
BYTES_USAGE, BYTES_UNIT = "NatGateway-Bytes", "GB"
# The Price List Query API's endpoints in the commercial partition (China's answers in CNY: the table is in USD).
ENDPOINT_REGIONS = ("us-east-1", "eu-central-1", "ap-south-1")
# A region whose prices could not be read is tried again after this long, not at every report.
RETRY_AFTER = timedelta(minutes=15)
# The NAT gateway family holds a handful of products per region: more pages than this means the filter went wrong.
MAX_PAGES = 5


class PricingApi(Protocol):
    """The one call of boto3's pricing client that this reader makes."""

    def get_products(self, **kwargs: Any) -> Mapping[str, Any]:
        """pricing:GetProducts."""
        ...


def endpoint_region(region: str) -> str:
    """The nearest Price List endpoint: Frankfurt for Europe, the Middle East and Africa, Mumbai for Asia Pacific."""
    if region.startswith(("eu-", "me-", "af-", "il-")):
        return "eu-central-1"
    if region.startswith("ap-"):
        return "ap-south-1"
    return "us-east-1"


class UnreadablePricesError(Exception):
    """The Price List's answer does not give exactly one price of each kind."""


@dataclass
class PriceCache:
    """A warm Lambda's memory: the prices of each region for the day they were read, and regions to leave alone."""

    prices: dict[tuple[str, str], NatPrices] = field(default_factory=dict)
    failed: dict[str, tuple[datetime, str]] = field(default_factory=dict)


def _usage_kind(usage_type: str) -> str | None:
    for suffix in (HOURS_USAGE, BYTES_USAGE):
        if usage_type == suffix or usage_type.endswith(f"-{suffix}"):
            return suffix
    return None


def _on_demand_prices(entry: Mapping[str, Any]) -> Iterator[tuple[str, Decimal, str]]:
    """(unit, USD price, effective date) of each on-demand price dimension of one product."""
    for term in entry["terms"]["OnDemand"].values():
        effective = str(term.get("effectiveDate", ""))[:10]
        for dimension in term["priceDimensions"].values():
            yield str(dimension["unit"]), Decimal(str(dimension["pricePerUnit"]["USD"])), effective


def parse_nat_prices(price_list: list[str], region: str) -> tuple[Decimal, Decimal, str]:
    """(per hour, per GB, effective date) of the region's NAT gateway from GetProducts' PriceList (JSON strings)."""
    found: dict[str, set[Decimal]] = {HOURS_USAGE: set(), BYTES_USAGE: set()}
    dates: set[str] = set()
    expected_unit = {HOURS_USAGE: HOURS_UNIT, BYTES_USAGE: BYTES_UNIT}
    for text in price_list:
        entry = json.loads(text)
        attributes = entry["product"]["attributes"]
        kind = _usage_kind(str(attributes.get("usagetype", "")))
        if kind is None or attributes.get("regionCode") != region:
            continue
        for unit, price, effective in _on_demand_prices(entry):
            if unit == expected_unit[kind] and price > 0:
                found[kind].add(price)
                dates.add(effective)
    if len(found[HOURS_USAGE]) != 1 or len(found[BYTES_USAGE]) != 1:
        counts = ", ".join(f"{len(prices)} {kind} prices" for kind, prices in found.items())
        raise UnreadablePricesError(f"the Price List gave {counts} for {region}, not one of each")
    (hour,), (gb,) = found[HOURS_USAGE], found[BYTES_USAGE]
    return hour, gb, max(dates)


@dataclass
class PriceListReader:
    """NAT gateway prices for a region: the Price List API's, read once a day per region, else the price table's."""

    client_for: Callable[[str], PricingApi]  # endpoint region → a pricing client there
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    # The composition root keeps one reader per region for the life of the process (a warm Lambda's memory).
    cache: PriceCache = field(default_factory=PriceCache)

    def nat_prices(self, region: str | None) -> NatPrices:
        """The region's prices and their source; never raises: the table stands in and says why."""
        if not region:
            return table_prices(region, "the region is not known")
        if partition_of(None, region) != COMMERCIAL_PARTITION:
            return table_prices(region, f"its list prices in USD cover the {COMMERCIAL_PARTITION} partition only")
        now = self.clock()
        today = now.date().isoformat()
        cached = self.cache.prices.get((region, today))
        if cached is not None:
            return cached
        failed = self.cache.failed.get(region)
        if failed is not None and now < failed[0]:
            return table_prices(region, failed[1])
        try:
            prices = self._read(region, today)
        except (
            ClientError,
            BotoCoreError,
            UnreadablePricesError,
            ValueError,
            KeyError,
            TypeError,
            ArithmeticError,
        ) as exc:
            why = _why(exc)
            self.cache.failed[region] = (now + RETRY_AFTER, why)
            return table_prices(region, why)
        self.cache.failed.pop(region, None)
        self.cache.prices[(region, today)] = prices
        return prices

    def _read(self, region: str, today: str) -> NatPrices:
        endpoint = endpoint_region(region)
        client = self.client_for(endpoint)
        price_list: list[str] = []
        request: dict[str, Any] = {
            "ServiceCode": SERVICE_CODE,
            "FormatVersion": "aws_v1",
            "Filters": [
                {"Type": "TERM_MATCH", "Field": "productFamily", "Value": PRODUCT_FAMILY},
                {"Type": "TERM_MATCH", "Field": "regionCode", "Value": region},
            ],
            "MaxResults": 100,
        }
        for _ in range(MAX_PAGES):
            page = client.get_products(**request)
            price_list.extend(page.get("PriceList", []))
            if not page.get("NextToken"):
                break
            request["NextToken"] = page["NextToken"]
        else:
            raise UnreadablePricesError(f"more than {MAX_PAGES} pages of NAT gateway products")
        hour, gb, effective = parse_nat_prices(price_list, region)
        source = f"AWS Price List API (pricing:GetProducts at {endpoint}; on-demand prices effective {effective})"
        return NatPrices(region, hour, gb, source, today)


def _why(exc: Exception) -> str:
    if isinstance(exc, ClientError):
        code = error_code(exc)
        return f"pricing:GetProducts was denied ({code})" if "AccessDenied" in code else f"pricing:GetProducts: {code}"
    if isinstance(exc, BotoCoreError):
        return f"the Price List API was not reachable ({type(exc).__name__})"
    if isinstance(exc, UnreadablePricesError):
        return str(exc)
    return f"its answer could not be read ({type(exc).__name__})"
