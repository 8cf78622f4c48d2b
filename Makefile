# congress-etl — `make run` and `make test` work on a fresh machine with Python 3.11+ and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
ASSETS := dashboards/assets/node_modules/.installed

# No telemetry from Prefect or Great Expectations, here or in CI.
export DO_NOT_TRACK := 1
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export GX_ANALYTICS_ENABLED := false

.PHONY: setup run test test-fast eval clean help browser bi

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "congress-etl needs Python 3.11+ (set PYTHON=...)"; exit 1; }
	@if command -v uv >/dev/null 2>&1; then \
		echo "setting up $(VENV) with uv"; \
		uv venv --allow-existing --python $(PYTHON) $(VENV) && \
		uv pip install --python $(BIN)/python -c constraints.txt -e ".[test]"; \
	else \
		echo "setting up $(VENV) with pip"; \
		$(PYTHON) -m venv $(VENV) && \
		$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[test]"; \
	fi
	@touch $(STAMP)

# Browser assets of the dashboard (ECharts) and of the Data Docs, from the npm registry at the
# versions pinned in dashboards/assets/package.json; no lockfile is written (it would name a registry).
$(ASSETS): dashboards/assets/package.json
	@command -v npm >/dev/null 2>&1 || { echo "npm is needed for the dashboard's chart library (apt-get install -y npm)"; exit 1; }
	cd dashboards/assets && npm install --no-package-lock --no-audit --no-fund --ignore-scripts --legacy-peer-deps --loglevel=error
	@touch $(ASSETS)

setup: $(STAMP) $(ASSETS)  ## create .venv/ and install the pinned Python packages and dashboard assets

run: setup  ## set up, then run the nightly flow once over seeds/reports into data/
	$(BIN)/congress-etl run

# The dashboard test drives the OS Chromium; never `playwright install` (no downloads at test time).
browser:  ## make sure /usr/bin/chromium and a CJK font exist (installs the Debian packages when root)
	@if [ -x /usr/bin/chromium ] && [ -d /usr/share/fonts/truetype/wqy ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing Debian chromium and fonts-wqy-zenhei for the dashboard test"; \
		apt-get install -y chromium fonts-wqy-zenhei || { apt-get update && apt-get install -y chromium fonts-wqy-zenhei; }; \
	else echo "Chromium or a CJK font missing: run 'sudo apt-get install -y chromium fonts-wqy-zenhei' (the dashboard test skips without Chromium)"; fi

# Three pytest workers on the 2-core machine (pytest-xdist; an idle one takes tests queued for
# another): many tests wait on the runs they start, so a third keeps both cores busy (the suite
# took 6:22 with three, 6:59 with two, same commit and hour). One Prefect server serves every
# worker (tests/conftest.py starts it in the controller); other session fixtures (sample
# warehouses) start once per worker.
TEST_WORKERS ?= 3

test: setup browser  ## set up, then run the whole test suite (TEST_WORKERS=3 processes)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist worksteal

test-fast: setup  ## set up, then run the tests not marked slow (no servers, no whole-flow runs)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist worksteal -m "not slow"

bi: setup  ## build the BI pages (DuckDB 1.x CLI over the snapshot's marts) into data/bi/
	$(BIN)/python -m dashboards.bi.build --snapshot data/serve/warehouse.duckdb --out data/bi

eval: setup  ## score extraction against ../shared/corpus (needs the shared dev corpus)
	$(BIN)/congress-etl eval --corpus ../shared/corpus --gold ../shared/corpus/gold.jsonl --json data/eval.json

clean:  ## remove data/ (warehouse, lake, docs, logs); keeps .venv/
	rm -rf data
