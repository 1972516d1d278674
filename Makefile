# mycity — the two commands are `make run` and `make test`; everything else is here too.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat requirements-dev.lock pyproject.toml | cksum | cut -d' ' -f1)
NODE_STAMP := node_modules/.installed-$(shell cksum < package-lock.json | cut -d' ' -f1)
HOST   ?= 127.0.0.1
PORT   ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/mycity
# The suites run on every core (pytest-xdist); a file's tests stay in one process, which
# keeps its module fixtures (nginx, the SeaweedFS bucket) set up once. TEST_WORKERS=0: serial.
TEST_WORKERS ?= auto
PYTEST := $(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile

.PHONY: setup run serve test test-pg test-browser lint contract openapi bench lighthouse demo clean cluster cluster-stop

setup: $(STAMP) $(NODE_STAMP)

$(STAMP): requirements-dev.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements-dev.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@rm -f $(VENV)/.installed-*
	@touch $@

$(NODE_STAMP): package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm is needed to fetch the front-end libraries (Debian: apt-get install npm)"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	@rm -f node_modules/.installed-*
	@touch $@

run: setup
	$(BIN)/mycity migrate --noinput -v0
	$(BIN)/mycity vapid_keys --write --if-missing
	$(BIN)/mycity demo --if-empty
	$(BIN)/mycity collectstatic --noinput -v0
	@echo
	@echo "  mycity is serving the demo city at http://$(HOST):$(PORT)/  (Ctrl-C stops the server and the worker)"
	@echo
	$(BIN)/mycity serve --worker --host $(HOST) --port $(PORT)

test: setup
	$(PYTEST)

test-pg: setup
	DATABASE_URL=$${DATABASE_URL:-$(PG_URL)} $(PYTEST)

test-browser: setup
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(PYTEST) -m browser tests/browser

lint: setup
	$(BIN)/ruff check src tests bench deploy
	$(BIN)/ruff format --check src tests bench deploy
	$(BIN)/mypy
	$(BIN)/lint-imports

# The API's contract from outside: schemathesis over every operation (.ci/contract).
contract: setup
	.ci/contract

# Regenerate the published OpenAPI document after a reviewed change of the API.
openapi: setup
	$(BIN)/mycity export_openapi_schema --api mycity.api.api --indent 2 --sorted --output docs/openapi.json
	@echo >> docs/openapi.json

bench: setup
	$(BIN)/python bench/run.py

# Lighthouse (npm, its own lock file) with Debian's Chromium: the citizen app's scores.
lighthouse: setup
	cd bench/lighthouse && npm ci --no-audit --no-fund --loglevel=error
	$(BIN)/python bench/lighthouse.py

clean:
	rm -rf $(VENV) node_modules var

# The cluster on this machine (docs/deploy.md): SeaweedFS, two web nodes, task workers,
# the outbox and nginx under supervisord, on the machine's PostgreSQL and Redis.
cluster: setup
	@test -x /usr/sbin/nginx || { [ "$$(id -u)" = 0 ] && apt-get install -y -q nginx-light >/dev/null; } || { echo "nginx is needed: apt-get install nginx-light"; exit 1; }
	$(BIN)/python deploy/cluster.py up

cluster-stop:
	$(BIN)/python deploy/cluster.py down
