# Two commands for a newcomer: `make run` (the local cloud) and `make test` (the whole suite).
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 3000
TIME_SCALE ?= 1
CHROMIUM := /usr/bin/chromium
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
export PYTHONPATH := layers/domain:.
export TZ := UTC
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20

.PHONY: install web run test lint unit openapi synth bench deploy clean

$(VENV)/.installed: requirements-dev.txt layers/deps/requirements.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

# The web pages (web/): npm packages from the committed lockfile, built into web/dist, which the local cloud serves
# and `cdk deploy` uploads.
WEB_SOURCES := $(shell find web/src web/index.html web/console web/vite.config.ts web/tsconfig.json -type f 2>/dev/null)
web/node_modules/.package-lock.json: web/package-lock.json
	cd web && npm ci --no-audit --no-fund --loglevel=error

web/dist/index.html: web/node_modules/.package-lock.json $(WEB_SOURCES)
	cd web && npm run build --silent

web: web/dist/index.html

run: install web  ## start Hotline on http://127.0.0.1:$(PORT) (Ctrl-C to stop); TIME_SCALE=3600 runs deadlines an hour per second
	PORT=$(PORT) TIME_SCALE=$(TIME_SCALE) $(PY) -m infra.local

test: install web lint $(CHROMIUM)  ## lint, type-check and run every test tier
	$(PY) -m pytest -n 2 --dist loadfile

# The browser tests (the web pages, the report page) run Debian's Chromium, which Playwright drives (it never downloads a
# browser); the CJK font makes the screenshots readable.
$(CHROMIUM):
	$(SUDO) apt-get update -qq
	$(SUDO) apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy layers/domain/hotline functions infra scripts
	PYTHONPATH=layers/domain:. $(VENV)/bin/lint-imports

unit: install
	$(PY) -m pytest tests/unit

openapi: install  ## regenerate docs/openapi.json from the code
	$(PY) scripts/openapi.py

synth: install web  ## synthesize the CDK app into cdk.out (cdk-nag runs here)
	$(PY) -m infra.app

bench: install web
	$(PY) -m tests.bench

deploy: install web  ## deploy to the AWS account of your current credentials
	npx --yes aws-cdk@2.1148.1 deploy Hotline

clean:
	rm -rf .hotline .build cdk.out web/dist web/node_modules
