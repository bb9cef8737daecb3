# claimflow — every target installs what it needs; a fresh machine needs only python3
# (plus Java 17 and Maven for the Kafka broker the tests start).

PYTHON ?= python3
TOOLS  := .tools
UV     := $(TOOLS)/bin/uv
UV_VERSION := 0.13.9
INFRA_STATE := .data/test-infra
# The benchmarks get a broker and a database of their own, started empty each time: the tests'
# broker keeps every run's topics (4,800 partitions on the development machine).
BENCH_STATE := .data/bench-infra
PYTEST_ARGS ?=

export UV_PYTHON_DOWNLOADS := never

.PHONY: install run test unit lint typecheck bench profile infra-up infra-down clean help

help:
	@echo "make run    start all four services in one process (pgserver + in-process bus)"
	@echo "make test   start PostgreSQL and Kafka, run every test, stop them"
	@echo "make bench  run the benchmarks under bench/ (figures in bench/results/)"
	@echo "make profile  where the end-to-end pipeline's CPU goes, by process and layer (py-spy)"
	@echo "make lint / make typecheck / make unit"

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

install: $(UV)
	$(UV) sync --frozen --python $(PYTHON)

run: install
	$(UV) run --frozen claimflow run

infra-up: install
	$(UV) run --frozen python -m claimflow_shared.testing.infra up --kafka --postgres --state-dir $(INFRA_STATE)

infra-down:
	-$(UV) run --frozen python -m claimflow_shared.testing.infra down --state-dir $(INFRA_STATE)

test: install
	@$(MAKE) --no-print-directory infra-up
	@set -a; . $(INFRA_STATE)/infra.env; set +a; \
	  $(UV) run --frozen pytest $(PYTEST_ARGS); status=$$?; \
	  $(MAKE) --no-print-directory infra-down; exit $$status

unit: install
	$(UV) run --frozen pytest -m "not integration and not kafka" $(PYTEST_ARGS)

lint: install
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .

typecheck: install
	$(UV) run --frozen mypy -p claimflow_shared -p claimflow -p claims -p code_catalog -p prior_auth -p notifications

# py-spy samples every service process at saturation and charges each sample to a layer of the
# stack (bench/layers.py). It needs ptrace rights over them (root, or CAP_SYS_PTRACE). Without
# DATABASE_URL and KAFKA_BOOTSTRAP_SERVERS the script starts servers of its own.
profile: install
	$(UV) run --frozen python bench/e2e_profile.py

# The benchmark scripts (the other files under bench/ are their shared modules). Each prints
# its figures and writes bench/results/<name>.json. E2E_WORKERS: worker processes per service.
# The latency at 200/s is the target's figure with one worker (120 s, in windows of 30 s); with
# more workers the run is 30 s, a single window.
BENCH_SCRIPTS := x12_837p x12_278 catalog_import catalog_review catalog_review_db catalog_api \
                 claims_intake webhook_sender webhook_delivery
E2E_WORKERS ?= 1 2 4
# The pipeline once more with claims submitted in batches of 100, as clearinghouses send them.
E2E_BATCHED := --batch 100 --concurrency 4 --latency-seconds 10 --name e2e_pipeline_w1_batch100

bench: install
	@$(MAKE) --no-print-directory infra-down INFRA_STATE=$(BENCH_STATE) > /dev/null
	@rm -rf $(BENCH_STATE)
	@$(MAKE) --no-print-directory infra-up INFRA_STATE=$(BENCH_STATE)
	@set -a; . $(BENCH_STATE)/infra.env; set +a; status=0; \
	  for script in $(BENCH_SCRIPTS); do \
	    echo "== bench/$$script.py"; $(UV) run --frozen python bench/$$script.py || status=1; \
	  done; \
	  for workers in $(E2E_WORKERS); do \
	    latency=""; [ $$workers -gt 1 ] && latency="--latency-seconds 30"; \
	    echo "== bench/e2e_pipeline.py --workers $$workers $$latency"; \
	    $(UV) run --frozen python bench/e2e_pipeline.py --workers $$workers $$latency || status=1; \
	  done; \
	  echo "== bench/e2e_pipeline.py $(E2E_BATCHED)"; \
	  $(UV) run --frozen python bench/e2e_pipeline.py $(E2E_BATCHED) || status=1; \
	  $(MAKE) --no-print-directory infra-down INFRA_STATE=$(BENCH_STATE); rm -rf $(BENCH_STATE); \
	  exit $$status

clean: infra-down
	rm -rf .data .venv $(TOOLS)
