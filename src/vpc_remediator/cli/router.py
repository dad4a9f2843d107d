"""Route an event through template.yaml's rules with moto's EventBridge pattern implementation."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from moto.events.models import EventPattern

from vpc_remediator.cli.template import Rule, eventbridge_rules, load_template, resolve


@dataclass(frozen=True)
class Router:
    """The rules of one template, for one stack name."""

    rules: tuple[Rule, ...]
    stack_name: str

    @classmethod
    def from_template(cls, path: Path, stack_name: str) -> Router:
        """Load the rules of a template file."""
        return cls(tuple(eventbridge_rules(load_template(path))), stack_name)

    def matching(self, event: Mapping[str, Any]) -> list[Rule]:
        """The rules whose pattern matches the event, as EventBridge would evaluate them in that account."""
        pseudo = {
            "AWS::StackName": self.stack_name,
            "AWS::AccountId": str(event.get("account", "")),
            "AWS::Region": str(event.get("region", "")),
            "AWS::Partition": "aws",
        }
        matched = []
        for rule in self.rules:
            pattern = EventPattern.load(json.dumps(resolve(rule.pattern, pseudo)))
            if pattern.matches_event(cast(Any, dict(event))):
                matched.append(rule)
        return matched
