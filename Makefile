# Every target sets up what it needs: a fresh clone needs only python3 and make.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8866
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
STAMP := $(VENV)/.installed

.PHONY: setup chromium nginx npm print-libs serve preview lab hub check test test-fast figures handout link training-report answer-key bench strip clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

setup: $(STAMP)

# Debian's chromium for the browser tests (Playwright's own browser download is not used).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests..."; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; }

# npm for configurable-http-proxy, the hub's proxy (make hub, and the hub's browser test)
npm:
	@command -v npm >/dev/null 2>&1 || { \
	  echo "Installing Debian's npm for the hub's proxy..."; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq npm >/dev/null; }

# Debian's nginx for the test of several processes behind it (docs/deploy.md); installing
# it starts no service here (policy-rc.d), and the test runs its own on a free port.
nginx:
	@command -v nginx >/dev/null 2>&1 || test -x /usr/sbin/nginx || { \
	  echo "Installing Debian's nginx for the deployment test..."; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq nginx >/dev/null; }

# Pango and a font for WeasyPrint (the handout PDFs), poppler-utils to look at them as images.
print-libs:
	@ldconfig -p | grep -q libpangoft2-1.0.so.0 && fc-list | grep -q DejaVuSans && command -v pdftoppm >/dev/null || { \
	  echo "Installing Pango, DejaVu fonts and poppler-utils for the handout..."; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 \
	    fonts-dejavu-core poppler-utils >/dev/null; }

## serve: the landing page and every app in Voila on http://localhost:$(PORT)/
serve: setup print-libs
	$(PY) -m clinic_explainer.serve --port $(PORT)

## preview: the pages as patients will see them, with every draft shown and marked, on another port
PREVIEW_PORT ?= 8867
preview: setup print-libs
	CLINIC_EXPLAINER_PREVIEW=1 $(PY) -m clinic_explainer.serve --port $(PREVIEW_PORT)

## lab: the series in JupyterLab, with trainer notes, for training sessions
## (each notebook's "Present" button: projector type, no code, no file browser; notebooks open
## clean and are saved exactly as committed; Lab's settings: src/clinic_explainer/lab.py)
lab: setup print-libs
	$(PY) -m clinic_explainer.lab

## hub: JupyterHub on http://localhost:$(HUB_PORT)/ (docs/deploy.md): staff log in to JupyterLab in
## training mode; patients open /services/explainer/voila/render/patient_explainer.ipynb, no login.
## Installs jupyterhub (pip) and configurable-http-proxy (npm, into .venv/hub-node/) when missing.
HUB_PORT ?= 8000
hub: setup print-libs npm
	@$(PY) -m clinic_explainer.hub --install-only
	$(PY) -m clinic_explainer.hub --port $(HUB_PORT)

## check: validate content/ (for content editors)
check: setup
	$(PY) -m clinic_explainer.quality.check

## test: content check, unit tests, every notebook executed, browser tests in Voila
test: setup chromium nginx print-libs npm
	$(PY) -m clinic_explainer.quality.check
	$(PY) -m pytest

test-fast: setup print-libs
	$(PY) -m pytest -m "not browser and not server"

## figures: the timeline chart for print and slides, into figures/
figures: setup
	$(PY) -m clinic_explainer.charts.figures figures

## handout: the printable take-home guides (PDF, A4 and US Letter, every language) into handouts/
handout: setup print-libs
	$(PY) -m clinic_explainer.takehome.handout handouts

## link: a patient's personal explainer link and its QR code, e.g. make link DATE=2026-12-02 LANG=es
# (LANG only when given on the command line: the shell's own LANG is a locale such as C.UTF-8;
# the command then runs with a real locale, not LANG=es)
link: setup
	@test -n "$(DATE)" || { echo "usage: make link DATE=YYYY-MM-DD [LANG=es]"; exit 2; }
	@LANG=C.UTF-8 $(PY) -m clinic_explainer.takehome.link "$(DATE)" $(if $(filter command line,$(origin LANG)),--lang "$(LANG)")

## training-report: the training log (CSV) and each finished trainee's certificate (PDF), into training-report/
training-report: setup print-libs
	$(PY) -m clinic_explainer.report training-report

## answer-key: the trainers' answer key (every question, the right answer, why, the FAQ passage; model answers) into answer-key.pdf
answer-key: setup print-libs
	$(PY) -m clinic_explainer.takehome.answer_key answer-key.pdf

## bench: speed benchmarks (kept apart from the tests)
bench: setup chromium
	$(PY) benchmarks/bench_timeline.py
	$(PY) benchmarks/bench_serving.py
	$(PY) benchmarks/bench_phone.py --baseline 4d91b2c
	$(PY) benchmarks/bench_kernel_memory.py --baseline 4d91b2c
	$(PY) benchmarks/bench_load.py --baseline 924caac
	$(PY) benchmarks/bench_stream.py --baseline 924caac
	$(PY) benchmarks/bench_slider.py

## strip: remove outputs from the notebooks before a commit
strip: setup
	$(VENV)/bin/nbstripout --keep-metadata-keys "" notebooks/*.ipynb

clean:
	rm -rf $(VENV) .pytest_cache
