"""Import every built function's handler from .aws-sam/build in a fresh interpreter of the runtime's Python."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from vpc_remediator.cli.interpreters import find_python, host_overlay
from vpc_remediator.cli.template import built_functions

BUILD = Path(".aws-sam/build")
IMPORT_HANDLER = """
import importlib, sys
module, _, attribute = sys.argv[1].rpartition(".")
handler = getattr(importlib.import_module(module), attribute)
assert callable(handler), sys.argv[1]
print(f"imported {sys.argv[1]} with Python {sys.version.split()[0]}")
"""


def main() -> int:
    """Exit non-zero when a handler does not import."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--python-version", required=True)
    version = parser.parse_args().python_version
    python = find_python(version)
    if python is None:
        print(f"smoke: no Python {version} on this machine, skipped")
        return 0
    env = {
        "PATH": os.environ.get("PATH", ""),
        "STACK_NAME": "smoke",
        # Import what was built, exactly: write no bytecode into the build output.
        "PYTHONDONTWRITEBYTECODE": "1",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    overlay = host_overlay(BUILD, version)
    failures = 0
    for function in built_functions(BUILD):
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [overlay, function.python_path]))
        result = subprocess.run(
            [python, "-S", "-c", IMPORT_HANDLER, function.handler], env=env, capture_output=True, text=True, check=False
        )
        print(f"smoke {function.name}: {(result.stdout or result.stderr).strip().splitlines()[-1]}")
        failures += result.returncode != 0
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
