# The front door. `make reports` runs the annual cycle, `make test` checks everything.
# Set-up is part of both: .venv is (re)created from requirements.lock when missing or stale.
YEAR    ?= 2018
DATA    ?= data
REPORTS ?= reports
BUILD   ?= build
JOBS    ?= $(shell nproc 2>/dev/null || echo 2)
# pytest-xdist workers for `make test`, one test file each at a time (0: no workers).
TEST_JOBS ?= $(JOBS)
OUTPUT_LANG ?= vi
PYTHON  ?= python3
VENV    := .venv
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/.installed
SHELL   := /bin/bash
.SHELLFLAGS := -o pipefail -c
PIPQ    := 2>&1 | { grep -v 'is ignored: it is neither' || true; }
# The pip that installs the lock (Debian 12's venv brings pip 23.0.1).
PIP_PIN := pip==26.3
# Pythons the lock is made for: the lowest supported one (Debian 12's), see README.
LOCK_PYTHON := 3.11.2
# Left out of the lock, which is installed as it is (--no-deps): jsonschema's optional IRI
# checker builds its grammar on import, 2,5 s of CPU in every process that imports nbformat
# (each build worker, each test process), and no schema here checks IRIs.
LOCK_OMIT := --no-emit-package rfc3987-syntax --no-emit-package lark
LAB_PORT ?= 8888
LAB_IP  ?= 127.0.0.1
# A bare `make` lists the targets (it printed "'.venv/.installed' is up to date").
.DEFAULT_GOAL := help

.PHONY: help reports share reports-all new-year forms validate verification-forms scores sample test lint lab \
	clean bench system-deps lock strip-notebooks

