# Two entry points: `make run` and `make test`. Every step is idempotent.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
EDITOR_DIR := frontend/editor
EDITOR_BUILD := frontend/static/frontend/editor/index.html

.PHONY: run test setup venv dev editor migrate checks pytest vitest browser serve roboflow-env conformance

run: setup
	$(PY) manage.py sync_blocks
	$(PY) manage.py ensure_admin
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver 127.0.0.1:8000 --noreload

setup: venv editor migrate

# The stamp is newer than the requirement files once they are installed, so an unchanged pin is a no-op.
# Runtime dependencies only: `make run` installs no test tools.
$(VENV)/.stamp: requirements.txt constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -r requirements.txt -c constraints.txt
	touch $@

venv: $(VENV)/.stamp

# Checks and tests: the development tools, and Roboflow's client for the conformance tests.
$(VENV)/.dev-stamp: $(VENV)/.stamp requirements-dev.txt requirements-conformance.txt constraints.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt -r requirements-conformance.txt -c constraints.txt
	touch $@

dev: $(VENV)/.dev-stamp

editor: venv
	@if [ -f $(EDITOR_DIR)/package.json ]; then \
		cd $(EDITOR_DIR) && ( [ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund ) && npm run --silent build; \
	fi

migrate: venv
	$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py collectstatic --noinput -v 0

checks: dev
	$(BIN)/ruff check .
	$(BIN)/mypy .
	$(BIN)/lint-imports
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py spectacular --fail-on-warn --file /dev/null

# Debian's Chromium drives the browser tests; browser downloads do not work on these machines.
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null); } || echo "chromium not installed: browser tests will fail"

vitest: editor
	@if [ -f $(EDITOR_DIR)/package.json ]; then cd $(EDITOR_DIR) && npm run --silent test; fi

# Coverage of our packages is measured on every run and printed with the results.
pytest: setup dev browser roboflow-env
	$(BIN)/pytest -q --cov --cov-report=term:skip-covered

test: setup checks vitest pytest

# Roboflow Inference 1.8.3 in a throwaway virtualenv under ~/.cache/blockwise (scripts/roboflow_env.py):
# built once per machine (about ten minutes), a no-op afterwards. The conformance tests and, without
# ../shared/, the Roboflow catalog fixture come from it.
roboflow-env:
	@$(PYTHON) -m scripts.roboflow_env >/dev/null

# Differential test of /workflows/validate against Roboflow's own code; prints the agreement rate
# and every disagreement.
conformance: setup dev roboflow-env
	$(BIN)/pytest tests/conformance/test_validate_parity.py -q
