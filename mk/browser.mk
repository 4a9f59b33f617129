# Browser for the end-to-end tests (issue 5, widget): Debian's chromium, driven by
# Playwright for Python with executable_path=/usr/bin/chromium (no browser download).
.PHONY: browser widget-build widget-size widget-bench

browser: ## Install Debian's chromium for the browser tests (only when missing)
	@if [ ! -x /usr/bin/chromium ]; then \
	  echo "Installing chromium (apt-get)..."; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; \
	fi
	@$(PY) -c "import playwright" 2>/dev/null || { echo "playwright missing in $(VENV): run make install"; exit 1; }

widget-build: ## Rebuild widget/dist/wegwijs-widget.js from widget/src (needs npm)
	@cd widget && npm ci --no-audit --no-fund && node build.mjs

widget-size: ## Report the gzipped size of the widget bundle
	@$(PY) bench/widget_bundle_size.py

widget-bench: browser ## Time to first answer in the widget (needs `make run` with origin http://127.0.0.1:18000 allowed)
	@$(PY) bench/widget_first_answer.py --rasa-url http://localhost:$(RASA_PORT)

TEST_PREREQS += browser
