# vpc-remediator: every target sets up what it needs, once. A second run reinstalls nothing.
SHELL := /bin/bash
export SAM_CLI_TELEMETRY := 0
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SAM_VENV := .tools/sam
SAM := $(SAM_VENV)/bin/sam
# The runtime in template.yaml; the smoke test imports the build with this Python when the machine has it.
RUNTIME_PYTHON_VERSION := 3.13

.PHONY: help demo test lint format typecheck unit integration iac validate build smoke bench deploy clean setup

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-11s %s\n", $$1, $$2}'

setup: $(VENV)/.installed $(SAM_VENV)/.installed ## create .venv and the SAM CLI tool environment

# The project's environment: locked dev dependencies, then the project itself (editable, no deps).
$(VENV)/.installed: requirements/dev.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q -r requirements/dev.lock
	$(BIN)/python -m pip install -q --no-deps -e .
	touch $@

# SAM CLI pins boto3 and pydantic exactly: it lives in its own environment.
$(SAM_VENV)/.installed: requirements/sam.lock
	test -x $(SAM_VENV)/bin/python || $(PYTHON) -m venv $(SAM_VENV)
	$(SAM_VENV)/bin/python -m pip install -q -r requirements/sam.lock
	touch $@

demo: $(VENV)/.installed ## run the remediator against a simulated AWS account
	$(BIN)/vpc-remediator demo

test: lint typecheck unit integration iac validate build smoke ## every check CI runs

lint: $(VENV)/.installed ## ruff check, format check, and the architecture contracts (pyproject.toml)
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts
	$(BIN)/lint-imports

format: $(VENV)/.installed ## apply ruff fixes and formatting
	$(BIN)/ruff check --fix src tests bench scripts
	$(BIN)/ruff format src tests bench scripts

typecheck: $(VENV)/.installed ## mypy --strict on src/
	$(BIN)/mypy

unit: $(VENV)/.installed ## pure logic tests
	$(BIN)/pytest tests/unit

integration: $(VENV)/.installed ## adapters, handlers and the CLI against moto
	$(BIN)/pytest tests/integration

iac: $(VENV)/.installed ## template tests: cfn-lint, every events/ sample through the real rules
	$(BIN)/pytest tests/iac
	$(BIN)/cfn-lint template.yaml

validate: $(SAM_VENV)/.installed ## sam validate --lint
	$(SAM) validate --lint --region us-east-1

# The build compiles the code for the runtime's Python when this machine has it (RUNTIME_PYTHON): shipping
# bytecode saves Lambda from compiling every module at each cold start (see bench/results.md).
build: $(SAM_VENV)/.installed $(VENV)/.installed ## sam build, without Docker
	RUNTIME_PYTHON="$$($(BIN)/python -m vpc_remediator.cli.interpreters $(RUNTIME_PYTHON_VERSION))" \
		$(SAM) build --region us-east-1

smoke: build $(VENV)/.installed ## import every built handler in a fresh interpreter of the runtime's Python
	$(BIN)/python scripts/smoke_build.py --python-version $(RUNTIME_PYTHON_VERSION)

bench: $(VENV)/.installed build ## measure cold start, API calls, handler time, sweep, notifier
	$(BIN)/python -m bench.run

deploy: build ## sam deploy with samconfig.toml's defaults
	$(SAM) deploy

clean: ## remove build output and environments
	rm -rf .aws-sam $(VENV) .tools .pytest_cache .mypy_cache .ruff_cache
