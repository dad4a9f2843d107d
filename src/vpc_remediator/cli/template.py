"""Read template.yaml: its CloudFormation tags, pseudo-parameters, functions and EventBridge rules."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

_PSEUDO = re.compile(r"\$\{([A-Za-z0-9:]+)\}")


class _CfnLoader(yaml.SafeLoader):
    """YAML loader that keeps CloudFormation's short tags as their long form ({"Fn::Sub": ...})."""


def _tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    if suffix == "Ref":
        return {"Ref": value}
    if suffix == "GetAtt" and isinstance(value, str):
        value = value.split(".", 1)
    return {f"Fn::{suffix}": value}


_CfnLoader.add_multi_constructor("!", _tag)


def load_template(path: Path) -> dict[str, Any]:
    """Parse a CloudFormation/SAM template."""
    with path.open(encoding="utf-8") as stream:
        data = yaml.load(stream, Loader=_CfnLoader)  # noqa: S506  (a SafeLoader subclass)
    if not isinstance(data, dict):
        raise ValueError(f"{path} is not a template")
    return data


def resolve(node: Any, pseudo: Mapping[str, str]) -> Any:
    """Resolve Ref and Fn::Sub of pseudo-parameters (AWS::StackName, ...); leave anything else as it is."""
    if isinstance(node, list):
        return [resolve(item, pseudo) for item in node]
    if not isinstance(node, dict):
        return node
    if set(node) == {"Fn::Sub"} and isinstance(node["Fn::Sub"], str):
        return _PSEUDO.sub(lambda match: pseudo.get(match.group(1), match.group(0)), node["Fn::Sub"])
    if set(node) == {"Ref"} and node["Ref"] in pseudo:
        return pseudo[node["Ref"]]
    return {key: resolve(value, pseudo) for key, value in node.items()}


SCHEDULED_EVENT_PATTERN: dict[str, Any] = {"source": ["aws.events"], "detail-type": ["Scheduled Event"]}


@dataclass(frozen=True)
class Rule:
    """One EventBridge rule of a function: its pattern (pseudo-parameters unresolved) and target handler."""

    function: str
    name: str
    handler: str
    pattern: dict[str, Any]


def eventbridge_rules(template: Mapping[str, Any]) -> list[Rule]:
    """Every EventBridgeRule and Schedule event of every AWS::Serverless::Function, in template order."""
    rules = []
    for logical_id, resource in template.get("Resources", {}).items():
        if resource.get("Type") != "AWS::Serverless::Function":
            continue
        properties = resource.get("Properties", {})
        for name, event in properties.get("Events", {}).items():
            if event.get("Type") == "EventBridgeRule":
                pattern = event.get("Properties", {}).get("Pattern", {})
                rules.append(Rule(logical_id, name, properties["Handler"], pattern))
            elif event.get("Type") == "Schedule":
                # What a schedule rule delivers: an "aws.events" "Scheduled Event".
                rules.append(Rule(logical_id, name, properties["Handler"], SCHEDULED_EVENT_PATTERN))
    return rules


def functions(template: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Logical id → properties of every serverless function."""
    resources = template.get("Resources", {})
    return {
        logical_id: resource.get("Properties", {})
        for logical_id, resource in resources.items()
        if resource.get("Type") == "AWS::Serverless::Function"
    }


@dataclass(frozen=True)
class BuiltFunction:
    """A function of a `sam build` output, with the import path Lambda gives it: its code, then the layers."""

    name: str
    handler: str
    python_path: str


def built_functions(build: Path) -> list[BuiltFunction]:
    """Every function of the build output in `build` (.aws-sam/build)."""
    template = load_template(build / "template.yaml")
    layers = [
        build / name / "python"
        for name, resource in template["Resources"].items()
        if resource["Type"] == "AWS::Serverless::LayerVersion"
    ]
    return [
        BuiltFunction(
            name,
            str(properties["Handler"]),
            os.pathsep.join(str(path.resolve()) for path in [build / str(properties["CodeUri"]), *layers]),
        )
        for name, properties in functions(template).items()
    ]
