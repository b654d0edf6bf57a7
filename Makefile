# The README's commands. `make run` and `make test` work on a fresh clone.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
HOST    ?= 127.0.0.1
PORT    ?= 3978

.PHONY: run chat test lint typecheck content-check unit eval bench preview soak audit lock clean

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

run: $(STAMP)  ## start the bot on 127.0.0.1:3978 with the embedded SQLite store
	$(BIN)/crosswalk db migrate
	CROSSWALK_DEV_MODE=1 $(BIN)/crosswalk serve --host $(HOST) --port $(PORT)

chat: $(STAMP)  ## talk to Crosswalk in the terminal
	$(BIN)/crosswalk chat

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check dialogs

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/python -m pytest -W error -q

content-check: $(STAMP)
	$(BIN)/crosswalk content check

eval: $(STAMP)  ## Q&A evaluation: top-1, top-3 and abstention on dev and test
	$(BIN)/python tests/qa/eval_report.py

test: lint typecheck content-check unit  ## ruff, mypy (strict on dialogs/), content check, pytest -W error

bench: $(STAMP)  ## benchmarks with same-run baselines -> bench/results.json
	@command -v wrk >/dev/null || echo "note: the edges and memory modules need wrk (Debian: apt-get install wrk)"
	$(BIN)/python -m bench

preview: $(STAMP)  ## render example Teams cards to PNG (needs Debian chromium and npm)
	test -d docs/preview/node_modules || npm ci --prefix docs/preview --no-audit --no-fund
	$(BIN)/python docs/preview/make_preview.py

soak: $(STAMP)  ## reliability suites at full counts (10,000 bodies per edge, 50 kills)
	$(BIN)/python tests/reliability/soak.py

audit: $(STAMP)  ## pip-audit against requirements.lock (needs the network; not part of make test)
	$(BIN)/python tests/reliability/audit.py

lock:  ## re-pin dependencies (needs uv)
	uv pip compile pyproject.toml --extra dev -p 3.11 --no-header --no-annotate -o requirements.lock

clean:
	rm -rf $(VENV) .data .pytest_cache .mypy_cache .ruff_cache
