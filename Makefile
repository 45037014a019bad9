# Two entry points: `make run` and `make test`. Every step is idempotent.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
EDITOR_DIR := frontend/editor
EDITOR_BUILD := frontend/static/frontend/editor/index.html
ADDRESS ?= 127.0.0.1:8000

.PHONY: run test setup venv editor migrate checks pytest vitest browser serve worker

run: setup
	$(PY) manage.py sync_blocks
	$(PY) manage.py ensure_admin
	$(PY) manage.py seed_demo
	$(PY) -m scripts.serve --address $(ADDRESS)

# A batch-job worker for CELERY_BROKER_URL (Redis), on this machine or any other that shares the
# database and the file storage. WORKER_ARGS passes options on, e.g. WORKER_ARGS="--concurrency 4".
worker: venv
	$(BIN)/celery -A config worker -l info $(WORKER_ARGS)

setup: venv editor migrate

# The stamp is newer than the requirement files once they are installed, so an unchanged pin is a no-op.
$(VENV)/.stamp: requirements.txt requirements-dev.txt constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -r requirements-dev.txt -c constraints.txt
	touch $@

venv: $(VENV)/.stamp

editor: venv
	@if [ -f $(EDITOR_DIR)/package.json ]; then \
		cd $(EDITOR_DIR) && ( [ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund ) && npm run --silent build; \
	fi

migrate: venv
	$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py collectstatic --noinput -v 0

checks: venv
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

pytest: setup browser
	$(BIN)/pytest -q

test: setup checks vitest pytest
