"""AWS partitions: the `aws` in ARNs and console hosts is `aws-cn` in China and `aws-us-gov` in GovCloud."""

from __future__ import annotations

import re

DEFAULT = "aws"
# Region name prefixes of the partitions other than `aws` (longest first: us-isob- before us-iso-).
_BY_REGION_PREFIX = (
    ("cn-", "aws-cn"),
    ("us-gov-", "aws-us-gov"),
    ("us-isob-", "aws-iso-b"),
    ("us-isof-", "aws-iso-f"),
    ("us-iso-", "aws-iso"),
    ("eu-isoe-", "aws-iso-e"),
)
# The console of each partition that has a public one; the page's region is in its query string.
_CONSOLES = {
    "aws": "https://{region}.console.aws.amazon.com",
    "aws-cn": "https://console.amazonaws.cn",
    "aws-us-gov": "https://console.amazonaws-us-gov.com",
}

# A region name as AWS spells them (us-east-1, ap-southeast-2, us-gov-west-1, eu-isoe-west-1). The region of an ARN or
# an event becomes part of a console link's host name: anything else could point the link at another host.
_REGION_NAME = re.compile(r"[a-z]{2}(-[a-z]+)+-[0-9]{1,2}")


def partition_of(arn: str | None, region: str | None) -> str:
    """The partition an ARN names, else the one the region belongs to."""
    if arn and arn.startswith("arn:") and arn.count(":") >= 5:
        return arn.split(":", 2)[1]
    for prefix, partition in _BY_REGION_PREFIX:
        if region and region.startswith(prefix):
            return partition
    return DEFAULT


def console_host(partition: str, region: str) -> str | None:
    """The console's base URL for a region of the partition, or None where it has no public console (or the
    region is not a region's name)."""
    template = _CONSOLES.get(partition)
    if template is None or not _REGION_NAME.fullmatch(region):
        return None
    return template.format(region=region)