$(STAMP): requirements.lock pyproject.toml scripts/system-deps.sh
	@scripts/system-deps.sh runtime
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "Cài đặt môi trường Python (.venv) theo requirements.lock..."
	@$(PY) -m pip install --quiet --disable-pip-version-check $(PIP_PIN) $(PIPQ)
	@$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -r requirements.lock $(PIPQ)
	@PYTHONWARNINGS=ignore $(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e . $(PIPQ)
	@scripts/git-filters.sh $(VENV)
	@touch $@

## Check (as root: install) the system packages the project needs.
system-deps:
	@scripts/system-deps.sh runtime

## This list: each target with the first line of the comment above it.
help:
	@awk '/^## /{if(!doc)doc=substr($$0,4);next} /^\.PHONY/{next} /^[a-z][a-z-]*:/{split($$0,t,":");printf "  make %-20s %s\n",t[1],doc} {doc=""}' $(firstword $(MAKEFILE_LIST))

## The annual cycle for YEAR: check the forms, score, render every report, rank, index.
reports: $(STAMP)
	@$(PY) -m scoring build --year $(YEAR) --data $(DATA) --reports $(REPORTS) --build $(BUILD) --jobs $(JOBS) --lang $(OUTPUT_LANG) $(if $(DASK_SCHEDULER),--scheduler $(DASK_SCHEDULER))

## Hand out YEAR's results (after bringing the reports up to date): a site to publish and
## its zip, a draft message per unit, the province's copy, the printed booklet.
share: reports
	@$(PY) -m scoring share --year $(YEAR) --data $(DATA) --reports $(REPORTS) --build $(BUILD) --lang $(OUTPUT_LANG)

## Every year that has data, then the trends across them ($(REPORTS)/trends.html, .pdf).
reports-all: $(STAMP)
	@failed=""; for y in $$($(PY) -m scoring years --data $(DATA)); do \
	  $(MAKE) --no-print-directory reports YEAR=$$y || failed="$$failed $$y"; done; \
	$(PY) -m scoring trends --data $(DATA) --reports $(REPORTS) --lang $(OUTPUT_LANG) --failed "$$failed"

## Next year's criteria: $(DATA)/criteria/$(YEAR)/ from the latest set (legal basis to edit).
new-year: $(STAMP)
	@$(PY) -m scoring new-year --year $(YEAR) --data $(DATA) --lang $(OUTPUT_LANG)

## Blank survey forms for every unit valid in YEAR: $(DATA)/$(YEAR)/forms/<unit_id>.xlsx
forms: $(STAMP)
	@$(PY) -m scoring forms --year $(YEAR) --data $(DATA) --lang $(OUTPUT_LANG)

## Check every returned form of YEAR; OUTPUT_LANG=en prints the problems in English.
validate: $(STAMP)
	@$(PY) -m scoring validate --year $(YEAR) --data $(DATA) --lang $(OUTPUT_LANG)

## Only YEAR's scores.csv, no report.
scores: $(STAMP)
	@$(PY) -m scoring score --year $(YEAR) --data $(DATA) --reports $(REPORTS) --lang $(OUTPUT_LANG)

## The office's verification forms of YEAR, pre-filled with each unit's figures and
## evidence: $(DATA)/$(YEAR)/verification/<unit_id>.xlsx (existing ones are kept).
verification-forms: $(STAMP)
	@$(PY) -m scoring verification-forms --year $(YEAR) --data $(DATA) --lang $(OUTPUT_LANG)

## Regenerate the embedded sample submissions (deterministic).
sample: $(STAMP)
	@$(PY) -m dev.sample --year $(YEAR) --data $(DATA) --lang $(OUTPUT_LANG)

## The message catalogue (docs/messages.md): extract every text shown from the code and the
## templates into scoring/text/locale/scoring.pot, then merge it into each language's .po file
## (new texts come in empty, changed ones fuzzy: translate them in scoring.po).
.PHONY: messages
messages: $(STAMP)
	@$(VENV)/bin/pybabel -q extract -F babel.cfg -o scoring/text/locale/scoring.pot \
	  -k ScoringError -k CriteriaError -k UnitsError -k SubmissionError -k render_plural:1,1 \
	  --sort-output --add-location=file --project=scoring --no-wrap scoring dev
	@$(VENV)/bin/pybabel -q update -i scoring/text/locale/scoring.pot -d scoring/text/locale -D scoring \
	  --ignore-obsolete --no-wrap

## Every check: lint, types, the whole test suite (long; TEST_JOBS workers).
test: $(STAMP)
	@scripts/system-deps.sh test
	@$(PY) -m ruff check scoring tests dev
	@$(PY) -m ruff format --check scoring tests dev
	@$(PY) -m mypy scoring dev
	@$(PY) scripts/check_notebooks.py notebooks/*.ipynb
	@$(PY) -m pytest -q -n $(TEST_JOBS) --dist loadfile --durations=10

## JupyterLab on notebooks/ with the project's kernel, for root or a user, on LAB_PORT; no browser
## is opened (copy the printed URL with its token).
lab: $(STAMP)
	@$(PY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (scoring)" >/dev/null
	@$(VENV)/bin/jupyter lab --notebook-dir=notebooks --no-browser --ip=$(LAB_IP) --port=$(LAB_PORT) \
	  --ServerApp.port_retries=0 $(if $(filter 0,$(shell id -u)),--allow-root)

## Clear the outputs of the notebooks (what `make test` asks for when a notebook was saved with them).
strip-notebooks: $(STAMP)
	@$(VENV)/bin/nbstripout notebooks/*.ipynb

## Regenerate requirements.lock for the lowest supported Python (keeps current pins where it can).
lock: $(STAMP)
	@$(VENV)/bin/uv pip compile pyproject.toml --extra test --extra dev $(LOCK_OMIT) \
	  --python-version $(LOCK_PYTHON) --python-platform linux -o requirements.lock

## Time a build of N synthetic units (BASE=<commit> to compare).
bench: $(STAMP)
	@$(PY) -m dev.bench --units $${N:-60} $(if $(BASE),--base $(BASE))

## Remove the reports, the build folder and the tools' caches.
clean:
	rm -rf $(REPORTS) $(BUILD) .pytest_cache .mypy_cache .ruff_cache
