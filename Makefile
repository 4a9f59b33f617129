# Wegwijs: the two commands a newcomer needs are `make run` and `make test`.
# Everything else is a building block they call. Feature areas add targets in mk/*.mk.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV          := .venv
PY            := $(VENV)/bin/python
RASA          := $(VENV)/bin/rasa
SPACY_MODEL   := .spacy/nl_wegwijs
MODEL         := models/wegwijs.tar.gz

# Ports and URLs; override on the command line or in the environment.
RASA_PORT     ?= 5005
ACTIONS_PORT  ?= 5055
WIDGET_PORT   ?= 8000
REVIEW_PORT   ?= 8001
export RASA_PORT ACTIONS_PORT WIDGET_PORT REVIEW_PORT
# No usage or error reports to Rasa's servers: they can carry parents' messages.
RASA_TELEMETRY_ENABLED ?= false
export RASA_TELEMETRY_ENABLED

# Extra prerequisites of `make test` (e.g. a browser), added by mk/*.mk.
TEST_PREREQS  :=

.PHONY: help install spacy train run test validate bench lock clean

help: ## Show the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

install: $(VENV)/.installed $(SPACY_MODEL)/meta.json ## Create .venv with Python 3.10, install pinned packages, build the spaCy pipeline

$(VENV)/.installed: requirements.txt constraints.txt scripts/install.sh
	@scripts/install.sh

$(SPACY_MODEL)/meta.json: scripts/build_spacy_pipeline.py resources/lemma_supplement.tsv $(VENV)/.installed
	@$(PY) scripts/build_spacy_pipeline.py

train: install ## Train the model, only when data/, domain.yml or config.yml changed
	@scripts/train_if_stale.sh

run: train ## Install, train if needed and start the assistant (Ctrl-C stops it)
	@scripts/run.sh

validate: install ## Check training data and domain (rasa data validate --fail-on-warnings)
	@$(RASA) data validate --fail-on-warnings

# $(TEST_PREREQS) is filled by mk/*.mk, included at the end: expand it when the rule runs (secondary expansion).
.SECONDEXPANSION:
test: train $$(TEST_PREREQS) ## Every check: validation, unit, integration and browser tests, test stories, NLU quality report
	@scripts/test.sh

lock: $(VENV)/.installed ## Re-pin constraints.txt from the current .venv
	@$(VENV)/bin/pip freeze --exclude-editable > constraints.txt && echo "constraints.txt updated"

clean: ## Remove trained models and runtime state (keeps .venv)
	rm -rf models/*.tar.gz models/.fingerprint var/ results/

-include mk/*.mk
