# Every target creates its own virtualenv on first use, so a fresh clone needs only
# `make demo` or `make test`.  The dev install has every extra (`.[dev,train,docs]`): torch is
# installed first, pinned to the CPU build that lies on this machine's disk (an unpinned
# torch would pull a multi-GB CUDA build).  `make wheel-check` installs the wheel alone,
# without torch, in a throwaway virtualenv under /tmp and uses it outside the tree.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
TORCH_SPEC ?= torch==2.13.0
DEMO_OUT ?= out/demo

.PHONY: install demo test lint docs wheel-check bench clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet "$(TORCH_SPEC)"
	$(BIN)/python -m pip install --quiet -e ".[dev,train,docs]"
	touch $@

demo: install
	$(BIN)/pairgen build demo --out $(DEMO_OUT)
	$(BIN)/pairgen validate $(DEMO_OUT)
	$(BIN)/pairgen stats $(DEMO_OUT)
	$(BIN)/pairgen query $(DEMO_OUT) --file reject_reasons

test: install
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check pairgen tests benchmarks
	$(BIN)/ruff format --check pairgen tests benchmarks
	$(BIN)/mypy

# The documentation site (docs/, mkdocs.yml) into site/; --strict: any warning fails.
docs: install
	$(BIN)/mkdocs build --strict

wheel-check: install
	$(BIN)/python tests/install/wheel_check.py --python $(PYTHON)

bench: install
	$(BIN)/python benchmarks/build.py

clean:
	rm -rf $(VENV) out runs site .pytest_cache .mypy_cache .ruff_cache
