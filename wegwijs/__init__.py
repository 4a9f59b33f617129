"""Wegwijs domain logic: plain Python, usable without a Rasa server."""
