"""Demo act: the default VPC loses a subnet and its gateway, then is deleted; the remediator puts it back."""

from __future__ import annotations

from typing import Any

from vpc_remediator.cli.demo.context import DemoContext, title
from vpc_remediator.cli.samples import load_sample
from vpc_remediator.devkit.scenarios.default_vpc import (
    attached_gateways,
    default_vpc_id,
    delete_default_vpc,
    delete_gateway,
    delete_last_default_subnet,
    main_route_table,
    make_default_vpc_work,
    vpc_subnets,
)


def picture(ec2: Any) -> str:
    """The default VPC as a person checks it."""
    vpc_id = default_vpc_id(ec2)
    if vpc_id is None:
        return "  default VPC: none"
    zones = sorted(subnet["AvailabilityZone"] for subnet in vpc_subnets(ec2, vpc_id))
    igw = next(iter(attached_gateways(ec2, vpc_id)), "none")
    routes = main_route_table(ec2, vpc_id)["Routes"]
    route = next((r for r in routes if r.get("DestinationCidrBlock") == "0.0.0.0/0"), None)
    route_text = f"{route.get('GatewayId')} ({route.get('State')})" if route else "none"
    return "\n".join(
        [
            f"  default VPC: {vpc_id}",
            f"  default subnets ({len(zones)}): {', '.join(zones)}",
            f"  internet gateway: {igw}",
            f"  0.0.0.0/0 route: {route_text}",
        ]
    )


def default_vpc_act(context: DemoContext) -> None:
    """Break the default VPC twice and let the remediator repair it."""
    ec2 = context.client("ec2")
    make_default_vpc_work(ec2)
    title("A simulated account (moto, in-process), its default VPC healthy")
    print(picture(ec2))

    subnet_id = delete_last_default_subnet(ec2)["SubnetId"]
    igw_id = delete_gateway(ec2)
    title("Someone deletes a default subnet and the internet gateway")
    print(picture(ec2))
    context.send("CloudTrail: DeleteSubnet", load_sample("ec2/DeleteSubnet", {"subnetId": subnet_id}))
    context.send(
        "CloudTrail: DeleteInternetGateway (delivered later; already repaired)",
        load_sample("ec2/DeleteInternetGateway", {"internetGatewayId": igw_id}),
    )
    title("After")
    print(picture(ec2))

    vpc_id = delete_default_vpc(ec2)
    title("Someone deletes the whole default VPC")
    print(picture(ec2))
    context.send("CloudTrail: DeleteVpc", load_sample("ec2/DeleteVpc", {"vpcId": vpc_id}))
    context.send("The same kind of call made by this stack's own role", load_sample("ec2/DeleteSubnet_own_role"))
    context.send("A call that failed for another reason", load_sample("ec2/RunInstances_failed_other"))
    title("After")
    print(picture(ec2))
