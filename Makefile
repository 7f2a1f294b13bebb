# Two entry points for people: `make run` (set up, then serve the web app and API) and
# `make test` (set up, then run the whole test suite). Everything else is a helper.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
export GRADIO_ANALYTICS_ENABLED := False

.PHONY: setup run batch test lint browser-deps models tiny-models bench load-test evaluate clean

# torch first and pinned: a bare `torch` requirement would pull several GB of CUDA wheels.
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e '.[test,cluster]'
	touch $@

setup: $(VENV)/.installed

run: setup
	$(PY) -m ui

# The batch job from the project's venv, no activation needed: make batch ARGS="articles/ -o out.jsonl"
batch: setup
	$(PY) scripts/batch_translate.py $(ARGS)

# Debian's chromium for the browser test (skipped, with a reason, where it cannot be installed).
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
	  && (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	  || echo "chromium not installed: the browser test will be skipped"; }

lint: setup
	$(PY) -m ruff check .

test: setup browser-deps lint
	$(PY) -m pytest

# On a connected machine: fetch the default translator and convert it to CTranslate2 int8.
models: setup
	$(PY) scripts/download_models.py --ct2

tiny-models: setup
	$(PY) scripts/make_tiny_models.py build/tiny-models

# The benchmark runs in .venv-bench: the main venv's packages (torch, ctranslate2, ...) through a
# .pth file, plus the `bench` extra (argostranslate, which pulls spaCy and Stanza) kept out of .venv.
BENCH_VENV ?= .venv-bench
$(BENCH_VENV)/.installed: $(VENV)/.installed
	"$$($(PY) -c 'import sys; print(sys._base_executable)')" -m venv $(BENCH_VENV)
	$(PY) -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])' > \
	  "$$($(BENCH_VENV)/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/main-venv.pth"
	$(BENCH_VENV)/bin/python -m pip install -q -e '.[bench]'
	touch $@

bench: $(BENCH_VENV)/.installed
	$(BENCH_VENV)/bin/python scripts/bench.py

load-test: setup
	$(PY) scripts/load_test.py

# Translation quality of the configured model: make evaluate PAIRS=ell-eng.tsv [EVAL_FLAGS='--compare torch,ct2']
evaluate: setup
	@test -n "$(PAIRS)" || { echo "usage: make evaluate PAIRS=pairs.tsv [EVAL_FLAGS='--compare torch,ct2 --out report.md']"; exit 2; }
	$(PY) scripts/evaluate.py translate "$(PAIRS)" $(EVAL_FLAGS)

clean:
	rm -rf $(VENV) $(BENCH_VENV) build .pytest_cache .ruff_cache *.egg-info
