"""The Lambda functions import no local tooling: cli/ and devkit/ are not in the zip, rich is not in the layer."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from vpc_remediator.cli.template import functions, load_template

ROOT = Path(__file__).resolve().parents[2]
# Modules the build leaves out (src/Makefile) or the layer does not have (requirements/lambda.lock).
LOCAL_ONLY = ("vpc_remediator.cli", "vpc_remediator.devkit", "rich", "moto", "yaml")

IMPORT_HANDLERS = """
import importlib, json, sys
for handler in sys.argv[1:]:
    module, _, attribute = handler.rpartition(".")
    getattr(importlib.import_module(module), attribute)
print(json.dumps(sorted(sys.modules)))
"""


def test_no_handler_imports_the_cli_the_devkit_or_their_libraries() -> None:
    handlers = sorted({str(props["Handler"]) for props in functions(load_template(ROOT / "template.yaml")).values()})
    assert handlers
    # A fresh interpreter: this test process has imported the CLI already.
    result = subprocess.run(
        [sys.executable, "-c", IMPORT_HANDLERS, *handlers], capture_output=True, text=True, check=True, cwd=ROOT
    )
    loaded = json.loads(result.stdout)
    leaked = [name for name in loaded if any(name == top or name.startswith(f"{top}.") for top in LOCAL_ONLY)]
    assert leaked == []
