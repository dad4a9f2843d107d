"""Find a Python interpreter of a given version on this machine (pythonX.Y on PATH, or one pyenv installed)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path


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


if __name__ == "__main__":
    import sys

    # `python -m vpc_remediator.cli.interpreters 3.13` prints the path, or nothing when there is none.
    print(find_python(sys.argv[1]) or "")
