"""NLU component: turn an unsure FAQ answer choice into `nlu_fallback`.

Rasa's FallbackClassifier only looks at the intent ranking. For the retrieval intent `faq`
the risky decision is the *answer* the ResponseSelector picks among ~70 FAQ answers: when its
top answer is weak, or the top two are close, we predict `nlu_fallback` so that
`action_clarify` asks "Bedoelt u…?" instead of giving a wrong answer. The response selector's
ranking stays in the parse data for that action to use.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text, Type

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY
from rasa.shared.nlu.training_data.message import Message


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class FaqAmbiguityDetector(GraphComponent, IntentClassifier):
    """Predicts `nlu_fallback` when the FAQ answer selection is weak or ambiguous."""

    @classmethod
    def required_components(cls) -> List[Type]:
        return [IntentClassifier]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            "retrieval_intent": "faq",
            # Below this confidence in the top answer, we ask instead of answering.
            "min_confidence": 0.3,
            # Top two answers closer than this are "ambiguous".
            "min_margin": 0.1,
        }

    def __init__(self, config: Dict[Text, Any]) -> None:
        self.component_config = config

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "FaqAmbiguityDetector":
        return cls(config)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            if self._is_unsure(message):
                fallback = {INTENT_NAME_KEY: DEFAULT_NLU_FALLBACK_INTENT_NAME, PREDICTED_CONFIDENCE_KEY: 1.0}
                message.data[INTENT] = fallback
                message.data.setdefault(INTENT_RANKING_KEY, []).insert(0, dict(fallback))
        return messages

    def _is_unsure(self, message: Message) -> bool:
        retrieval_intent = self.component_config["retrieval_intent"]
        if (message.get(INTENT) or {}).get(INTENT_NAME_KEY) != retrieval_intent:
            return False
        selector = (message.get("response_selector") or {}).get(retrieval_intent) or {}
        ranking = selector.get("ranking") or []
        if not ranking:
            return False
        top = float(ranking[0].get("confidence") or 0.0)
        second = float(ranking[1].get("confidence") or 0.0) if len(ranking) > 1 else 0.0
        return top < self.component_config["min_confidence"] or top - second < self.component_config["min_margin"]
