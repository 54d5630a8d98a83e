# OpenDVC — the two commands a newcomer needs:
#   make run    set everything up and serve the portal with demo data on http://127.0.0.1:$(PORT)
#   make test   set everything up and run the whole test suite (DATABASE_URL selects the database)

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
HOST ?= 127.0.0.1

.PHONY: run test setup assets messages lint typecheck bench-catalog bench-auth clean

$(VENV)/.installed: pyproject.toml requirements.lock
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) (3.11+) is required" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements.lock
	$(VENV)/bin/pip install --quiet --no-deps -e .
	touch $@

node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "error: npm (Node 20) is required for the front-end assets" >&2; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

setup: $(VENV)/.installed assets messages

assets: $(VENV)/.installed node_modules/.installed
	$(PY) scripts/collect_assets.py

messages: $(VENV)/.installed
	$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v0

run: setup
	$(PY) manage.py migrate --no-input -v0
	PORT=$(PORT) $(PY) manage.py load_demo_data
	$(PY) manage.py collectstatic --no-input -v0
	HOST=$(HOST) PORT=$(PORT) $(PY) scripts/serve.py

test: setup
	scripts/ensure_chromium.sh
	$(VENV)/bin/pytest -n 2 -p no:cacheprovider

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check src bench scripts reference
	$(VENV)/bin/ruff format --check src bench scripts reference

typecheck: $(VENV)/.installed
	$(VENV)/bin/mypy src reference scripts

bench-catalog: setup
	$(PY) bench/catalog_search.py

bench-auth: setup
	$(PY) bench/auth.py

clean:
	rm -rf $(VENV) node_modules var
