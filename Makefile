# Two commands on a fresh machine: `make demo` and `make test`. Everything else is set up by them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The dashboard's browser scripts (docs/dashboard.md#building-the-browser-assets): npm ci of package-lock.json, then
# the minified files and their licences copied into the package. Built, never committed (.gitignore).
VENDOR := src/kpilot/server/web/static/vendor
ASSETS := $(VENDOR)/.built
# package/file-in-the-package:name-under-/static/vendor/
VENDOR_FILES := htmx.org/dist/htmx.min.js:htmx.min.js htmx-ext-sse/dist/sse.min.js:htmx-ext-sse.min.js \
	vega/build/vega.min.js:vega.min.js vega-lite/build/vega-lite.min.js:vega-lite.min.js \
	vega-embed/build/vega-embed.min.js:vega-embed.min.js
# Debian's Chromium for the browser tests (tests/web): Playwright drives it; no browser is ever downloaded.
CHROMIUM := /usr/bin/chromium
CJK_FONT := /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc
# `apt-get install -y` of the packages in $$packages: as root, else through sudo, else a clear refusal.
APT_INSTALL = if ! command -v apt-get >/dev/null; then echo "make: apt-get not found: install $$packages yourself" >&2; \
	exit 1; elif [ "$$(id -u)" = 0 ]; then sudo=; elif command -v sudo >/dev/null; then sudo=sudo; \
	else echo "make: $$packages missing; run as root or install sudo (apt-get install $$packages)" >&2; exit 1; fi; \
	echo "make: installing Debian's $$packages" >&2; \
	$$sudo apt-get update -qq && $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$packages >/dev/null

.PHONY: demo test lint typecheck unit bench clean assets screenshots

# The assets are order-only here: an editable install has them, and a change to the lock file rebuilds them
# (through `assets`, `unit`, `demo`, `bench`), never the venv.
$(STAMP): pyproject.toml | $(ASSETS)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

assets: $(ASSETS)

$(ASSETS): package.json package-lock.json
	@command -v npm >/dev/null || { packages="nodejs npm"; $(APT_INSTALL); }
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	rm -rf $(VENDOR)
	mkdir -p $(VENDOR)/LICENSES
	@for entry in $(VENDOR_FILES); do \
		source=$${entry%%:*}; package=$${source%%/*}; \
		cp node_modules/$$source $(VENDOR)/$${entry#*:} && cp node_modules/$$package/LICENSE $(VENDOR)/LICENSES/$$package.txt \
			|| exit 1; \
	done
	touch $@

$(CHROMIUM):
	@packages=chromium; $(APT_INSTALL)

# A font with Chinese characters, so that the pages' Chinese is drawn (and screenshotted) as text, not as boxes.
$(CJK_FONT):
	@packages=fonts-wqy-zenhei; $(APT_INSTALL)

# Ends by serving the dashboard on the demo company until Ctrl-C (`make demo SERVE=no` stops after the scorecards).
# The demo accounts' passwords are printed again just before (they are kept nowhere: held in the shell only).
SERVE ?= yes
PORT ?= 8000

demo: $(STAMP) $(ASSETS)
	rm -rf demo-workspace
	@made="$$($(BIN)/kpilot demo demo-workspace)" || exit 1; printf '%s\n' "$$made"; \
	$(BIN)/kpilot scorecard -w demo-workspace && \
	$(BIN)/kpilot scorecard -w demo-workspace --period current --category sales --explain && \
	$(BIN)/kpilot matrix -w demo-workspace || exit 1; \
	if [ "$(SERVE)" != no ]; then \
		printf '\n%s\n\n' "$$made"; \
		exec $(BIN)/kpilot serve -w demo-workspace --port $(PORT); \
	fi

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP) $(ASSETS) $(CHROMIUM) $(CJK_FONT)
	$(BIN)/pytest -n auto -q

test: lint typecheck unit

# The screenshots of docs/dashboard.md: the browser tests write every page in every language to tests/web/screenshots/
# (KPILOT_SCREENSHOTS=all; without it, in English only);
# each page in English, and My KPIs in the four languages, are copied to docs/screenshots/.
screenshots: $(STAMP) $(ASSETS) $(CHROMIUM) $(CJK_FONT)
	rm -rf tests/web/screenshots
	KPILOT_SCREENSHOTS=all $(BIN)/pytest -n auto -q -m web tests/web/test_accessibility.py
	mkdir -p docs/screenshots
	rm -f docs/screenshots/*.png
	cp tests/web/screenshots/page-*-en.png tests/web/screenshots/page-my-kpis-it.png tests/web/screenshots/page-my-kpis-pl.png \
		tests/web/screenshots/page-my-kpis-zh.png docs/screenshots/

bench: $(STAMP) $(ASSETS)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) build .pytest_cache .mypy_cache .ruff_cache node_modules $(VENDOR) tests/web/screenshots
