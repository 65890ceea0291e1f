# The two commands that matter: `make run` and `make test`. Both set everything up first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app coworking
PORT ?= 5000
export BASE_URL ?= http://127.0.0.1:$(PORT)
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test install db seed lint bench fuzz clean

$(BIN)/activate:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed"'
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/activate requirements.txt requirements-dev.txt
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	@touch $@

install: $(VENV)/.installed

db: install
	@mkdir -p instance
	$(FLASK) db upgrade

seed: db
	$(FLASK) seed-demo

# The jobs worker runs beside the development server (runs started from a page finish, mail
# appears in the log) and stops with it: Ctrl-C, the server ending, or an error.
run: seed
	@$(FLASK) jobs work & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

# Tests run in one process per core (pytest-xdist; an idle process takes tests queued for a busy
# one, so a few long tests at the end do not leave a core idle); PYTEST_WORKERS=0 runs them here.
PYTEST_WORKERS ?= auto
# The browser tests inject axe-core from npm (package-lock.json pins it).
node_modules/.package-lock.json: package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund; else echo "npm not found: the browser tests will be skipped"; fi

test: install node_modules/.package-lock.json
	@$(BIN)/python tests/check_postgres.py
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .

# Needs wrk (apt-get install -y wrk). Options: make bench BENCH_ARGS="--duration 30 api_spaces"
bench: install
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# schemathesis against the served OpenAPI document, on SQLite and PostgreSQL, as a member and as a
# manager (docs/fuzzing.md). Not part of `make test`. Options: make fuzz FUZZ_ARGS="--max-examples 100"
fuzz: install
	$(BIN)/python fuzz/run.py $(FUZZ_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache
