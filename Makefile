# nianbao — two commands for a newcomer: `make demo` (the whole job on the bundled offline demo)
# and `make test`. Everything they need is installed by `make install`.

VENV      ?= .venv
PYTHON    ?= python3
BIN       := $(CURDIR)/$(VENV)/bin
DEMO_DIR  ?= demo-output
DB        ?= $(DEMO_DIR)/nianbao.db
PORT      ?= 8001
PYTEST_ARGS ?=

export PATH := $(BIN):$(PATH)

.PHONY: install system-packages demo test crawl extract clean

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
	$(BIN)/python scripts/demo.py --out $(DEMO_DIR)

test: install
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

# The crawl on a real sites list: make crawl SITES=sites/sample.csv ARCHIVE_DIR=data/warc
SITES       ?= sites/sample.csv
ARCHIVE_DIR ?= data/warc
JOBDIR      ?= data/job
crawl: install
	$(BIN)/scrapy crawl reports -a sites=$(SITES) -s ARCHIVE_DIR=$(ARCHIVE_DIR) -s JOBDIR=$(JOBDIR)

extract: install
	$(BIN)/python -m extract $(ARCHIVE_DIR) --db $(DB)

clean:
	rm -rf $(DEMO_DIR) .pytest_cache
