# Two entry points: `make demo` and `make test`. Both create .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench clean-venv

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	@for f in tests/golden/*.input.txt; do \
		echo "=== $$f: what was removed"; \
		$(BIN)/cleaner explain "$$f"; \
	done
	@echo "=== cleaned text of tests/golden/ inputs written to out/"
	$(BIN)/cleaner clean tests/golden/*.input.txt -o out

test: $(STAMP)
	$(BIN)/python -m pytest

BENCH_STAMP := $(VENV)/.bench-installed

$(BENCH_STAMP): $(STAMP)
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $(BENCH_STAMP)

# The comparison table (a few minutes); `make bench BENCH_ARGS=--big` adds the 1 GB streaming check.
bench: $(BENCH_STAMP)
	$(BIN)/python benchmarks/speed.py $(BENCH_ARGS)

clean-venv:
	rm -rf $(VENV)
