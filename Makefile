# Two commands matter: `make demo` (the local stack and a scenario, explained) and `make test` (every test).
# Everything else they need is bootstrapped here: uv from PyPI, the Python packages, Kafka's jars, the FerretDB
# launcher. State lives in .stack/ (git-ignored).

UV_VERSION := 0.13.8
TOOLS      := .stack/tools
UV         := $(TOOLS)/bin/uv
PY         := .venv/bin/python
STACK      := $(PY) deploy/local/stack.py
PROJECTS   := pyproject.toml uv.lock contracts/pyproject.toml libs/servicekit/pyproject.toml $(wildcard services/*/pyproject.toml)

.PHONY: demo test tools stack-up stack-down stack-status stack-reset schemas lint \
        bench-scheduling bench-matching bench-pipeline clean

demo: stack-up
	@$(PY) deploy/demo/run_demo.py

test: .venv/.synced tools
	@echo "[make] unit tests, contract drift and layering (no infrastructure needed)"
	@$(UV) run --frozen lint-imports
	@$(UV) run --frozen pytest -q -m "not stack"
	@$(MAKE) --no-print-directory stack-up
	@echo "[make] integration and end-to-end tests against the local stack"
	@$(UV) run --frozen pytest -q -m "stack and not faults"
	@echo "[make] fault tests: a killed service, a restarted broker, a second matching replica (last: they restart parts of the stack)"
	@$(UV) run --frozen pytest -q -m faults

# kcat is what docs/integrating.md shows integrators; a test runs the documented command with it.
tools:
	@command -v kcat >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then echo "[make] installing kcat (Debian package)"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq kcat) >/dev/null; \
	  else echo "[make] kcat is missing: run 'sudo apt-get install kcat' (the integration docs test needs it)"; exit 1; fi; }

$(UV):
	@echo "[make] bootstrapping uv $(UV_VERSION) from PyPI into $(TOOLS)"
	@python3 -m venv $(TOOLS)
	@$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

.venv/.synced: $(UV) $(PROJECTS)
	@echo "[make] installing the Python workspace into .venv (uv sync)"
	@$(UV) sync --all-packages --frozen
	@touch $@

stack-up: .venv/.synced
	@$(STACK) up

stack-down:
	@if [ -x $(PY) ]; then $(STACK) down; else echo "[make] nothing to stop"; fi

stack-status: .venv/.synced
	@$(STACK) status

stack-reset: .venv/.synced
	@$(STACK) reset

schemas: .venv/.synced
	@$(UV) run --frozen python -m contracts.schema_export

lint: .venv/.synced
	@$(UV) run --frozen lint-imports

bench-scheduling: .venv/.synced
	@$(UV) run --frozen python services/scheduling/benchmarks/bench_scheduling.py --write docs/benchmarks.md

bench-matching: .venv/.synced
	@$(UV) run --frozen python services/matching/benchmarks/bench_quality.py --write docs/benchmarks.md
	@$(UV) run --frozen python services/matching/benchmarks/bench_incremental.py --write docs/benchmarks.md

bench-pipeline: stack-up
	@$(UV) run --frozen python deploy/bench/bench_pipeline.py --write docs/benchmarks.md

clean: stack-down
	rm -rf .stack .venv
