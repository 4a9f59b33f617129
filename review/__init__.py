"""Wegwijs review app: staff read redacted conversations from the Rasa tracker store.

Modules: config (env), schema (review tables next to Rasa's `events`), summary (fold events
into one row per conversation), indexer (keep that row up to date), auth, audit, queries,
export (NLU YAML / test stories), retention (purge and erasure), app (Starlette web app).
Importing this package is cheap: the Rasa tracker store imports `review.indexer`.
"""
