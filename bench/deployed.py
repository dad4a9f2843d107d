"""The built template's tables and queues made in a simulated account, and each function's environment as deployed.

Read from the build output, so that a variable or a table the template gains is there without touching the benchmark.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

_TABLE_KEYS = ("AttributeDefinitions", "KeySchema", "BillingMode")


@dataclass
class Deployment:
    """A stack of the template in one simulated account: parameter values and what each Ref resolves to."""

    template: Mapping[str, Any]
    stack_name: str
    parameters: dict[str, str] = field(default_factory=dict)
    refs: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        defaults = {name: str(spec.get("Default", "")) for name, spec in self.template.get("Parameters", {}).items()}
        self.parameters = {**defaults, **self.parameters}

    def condition(self, name: str) -> bool:
        """A condition of the template, with the stack's parameters."""
        return bool(self.value(self.template["Conditions"][name]))

    def value(self, node: Any) -> Any:
        """Resolve Ref, Fn::If, Fn::Equals, Fn::Not and Condition: what the environment variables use."""
        if not isinstance(node, dict):
            return node
        (function, argument), *_ = node.items()
        if function == "Ref":
            if argument == "AWS::StackName":
                return self.stack_name
            return self.parameters[argument] if argument in self.parameters else self.refs[argument]
        if function == "Condition":
            return self.condition(argument)
        if function == "Fn::If":
            name, then, otherwise = argument
            return self.value(then if self.condition(name) else otherwise)
        if function == "Fn::Equals":
            return self.value(argument[0]) == self.value(argument[1])
        if function == "Fn::Not":
            return not self.value(argument[0])
        raise ValueError(f"{function} is not resolved by the benchmark")

    def create(self, client: Callable[[str], Any]) -> None:
        """Make the template's DynamoDB tables and SQS queues (those its conditions keep) with `client(service)`."""
        for logical_id, resource in self.template["Resources"].items():
            if "Condition" in resource and not self.condition(resource["Condition"]):
                continue
            name = f"{self.stack_name}-{logical_id}"
            properties = resource.get("Properties", {})
            if resource["Type"] == "AWS::DynamoDB::Table":
                client("dynamodb").create_table(TableName=name, **{key: properties[key] for key in _TABLE_KEYS})
                self.refs[logical_id] = name
            elif resource["Type"] == "AWS::SQS::Queue":
                self.refs[logical_id] = client("sqs").create_queue(QueueName=name)["QueueUrl"]

    def environment(self, function: str) -> dict[str, str]:
        """The function's environment variables: the template's globals, then its own."""
        globals_ = self.template.get("Globals", {}).get("Function", {}).get("Environment", {}).get("Variables", {})
        own = self.template["Resources"][function]["Properties"].get("Environment", {}).get("Variables", {})
        return {name: str(self.value(value)) for name, value in {**globals_, **own}.items()}
