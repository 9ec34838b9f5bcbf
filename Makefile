# Two commands do everything on a fresh machine: `make demo` and `make test`.
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
export PREFECT_HOME ?= $(CURDIR)/.prefect

.PHONY: setup demo test bench accuracy clean

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[dev]"
	touch $(STAMP)

setup: $(STAMP)

demo: setup
	rm -rf demo-inbox demo-out
	$(VENV)/bin/alis samples --out demo-inbox --count 12 --seed 2026
	$(VENV)/bin/alis batch demo-inbox --out demo-out
	@echo "Outputs: demo-out/batch.json, demo-out/batch-summary.html, demo-out/batch-summary.xlsx, demo-out/applications/<id>/"

test: setup
	$(VENV)/bin/pytest

accuracy: setup
	$(PY) bench/accuracy.py --count 50 --seed 7

clean:
	rm -rf $(VENV) demo-inbox demo-out .prefect .pytest_cache
