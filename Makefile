# smartnumbers: `make run` starts everything, `make test` runs every test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PACKAGES := contracts kit services/directory services/presence services/routing services/mailbox gateway
PYPROJECTS := $(addsuffix /pyproject.toml,$(PACKAGES))

.PHONY: help run test bench install contracts phone-menus nats-config clean fmt

help:  ## list the targets
	@grep -E '^[a-z][a-z-]*:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z-]+):.*## /\1\t/' | expand -t 14

run: $(STAMP)  ## start NATS and every service (Ctrl-C stops them; smartnumbers-run --help)
	$(BIN)/smartnumbers-run

test: $(STAMP)  ## install what is missing, then run every test
	$(BIN)/pytest $(PYTEST_ARGS)

bench: $(STAMP)  ## print the performance figures (every bench/bench_*.py, each with its own baseline), then issue 17's table with verdicts
	@set -e; results=$$(mktemp -d); trap 'rm -rf "$$results"' EXIT; \
	for script in bench/bench_*.py; do BENCH_RESULTS=$$results $(BIN)/python $$script; done; \
	$(BIN)/python bench/summary.py $$results

contracts: $(STAMP)  ## regenerate contracts/asyncapi.yaml from the models
	$(BIN)/python -m smartnumbers_contracts.asyncapi > contracts/asyncapi.yaml

phone-menus: $(STAMP)  ## regenerate docs/phone-menus.md and the menu prompts from the phone menu table
	$(BIN)/python -m smartnumbers_gateway.phone.docs

nats-config: $(STAMP)  ## regenerate deploy/k8s/base/nats/nats.conf (NATS users and permissions) from the service table
	$(BIN)/python -m smartnumbers_kit.natsauth > deploy/k8s/base/nats/nats.conf

install: $(STAMP)  ## create .venv and install every package, editable, with the test tools

fmt: $(STAMP)  ## format the tree and sort imports (ruff)
	$(BIN)/ruff format .
	$(BIN)/ruff check --select I --fix .

$(STAMP): $(PYPROJECTS) requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11+ is needed") if sys.version_info < (3, 11) else None'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt $(addprefix -e ,$(PACKAGES))
	touch $(STAMP)

clean:  ## remove .venv and var/ (every local store)
	rm -rf $(VENV) var
