"""What gets installed is what was locked: every pin hashed, every install checking the hashes, the layer's lock
resolved for the runtime template.yaml declares."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from vpc_remediator.cli.template import load_template

ROOT = Path(__file__).resolve().parents[2]
LOCKS = sorted((ROOT / "requirements").glob("*.lock"))
# Files whose commands install packages: the Makefiles, sam build's layer Makefile, the scripts.
INSTALLERS = [
    ROOT / "Makefile",
    ROOT / "requirements/Makefile",
    ROOT / "src/Makefile",
    *sorted(ROOT.glob("scripts/*.sh")),
]
PIN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*(\[[^\]]*\])?==\S+$")
SHA256 = re.compile(r"^--hash=sha256:[0-9a-f]{64}$")


def requirement_lines(lock: Path) -> list[str]:
    """Each requirement of a requirements file, its continuation lines joined, comments dropped."""
    joined = lock.read_text(encoding="utf-8").replace("\\\n", " ")
    lines = (
        line.split("#", 1)[0].strip() if line.lstrip().startswith("#") else line.strip() for line in joined.splitlines()
    )
    return [line for line in lines if line]


def logical_commands(path: Path) -> list[str]:
    """A Makefile's or script's commands with their continuation lines joined, comments left out."""
    lines = (line.strip() for line in path.read_text(encoding="utf-8").replace("\\\n", " ").splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def test_every_lock_is_checked_here() -> None:
    assert [lock.name for lock in LOCKS] == ["dev.lock", "lambda.lock", "sam.lock", "scan.lock", "tools.lock"]


@pytest.mark.parametrize("lock", LOCKS, ids=[lock.name for lock in LOCKS])
def test_every_requirement_is_an_exact_pin_with_its_sha256_hashes(lock: Path) -> None:
    requirements = requirement_lines(lock)
    assert requirements
    for line in requirements:
        requirement, *options = line.split()
        assert PIN.match(requirement), f"{lock.name}: {requirement} is not pinned with =="
        assert options and all(SHA256.match(option) for option in options), f"{lock.name}: {requirement} has no hash"
    assert not any("@ file:" in line for line in requirements), "a lock installs from a local path"


def test_every_pip_install_checks_the_hashes() -> None:
    installs = [
        (path.relative_to(ROOT), command)
        for path in INSTALLERS
        for command in logical_commands(path)
        if re.search(r"(-m pip|/pip[0-9.]*) install\b", command)
    ]
    assert len(installs) >= 4  # .venv, editable project, SAM CLI, the layer, the lock tools
    for path, command in installs:
        words = shlex.split(command.replace('"', ""))
        # The project itself, editable from this checkout: no download (no deps, the locked setuptools builds it).
        local_only = {"--no-deps", "--no-build-isolation", "-e", "."} <= set(words)
        assert "--require-hashes" in words or local_only, f"{path}: {command}"


def test_the_layer_lock_is_resolved_for_the_runtime_and_architecture_of_the_template() -> None:
    globals_ = load_template(ROOT / "template.yaml")["Globals"]["Function"]
    version = globals_["Runtime"].removeprefix("python")
    machine = {"arm64": "aarch64", "x86_64": "x86_64"}[globals_["Architectures"][0]]
    lines = (ROOT / "requirements/lambda.lock").read_text(encoding="utf-8").splitlines()
    header = "\n".join(line for line in lines[:5] if line.startswith("#"))
    assert f"--python-version {version}" in header
    assert f"--python-platform {machine}-manylinux" in header
    layer_build = (ROOT / "requirements/Makefile").read_text(encoding="utf-8")
    assert f"--python-version {version}" in layer_build
    assert f"manylinux2014_{machine}" in layer_build
