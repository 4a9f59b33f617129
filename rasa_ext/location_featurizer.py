"""NLU featurizer: does the message name a Dutch place, a postcode or a partnership code?

Parents answer "In welke plaats staat de school?" with a bare name: "Gouda", "Nieuw-Vennep",
"2312 AB". To the word and character features an unseen place name looks like noise, so
`inform_location` and `ask_partnership` were confused with out-of-scope questions. This
featurizer uses the same registry-based extractor as the partnership form (wegwijs.extract:
all 342 municipalities, 2,502 places, 4,046 postcodes, partnership codes), so every known
place counts, including ones no training example mentions. New places need no retraining.

Sentence features (one row per message), all 0/1:
    place, postcode, partnership code, mostly a location (≥ half of the words belong to a
    place name or postcode, as in a bare answer).
Sequence features mark the tokens inside a place name or postcode.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text, Type

import numpy as np
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.sparse_featurizer.sparse_featurizer import SparseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.nlu.constants import TEXT, TEXT_TOKENS
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from wegwijs.extract import extract

SENTENCE_FEATURES = ("place", "postcode", "partnership_code", "mostly_location")


def location_flags(text: str) -> tuple[list[float], list[tuple[int, int]]]:
    """The sentence flags of SENTENCE_FEATURES and the character spans of the locations found."""
    found = extract(text or "")
    spans = [(m.start, m.end) for m in found.mentions]
    words = text.split()
    location_chars = sum(end - start for start, end in spans)
    word_chars = sum(len(w) for w in words) or 1
    flags = [
        float(any(m.kind == "name" for m in found.mentions)),
        float(any(m.kind == "postcode" for m in found.mentions)),
        float(bool(found.codes)),
        float(bool(spans) and location_chars / word_chars >= 0.5),
    ]
    return flags, spans


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class LocationFeaturizer(SparseFeaturizer, GraphComponent):
    """Adds place / postcode / partnership-code features from wegwijs.extract."""

    @classmethod
    def required_components(cls) -> List[Type]:
        return [Tokenizer]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**SparseFeaturizer.get_default_config()}

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        """Nothing to configure."""

    def __init__(self, config: Dict[Text, Any], execution_context: ExecutionContext) -> None:
        super().__init__(execution_context.node_name, config)

    @classmethod
    def create(
        cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
        execution_context: ExecutionContext,
    ) -> "LocationFeaturizer":
        return cls({**cls.get_default_config(), **config}, execution_context)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self._featurize(message)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data

    def _featurize(self, message: Message) -> None:
        tokens = message.get(TEXT_TOKENS)
        text = message.get(TEXT)
        if not tokens or not text:
            return
        flags, spans = location_flags(text)
        sequence = np.zeros((len(tokens), 1))
        for row, token in enumerate(tokens):
            if any(start <= token.start < end for start, end in spans):
                sequence[row, 0] = 1.0
        self.add_features_to_message(
            scipy.sparse.coo_matrix(sequence), scipy.sparse.coo_matrix(np.array([flags])), TEXT, message
        )
