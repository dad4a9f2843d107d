"""Cold start: import and initialise each built function in fresh interpreters, against Cloud Custodian."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import time
from pathlib import Path
from typing import Any

from bench.cli_imports import built_functions
from vpc_remediator.cli.interpreters import host_overlay

BUILD = Path(".aws-sam/build")


def importable_here(python_path: str, python: str) -> str:
    """The build's PYTHONPATH with, first, this machine's builds of its arm64-only extensions (pydantic-core)."""
    version = subprocess.run(
        [python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"], capture_output=True, text=True, check=True
    ).stdout.strip()
    overlay = host_overlay(BUILD, version)
    return os.pathsep.join(filter(None, [overlay, python_path]))


WORK = Path("bench/.work")
# The reference, pinned so that reruns compare like with like.
CUSTODIAN = "c7n==0.9.53"

# Import the handler the way Lambda's bootstrap does, and report the time and peak memory of that alone.
OURS = """
import importlib, json, sys, time
PEAK_RSS
start = time.perf_counter()
module, _, attribute = sys.argv[1].rpartition(".")
getattr(importlib.import_module(module), attribute)
elapsed = time.perf_counter() - start
print(json.dumps({"init_ms": elapsed * 1000, "max_rss_kb": peak_rss_kb()}))
"""

# Cloud Custodian's Lambda cold start: import c7n.handler, then what its dispatch_event does on the first event:
# read config.json, init_config, load the policy's resources, build and validate the policy.
CUSTODIAN_INIT = """
import json, sys, time
PEAK_RSS
start = time.perf_counter()
from c7n import handler
from c7n.policy import PolicyCollection
from c7n.resources import load_resources
from c7n.structure import StructureParser
with open(sys.argv[1]) as stream:
    data = json.load(stream)
config = handler.init_config(data)
load_resources(StructureParser().get_resource_types(data))
for policy in PolicyCollection.from_data(data, config):
    policy.validate()
elapsed = time.perf_counter() - start
print(json.dumps({"init_ms": elapsed * 1000, "max_rss_kb": peak_rss_kb()}))
"""

# VmHWM is this process's own peak: ru_maxrss would also count the parent it was forked from.
PEAK_RSS_SOURCE = """
def peak_rss_kb():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
"""
OURS = OURS.replace("PEAK_RSS", PEAK_RSS_SOURCE)
CUSTODIAN_INIT = CUSTODIAN_INIT.replace("PEAK_RSS", PEAK_RSS_SOURCE)

CUSTODIAN_POLICY = {
    "execution-options": {"account_id": "123456789012", "metrics_enabled": False},
    "policies": [
        {
            "name": "default-vpc-deleted",
            "resource": "aws.vpc",
            "mode": {
                "type": "cloudtrail",
                "role": "arn:aws:iam::123456789012:role/custodian",
                "events": [{"source": "ec2.amazonaws.com", "event": "DeleteVpc", "ids": "requestParameters.vpcId"}],
            },
            "filters": [{"IsDefault": True}],
        }
    ],
}


def _runs(command: list[str], env: dict[str, str], repeat: int) -> dict[str, Any]:
    samples, rss, wall = [], [], []
    for _ in range(repeat):
        start = time.perf_counter()
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
        wall.append((time.perf_counter() - start) * 1000)
        measured = json.loads(result.stdout.strip().splitlines()[-1])
        samples.append(measured["init_ms"])
        rss.append(measured["max_rss_kb"])
    return {
        "init_ms_median": statistics.median(samples),
        "process_ms_median": statistics.median(wall),
        "max_rss_mb_median": statistics.median(rss) / 1024,
        "runs": repeat,
    }


def custodian_python(python: str) -> str:
    """A throwaway environment with Cloud Custodian, made (once) with the same interpreter."""
    venv = WORK / f"c7n-{Path(python).parent.parent.name}"
    binary = venv / "bin" / "python"
    if not binary.exists():
        subprocess.run([python, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(binary), "-m", "pip", "install", "-q", CUSTODIAN], check=True)
    return str(binary)


def measure(python: str, repeat: int) -> dict[str, Any]:
    """Median cold start of every built function and of the reference, in fresh interpreters."""
    base_env = {
        "PATH": os.environ.get("PATH", ""),
        "AWS_DEFAULT_REGION": "us-east-1",
        "STACK_NAME": "bench",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    results: dict[str, Any] = {}
    for function in built_functions(BUILD):
        env = {**base_env, "PYTHONPATH": importable_here(function.python_path, python)}
        # -S: only the build output and the layer, as in Lambda; no site-packages of this machine.
        results[function.name] = _runs([python, "-S", "-c", OURS, function.handler], env, repeat)
    WORK.mkdir(parents=True, exist_ok=True)
    policy = WORK / "c7n-config.json"
    policy.write_text(json.dumps(CUSTODIAN_POLICY))
    reference = _runs([custodian_python(python), "-c", CUSTODIAN_INIT, str(policy)], base_env, repeat)
    return {"functions": results, "reference": {"name": f"Cloud Custodian c7n.handler ({CUSTODIAN})", **reference}}
