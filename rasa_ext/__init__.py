"""Extensions that run inside the Rasa server (channels, tracker store, NLU components)."""
