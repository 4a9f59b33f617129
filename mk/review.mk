# Staff review app (issue 6): redacted conversations from the tracker store, for staff.
# Privacy: docs/privacy.md. Settings: WEGWIJS_TRACKER_STORE_URL, WEGWIJS_REVIEW_SECRET, WEGWIJS_RETENTION_DAYS.
.PHONY: review review-user purge review-reindex review-bench

review: $(VENV)/.installed ## Start the staff review app at http://localhost:$(REVIEW_PORT)/ (make review-user first)
	@SQLALCHEMY_SILENCE_UBER_WARNING=1 $(PY) -m review serve --port $(REVIEW_PORT)

review-user: $(VENV)/.installed ## Create or reset a review account: make review-user NAME=anna (asks the password)
	@test -n "$(NAME)" || { echo "Usage: make review-user NAME=<username>" >&2; exit 1; }
	@SQLALCHEMY_SILENCE_UBER_WARNING=1 $(PY) -m review create-user "$(NAME)"

purge: $(VENV)/.installed ## Delete conversations older than WEGWIJS_RETENTION_DAYS (default 90); run daily
	@SQLALCHEMY_SILENCE_UBER_WARNING=1 $(PY) -m review purge

review-reindex: $(VENV)/.installed ## Rebuild the review summary tables from the events table
	@SQLALCHEMY_SILENCE_UBER_WARNING=1 $(PY) -m review reindex

review-bench: $(VENV)/.installed ## List page p95 at 100k conversations / 2M events in PostgreSQL (writes bench/results/)
	@SQLALCHEMY_SILENCE_UBER_WARNING=1 $(PY) bench/review_bench.py
