# nianbao — two commands for a newcomer: `make demo` (the whole job on the bundled offline demo)
# and `make test` (`make lint` before a commit). Everything they need is installed by `make install`.

VENV      ?= .venv
PYTHON    ?= python3
BIN       := $(CURDIR)/$(VENV)/bin
DEMO_DIR  ?= demo-output
DB        ?= $(DEMO_DIR)/nianbao.db
PORT      ?= 8001
PYTEST_ARGS ?=

export PATH := $(BIN):$(PATH)

.PHONY: install system-packages demo test lint crawl extract serve pywb wacz bench clean

install: $(VENV)/.installed system-packages

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

# Chromium, the DOC readers, LibreOffice (to make DOC test files), a CJK font, Redis and wget.
system-packages:
	@bash scripts/install-system-packages.sh

demo: install
	$(BIN)/python scripts/demo.py --out $(DEMO_DIR) --port $(PORT)

test: install pywb
	PYWB_VENV=$(PYWB_VENV) $(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

# ruff's lint rules and formatting (configured in pyproject.toml); the layer contracts are a test.
lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Datasette over a prepared database: make serve DB=path/to/file.db PORT=8001. It is opened
# immutable and never written (crawl, extract and demo run `python -m publish prepare`); the
# WARC files are found from what the extractor recorded; ARCHIVE_DIR=… overrides.
serve: install
	$(BIN)/python -m publish serve $(DB) --port $(PORT) $(if $(filter command line environment,$(origin ARCHIVE_DIR)),--archive-dir $(ARCHIVE_DIR))

# pywb pins libraries Scrapy needs newer (pyOpenSSL, brotli), so it gets a virtualenv of its own.
PYWB_VENV ?= $(CURDIR)/.venv-pywb
pywb: $(PYWB_VENV)/.installed
$(PYWB_VENV)/.installed:
	$(PYTHON) -m venv $(PYWB_VENV)
	$(PYWB_VENV)/bin/pip install -q 'pywb==2.10.0'
	touch $@

# The periodic job on a real sites list: crawl (a recrawl when ARCHIVE_DIR holds earlier ones),
# then extract what is new. make crawl SITES=sites/sample.csv ARCHIVE_DIR=data/warc CRAWL_DB=data/nianbao.db
SITES       ?= sites/sample.csv
ARCHIVE_DIR ?= data/warc
JOBDIR      ?= data/job
CRAWL_DB    ?= data/nianbao.db
crawl: install
	$(BIN)/scrapy crawl reports -a sites=$(SITES) -s ARCHIVE_DIR=$(ARCHIVE_DIR) -s JOBDIR=$(JOBDIR)
	$(BIN)/python -m extract $(ARCHIVE_DIR) --db $(CRAWL_DB)
	$(BIN)/python -m publish prepare $(CRAWL_DB)

extract: install
	$(BIN)/python -m extract $(ARCHIVE_DIR) --db $(CRAWL_DB)
	$(BIN)/python -m publish prepare $(CRAWL_DB)

# One shareable file for ReplayWeb.page: make wacz ARCHIVE_DIR=data/warc OUT=crawl.wacz
wacz: install
	$(BIN)/python -m publish.wacz $(ARCHIVE_DIR) --out $(or $(OUT),crawl.wacz)

# Crawl and recrawl against their bounds, frontier memory, extraction speed, discovery recall
# and publication at 200,000 reports; figures in bench/results/*.json.
bench: install
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(DEMO_DIR) .pytest_cache
