"""LocationFeaturizer: place names, postcodes and partnership codes become NLU features."""
from __future__ import annotations

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from rasa_ext.location_featurizer import SENTENCE_FEATURES, LocationFeaturizer, location_flags


def flags(text: str) -> dict[str, float]:
    return dict(zip(SENTENCE_FEATURES, location_flags(text)[0]))


@pytest.mark.parametrize("text, expected", [
    ("Gouda", {"place": 1, "postcode": 0, "partnership_code": 0, "mostly_location": 1}),
    ("2312 AB", {"place": 0, "postcode": 1, "partnership_code": 0, "mostly_location": 1}),
    ("de school staat in Nieuw-Vennep", {"place": 1, "postcode": 0, "partnership_code": 0, "mostly_location": 0}),
    ("welk swv is 28.01", {"place": 0, "postcode": 0, "partnership_code": 1, "mostly_location": 0}),
    ("wat is passend onderwijs", {"place": 0, "postcode": 0, "partnership_code": 0, "mostly_location": 0}),
    ("het beste antwoord", {"place": 0, "postcode": 0, "partnership_code": 0, "mostly_location": 0}),
])
def test_sentence_flags(text: str, expected: dict[str, float]) -> None:
    assert flags(text) == expected


def test_featurizer_adds_sentence_and_sequence_features_that_mark_the_place_tokens() -> None:
    context = ExecutionContext(GraphSchema({}), "location")
    tokenizer = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
    featurizer = LocationFeaturizer.create(LocationFeaturizer.get_default_config(), None, None, context)
    messages = [Message(data={"text": "school in Alphen aan den Rijn"}), Message(data={"text": "hallo"})]
    tokenizer.process(messages)
    featurizer.process_training_data(TrainingData(training_examples=messages))
    sequence, sentence = messages[0].get_sparse_features("text")
    assert sentence.features.toarray().tolist() == [[1.0, 0.0, 0.0, 1.0]]
    assert sequence.features.toarray()[:, 0].tolist() == [0, 0, 1, 1, 1, 1]
    assert messages[1].get_sparse_features("text")[1].features.toarray().tolist() == [[0.0, 0.0, 0.0, 0.0]]
