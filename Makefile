# The README's two commands: `make tapeout` and `make test`. Both run the
# idempotent set-up first (a no-op in seconds once done).
VENV := .venv
PY := $(VENV)/bin/python
OUT ?= build

.PHONY: setup tapeout test bench docs clean

setup:
	@bash tools/setup.sh

tapeout: setup
	$(VENV)/bin/weiming tapeout --out $(OUT)

test: setup
	$(PY) -m pytest -n 2 tests

# The documentation site into site/ (strict: warnings are errors; tutorials are executed).
docs: setup
	$(VENV)/bin/mkdocs build --strict

bench: setup
	@for b in benchmarks/*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

clean:
	rm -rf $(OUT) .weiming-cache site
