# smartnumbers: `make run` starts everything, `make test` runs every test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PACKAGES := contracts kit services/directory services/presence services/routing services/mailbox services/notify gateway web
PYPROJECTS := $(addsuffix /pyproject.toml,$(PACKAGES))
# Checked by mypy --strict (make lint): the contracts, the kit and every service's pure domain.
STRICT_TYPED := smartnumbers_contracts smartnumbers_kit smartnumbers_directory.domain smartnumbers_presence.domain \
                smartnumbers_routing.domain smartnumbers_mailbox.domain smartnumbers_notify.domain

.PHONY: help run test lint bench install contracts phone-menus nats-config clean fmt kannel chromium buildah speech

help:  ## list the targets
	@grep -E '^[a-z][a-z-]*:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z-]+):.*## /\1\t/' | expand -t 14

run: $(STAMP)  ## start NATS and every service (Ctrl-C stops them; smartnumbers-run --help)
	$(BIN)/smartnumbers-run

test: $(STAMP) chromium buildah speech  ## install what is missing, lint and type-check (make lint), then run every test
	@$(MAKE) --no-print-directory lint
	$(BIN)/pytest $(PYTEST_ARGS)

chromium:  ## Debian's chromium for the browser tests (web/tests), when missing and we may (root + apt)
	@if [ -x /usr/bin/chromium ] || command -v chromium >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  (apt-get update -q && apt-get install -y -q chromium) >/dev/null || echo "could not install chromium: browser tests will skip"; \
	else echo "no chromium and not root with apt: the browser tests (web/tests) will skip"; fi

speech:  ## Debian's espeak-ng and sox, which speak the phone prompts (gateway's prompt tests), when missing and we may
	@if command -v espeak-ng >/dev/null && command -v sox >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  (DEBIAN_FRONTEND=noninteractive apt-get install -y -q espeak-ng sox || \
	   { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q espeak-ng sox; }) >/dev/null 2>&1 || \
	  echo "could not install espeak-ng and sox: the prompt tests will skip"; \
	else echo "no espeak-ng/sox and not root with apt: the prompt tests will skip"; fi

buildah:  ## Debian's buildah to build the images in tests/test_images.py, when missing and we may (root + apt)
	@if command -v buildah >/dev/null || command -v podman >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  (DEBIAN_FRONTEND=noninteractive apt-get install -y -q buildah || \
	   { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q buildah; }) >/dev/null 2>&1 || \
	  echo "could not install buildah: the image builds (tests/test_images.py) will skip"; \
	else echo "no buildah/podman and not root with apt: the image builds (tests/test_images.py) will skip"; fi

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

lint: $(STAMP)  ## ruff (format and lint) and mypy (strict on contracts, kit and every domain/)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy $(addprefix -p ,$(STRICT_TYPED))

fmt: $(STAMP)  ## format the tree and sort imports (ruff)
	$(BIN)/ruff format .
	$(BIN)/ruff check --select I --fix .

$(STAMP): $(PYPROJECTS) requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11+ is needed") if sys.version_info < (3, 11) else None'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt $(addprefix -e ,$(PACKAGES))
	@$(MAKE) --no-print-directory kannel
	touch $(STAMP)

kannel:  ## Kannel and its fakesmsc for notify's SMS tests and `KANNEL_BIN` (Debian packages; needs root)
	@if [ -x /usr/sbin/bearerbox ] && [ -x /usr/lib/kannel/test/fakesmsc ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "installing Kannel (apt-get install kannel kannel-extras)"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get install -y -q kannel kannel-extras >/dev/null 2>&1 || \
	  { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q kannel kannel-extras >/dev/null 2>&1; } || \
	  echo "Kannel could not be installed: notify's Kannel tests will be skipped (SMS is still tested through the smsbox fake)"; \
	else echo "Kannel is not installed and this is not root with apt-get: notify's Kannel tests will be skipped (apt-get install kannel kannel-extras)"; fi

clean:  ## remove .venv and var/ (every local store)
	rm -rf $(VENV) var
