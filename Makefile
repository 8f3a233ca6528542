# smartnumbers: `make run` starts everything, `make test` runs every test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PACKAGES := contracts kit services/directory services/presence services/routing services/mailbox gateway web
PYPROJECTS := $(addsuffix /pyproject.toml,$(PACKAGES))

.PHONY: run test bench install contracts clean fmt chromium

run: $(STAMP)  ## start NATS and every service (Ctrl-C stops them)
	$(BIN)/smartnumbers-run

test: $(STAMP) chromium  ## install what is missing, then run every test
	$(BIN)/pytest $(PYTEST_ARGS)

chromium:  ## Debian's chromium for the browser tests (web/tests), when missing and we may (root + apt)
	@if [ -x /usr/bin/chromium ] || command -v chromium >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  (apt-get update -q && apt-get install -y -q chromium) >/dev/null || echo "could not install chromium: browser tests will skip"; \
	else echo "no chromium and not root with apt: the browser tests (web/tests) will skip"; fi

bench: $(STAMP)  ## print the performance figures (every bench/bench_*.py, each with its own baseline)
	@set -e; for script in bench/bench_*.py; do $(BIN)/python $$script; done

contracts: $(STAMP)  ## regenerate contracts/asyncapi.yaml from the models
	$(BIN)/python -m smartnumbers_contracts.asyncapi > contracts/asyncapi.yaml

phone-menus: $(STAMP)  ## regenerate docs/phone-menus.md and the menu prompts from the phone menu table
	$(BIN)/python -m smartnumbers_gateway.phone.docs

install: $(STAMP)

fmt: $(STAMP)  ## format the tree and sort imports (ruff)
	$(BIN)/ruff format .
	$(BIN)/ruff check --select I --fix .

$(STAMP): $(PYPROJECTS) requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11+ is needed") if sys.version_info < (3, 11) else None'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt $(addprefix -e ,$(PACKAGES))
	touch $(STAMP)

clean:
	rm -rf $(VENV) var
