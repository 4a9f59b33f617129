"""NLU component: decide what to do when the FAQ answer choice is unsure.

Rasa's FallbackClassifier only looks at the intent ranking. For the retrieval intent `faq`
the risky decision is the *answer* picked among ~70 FAQ answers:

- the top answer is weak (under `out_of_scope_max_answer_confidence`) and the model gives
  `out_of_scope` a real share (at least `out_of_scope_min_confidence`): the question is most likely not about
  passend onderwijs at all ("welke tandarts neemt nog patiënten aan"); we predict
  `out_of_scope`, which says kindly what the assistant can help with instead of guessing;
- otherwise, when the top answer is weak or the top two are close, we predict `nlu_fallback`
  so that `action_clarify` asks "Bedoelt u…?" instead of giving a wrong answer.

The first rule also applies after FallbackClassifier already chose `nlu_fallback`. The answer
ranking stays in the parse data for action_clarify. Thresholds and their effect on the dev
questions: README, "NLU".
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text, Tuple, Type

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
            # A top answer under this confidence plus this much out_of_scope probability sends the
            # question to out_of_scope.
            "out_of_scope_intent": "out_of_scope",
            "out_of_scope_max_answer_confidence": 0.3,
            "out_of_scope_min_confidence": 0.05,
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
        config = self.component_config
        for message in messages:
            intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
            if intent not in (config["retrieval_intent"], DEFAULT_NLU_FALLBACK_INTENT_NAME):
                continue
            top, second = self._top_two_answers(message)
            if top is None:
                continue
            out_of_scope = self._intent_confidence(message, config["out_of_scope_intent"])
            if top < config["out_of_scope_max_answer_confidence"] and out_of_scope >= config["out_of_scope_min_confidence"]:
                self._predict(message, config["out_of_scope_intent"], out_of_scope)
            elif intent == config["retrieval_intent"] and (
                top < config["min_confidence"] or top - second < config["min_margin"]
            ):
                self._predict(message, DEFAULT_NLU_FALLBACK_INTENT_NAME, 1.0)
        return messages

    def _top_two_answers(self, message: Message) -> Tuple[Optional[float], float]:
        selector = (message.get("response_selector") or {}).get(self.component_config["retrieval_intent"]) or {}
        ranking = selector.get("ranking") or []
        if not ranking:
            return None, 0.0
        top = float(ranking[0].get("confidence") or 0.0)
        second = float(ranking[1].get("confidence") or 0.0) if len(ranking) > 1 else 0.0
        return top, second

    @staticmethod
    def _intent_confidence(message: Message, name: Text) -> float:
        for row in message.get(INTENT_RANKING_KEY) or []:
            if row.get(INTENT_NAME_KEY) == name:
                return float(row.get(PREDICTED_CONFIDENCE_KEY) or 0.0)
        return 0.0

    @staticmethod
    def _predict(message: Message, name: Text, confidence: float) -> None:
        prediction = {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: confidence}
        message.data[INTENT] = prediction
        message.data.setdefault(INTENT_RANKING_KEY, []).insert(0, dict(prediction))
