#!/usr/bin/env bash
# `make lock`: regenerate every requirements/*.lock, each pin with the sha256 of every file PyPI has for it, so that
# `pip install --require-hashes` installs exactly what was locked. Run it again and nothing changes: both tools keep
# the pins already in a lock unless UPGRADE=1 asks for the newest versions allowed.
#
#   dev.lock    the project's .venv: pyproject.toml's dependencies, extras cli and dev, and its build backend
#               (setuptools, so that the editable install needs no unhashed download), for the Python running this
#   sam.lock    the SAM CLI's own environment (.tools/sam)
#   scan.lock   the static scanners' own environment (.tools/scan: checkov, parliament)
#   tools.lock  this script's tools: pip-tools 7.6.2 (pip-compile) and uv 0.13.8, from requirements/tools.in
#   lambda.lock the Lambda layer, for the runtime in template.yaml (Python 3.13 on arm64) whatever this machine is:
#               pip-compile resolves only for the Python and platform it runs on, uv for a named one
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
RUNTIME_PYTHON_VERSION="${RUNTIME_PYTHON_VERSION:-3.13}"
LAMBDA_PLATFORM="aarch64-manylinux2014"  # template.yaml: Architectures [arm64]; Lambda's Amazon Linux 2023 glibc

tools="$(mktemp -d)"
trap 'rm -rf "$tools"' EXIT
"$PYTHON" -m venv "$tools"
"$tools/bin/python" -m pip install --quiet --require-hashes --no-deps -r requirements/tools.lock

upgrade=()
if [ "${UPGRADE:-0}" = 1 ]; then upgrade=(--upgrade); fi

# Index and find-links options of this machine's pip configuration stay out of the files.
pip_compile=("$tools/bin/pip-compile" --quiet --generate-hashes --allow-unsafe --no-emit-index-url --no-emit-find-links
    "${upgrade[@]}")

"${pip_compile[@]}" --extra=cli --extra=dev --all-build-deps --strip-extras --output-file=requirements/dev.lock \
    pyproject.toml
# pip-compile lists the project itself, installed from this machine's path; make setup installs it editable instead.
"$PYTHON" - <<'EOF'
import re
from pathlib import Path

lock = Path("requirements/dev.lock")
text = re.sub(
    r"(# WARNING: pip install will require the following package to be hashed\.\n# Consider using [^\n]*\n)?"
    r"vpc-remediator @ file://[^\n]*\n(    #[^\n]*\n)*",
    "",
    lock.read_text(),
)
lock.write_text(text)
EOF
# --strip-extras: pip's hash checking takes boto3[crt] and the boto3 others ask for as two requirements.
"${pip_compile[@]}" --strip-extras --output-file=requirements/sam.lock requirements/sam.in
"${pip_compile[@]}" --output-file=requirements/scan.lock requirements/scan.in
"${pip_compile[@]}" --output-file=requirements/tools.lock requirements/tools.in

"$tools/bin/uv" pip compile --quiet --generate-hashes "${upgrade[@]}" \
    --python-version "$RUNTIME_PYTHON_VERSION" --python-platform "$LAMBDA_PLATFORM" \
    --output-file requirements/lambda.lock requirements/lambda.in
