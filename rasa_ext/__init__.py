"""Extensions that run inside the Rasa server (channels, tracker store, NLU components)."""

# Apology instead of silence when the action server fails; reconnects after a database restart.
from rasa_ext import resilience as _resilience  # noqa: E402

_resilience.install()

# Rasa walks the Event class tree for every stored event it reads; remember the answer (perf).
from rasa_ext import event_lookup as _event_lookup  # noqa: E402

_event_lookup.install()

# Rasa re-checks a constant JSON schema on every custom action call; check it once (perf).
from rasa_ext import action_validation as _action_validation  # noqa: E402

_action_validation.install()

# Rasa loads the spaCy pipeline once per SpacyNLP graph node (twice); share one (start-up, memory).
from rasa_ext import spacy_cache as _spacy_cache  # noqa: E402

_spacy_cache.install()
