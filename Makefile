# Two entry points: `make run` and `make test`. Every step is idempotent.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
EDITOR_DIR := frontend/editor
EDITOR_BUILD := frontend/static/frontend/editor/index.html

.PHONY: run test test-fast setup venv dev dev-deps editor api-types migrate checks pytest vitest browser serve secret-key worker roboflow-env conformance

# Set up, then serve with the production server. The admin account's lines are the last before the server starts.
run: setup
	$(PY) manage.py sync_blocks
	$(PY) manage.py seed_demo
	$(PY) manage.py ensure_admin
	$(MAKE) --no-print-directory serve

# A batch-job worker for CELERY_BROKER_URL (Redis), on this machine or any other that shares the
# database and the file storage. WORKER_ARGS passes options on, e.g. WORKER_ARGS="--concurrency 4".
worker: venv
	$(BIN)/celery -A config worker -l info $(WORKER_ARGS)

# Only the production server, for a checkout already set up (HOST, PORT, WEB_CONCURRENCY, DATABASE_URL,
# or ADDRESS=host:port):
# granian (config/server.py), and beside it a Celery worker when no CELERY_BROKER_URL is set (see scripts/serve.py).
serve:
	exec $(PY) -m scripts.serve $(if $(ADDRESS),--address $(ADDRESS))

# The auto-reloading development server, with DEBUG on, for people changing the code.
dev: setup
	DJANGO_DEBUG=1 $(PY) manage.py runserver $${HOST:-127.0.0.1}:$${PORT:-8000}

setup: venv secret-key editor migrate

# The key that signs sessions: written once, kept out of git (var/ is ignored).
SECRET_KEY_FILE := var/secret_key
secret-key: $(SECRET_KEY_FILE)
$(SECRET_KEY_FILE):
	mkdir -p $(dir $@)
	umask 077 && $(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > $@

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

dev-deps: $(VENV)/.dev-stamp

# The editor's API types (src/generated/api.ts) are generated from the OpenAPI schema by `make api-types`
# and committed; `make checks` fails when they are out of date.
editor: venv secret-key
	@if [ -f $(EDITOR_DIR)/package.json ]; then \
		cd $(EDITOR_DIR) && ( [ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund ) && \
		npm run --silent build; \
	fi

# Regenerate frontend/editor/src/generated/api.ts after a change of the API (commit the result).
api-types: venv secret-key
	$(PY) -m scripts.editor_api_types

migrate: venv secret-key
	$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py createcachetable
	$(PY) manage.py collectstatic --noinput -v 0

checks: dev-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	$(BIN)/lint-imports
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py spectacular --fail-on-warn --file /dev/null
	@if [ -d $(EDITOR_DIR)/node_modules ]; then $(PY) -m scripts.editor_api_types --check && cd $(EDITOR_DIR) && npm run --silent typecheck && npm run --silent lint && npm run --silent format:check; \
	else echo "editor checks need its node_modules: run make editor first" && exit 1; fi

# Debian's Chromium drives the browser tests; browser downloads do not work on these machines.
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null); } || echo "chromium not installed: browser tests will fail"

vitest: editor
	@if [ -f $(EDITOR_DIR)/package.json ]; then cd $(EDITOR_DIR) && npm run --silent test; fi

# Coverage of our packages is measured on every run and printed with the results.
pytest: setup dev-deps browser roboflow-env
	$(BIN)/pytest -q -n 2 --cov --cov-report=term:skip-covered

test: setup checks vitest pytest

# The inner loop: everything but the slow kinds (browser, workers, server, conformance; see
# tests/conftest.py), in parallel. `make test` still runs all of it.
test-fast: dev-deps secret-key
	$(BIN)/pytest -q -n 2 -m "not (browser or workers or server or conformance)"

# Roboflow Inference 1.8.3 in a throwaway virtualenv under ~/.cache/blockwise (scripts/roboflow_env.py):
# built once per machine (about ten minutes), a no-op afterwards. The conformance tests and, without
# ../shared/, the Roboflow catalog fixture come from it.
roboflow-env:
	@$(PYTHON) -m scripts.roboflow_env >/dev/null

# Differential test of /workflows/validate against Roboflow's own code; prints the agreement rate
# and every disagreement.
conformance: setup dev-deps roboflow-env
	$(BIN)/pytest tests/conformance/test_validate_parity.py tests/conformance/test_workflow_block_export.py -q
