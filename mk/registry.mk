# --- partnership registry (issue 4) ---
.PHONY: registry bench-lookup

REGISTRY_INPUTS := $(wildcard resources/official/*.csv) resources/registry/aliases.csv

registry: resources/registry/registry.json ## Rebuild the partnership registry from resources/official/

resources/registry/registry.json: scripts/build_registry.py wegwijs/text.py $(REGISTRY_INPUTS)
	@$(PY) scripts/build_registry.py

bench-lookup: ## Time in-process registry lookups (goal: p99 under 5 ms)
	@$(PY) bench/lookup_bench.py
