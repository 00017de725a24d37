# crampcare: two commands a newcomer needs.
#   make run   - set up a virtual environment and start crampcare (web app on SQLite)
#   make test  - set up and run every check: ruff, mypy, kb check --strict, pytest
#   make test-fast - the inner loop: pytest without the PostgreSQL, browser and slow tests (no ruff, mypy)
#   make docs  - regenerate docs/cli.md from the commands' --help (cog)
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: setup run test test-fast docs lint typecheck pytest kbcheck bench mutate lock messages icons clean

$(BIN)/crampcare: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.lock
	$(BIN)/python -m pip install -q --no-deps -e .
	@touch $@

setup: $(BIN)/crampcare

run: setup
	$(BIN)/crampcare kb check
	$(BIN)/crampcare serve --host $(HOST) --port $(PORT)

lint: setup
	$(BIN)/ruff check src tests benchmarks tools
	$(BIN)/ruff format --check src tests benchmarks tools

typecheck: setup
	$(BIN)/mypy

pytest: setup
	$(BIN)/pytest -n 2 -q $(PYTEST_ARGS)

# Every reference checked against its source (fails while any is `verified: false`).
kbcheck: setup
	$(BIN)/crampcare kb check --strict

test: lint typecheck kbcheck pytest

# The inner loop while editing: no PostgreSQL, no Chromium, no statistical simulations, and no ruff or
# mypy (run `make lint typecheck` or `make test` before pushing; CI runs `make test`).
FAST = not browser and not slow and not postgres
test-fast: setup
	$(BIN)/pytest -n 2 -q -m "$(FAST)" $(PYTEST_ARGS)

# The CLI reference is generated from --help; tests/test_docs.py fails when it is stale.
docs: setup
	$(BIN)/cog -I tools -r docs/cli.md

icons: setup
	$(BIN)/python -m crampcare.web.icons

bench: setup
	$(BIN)/python benchmarks/run_all.py

# Mutation run over the safety guards (rule levels, harm grades, ownership checks); slow, not part
# of `make test`. Parallel: make mutate MUTATE_ARGS="-j 2"; a subset: MUTATE_ARGS="--only harm".
mutate: setup
	$(BIN)/python tools/mutate.py $(MUTATE_ARGS)

messages: setup
	$(BIN)/python -m crampcare.tooling.extract
	$(BIN)/python -m crampcare.tooling.web_messages

lock:
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 -o requirements.lock

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
