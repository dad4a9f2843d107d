"""Find a Python interpreter of a given version on this machine (pythonX.Y on PATH, or one pyenv installed), and
make a build for Lambda's arm64 importable here."""

from __future__ import annotations

import platform
import shutil
import subprocess
import sys
from pathlib import Path

# Where the host's builds of the layer's compiled packages go: beside the build output, never in it (it is shipped).
OVERLAY = Path(".aws-sam/host-overlay")


def find_python(version: str) -> str | None:
    """An interpreter of that version, or None when this machine has none."""
    candidates = [shutil.which(f"python{version}")]
    pyenv = shutil.which("pyenv")
    if pyenv:
        listed = subprocess.run([pyenv, "versions", "--bare"], capture_output=True, text=True, check=False).stdout
        for installed in sorted(listed.split(), reverse=True):
            if installed.startswith(f"{version}."):
                root = subprocess.run([pyenv, "prefix", installed], capture_output=True, text=True, check=False)
                candidates.append(str(Path(root.stdout.strip()) / "bin" / "python3"))
    for candidate in filter(None, candidates):
        probe = subprocess.run([candidate, "-c", "import sys; print(sys.version)"], capture_output=True, check=False)
        if probe.returncode == 0 and probe.stdout.decode().startswith(version):
            return candidate
    return None


def foreign_binaries(build: Path) -> list[str]:
    """`name==version` of the built layers' packages compiled for another machine than this one (Lambda: arm64)."""
    machine = platform.machine()
    found = []
    for wheel in sorted(build.glob("*/python/*.dist-info/WHEEL")):
        tags = [line.split(":", 1)[1].strip() for line in wheel.read_text().splitlines() if line.startswith("Tag:")]
        if tags and not any(tag.endswith(("-any", f"_{machine}")) for tag in tags):
            metadata = (wheel.parent / "METADATA").read_text().splitlines()
            fields = dict(line.split(": ", 1) for line in metadata if ": " in line)
            found.append(f"{fields['Name']}=={fields['Version']}")
    return found


def host_overlay(build: Path, version: str, target: Path = OVERLAY) -> str | None:
    """A directory to put first on PYTHONPATH to import the build here, or None when none is needed.

    An arm64 extension (pydantic-core) cannot load on x86: this installs the host's build of the very same versions
    (from the package registry), and every other module is still imported from the build output.
    """
    requirements = foreign_binaries(build)
    if not requirements:
        return None
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-deps"]
    command += ["--only-binary=:all:", "--implementation", "cp", "--python-version", version, "--upgrade"]
    subprocess.run([*command, "--target", str(target), *requirements], check=True)
    return str(target.resolve())


if __name__ == "__main__":
    # `python -m vpc_remediator.cli.interpreters 3.13` prints the path, or nothing when there is none.
    print(find_python(sys.argv[1]) or "")
