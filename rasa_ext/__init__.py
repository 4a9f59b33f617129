"""Extensions that run inside the Rasa server (channels, tracker store, NLU components)."""

# Apology instead of silence when the action server fails; reconnects after a database restart.
from rasa_ext import resilience as _resilience  # noqa: E402

_resilience.install()
