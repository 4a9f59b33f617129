"""The NLU components of rasa_ext: LinearIntentClassifier and FaqAmbiguityDetector.

The classifier is trained for real (scikit-learn, Rasa's model storage) on messages that carry
sentence features, as Rasa's featurizers leave them; only the featurizers are replaced by a
small bag of words so each test can say which words point where.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.events import Event
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.shared.utils.common import all_subclasses
from scipy.sparse import coo_matrix

from rasa_ext import event_lookup
from rasa_ext.faq_ambiguity import FaqAmbiguityDetector
from rasa_ext.linear_intent_classifier import LinearIntentClassifier
from rasa_ext.linear_model import MODEL_FILE, LinearModel, feature_matrix

VOCABULARY = ["hallo", "dag", "tlv", "aanvragen", "bezwaar", "zorgplicht", "school", "weer", "recept", "bedankt"]
EXAMPLES = {
    "greet": ["hallo", "hallo dag"],
    "faq/tlv_aanvraag": ["tlv aanvragen", "tlv aanvragen school"],
    "faq/tlv_bezwaar": ["tlv bezwaar", "bezwaar tlv school"],
    "faq/zorgplicht": ["zorgplicht school", "zorgplicht"],
    "out_of_scope/algemeen": ["weer", "recept", "weer recept"],
    "chitchat/bedankt": ["bedankt", "bedankt dag"],
}


def featurised(text: str, **data: str) -> Message:
    words = text.split()
    row = np.array([[words.count(word) for word in VOCABULARY]], dtype=float)
    message = Message(data={TEXT: text, **data})
    if row.any():
        message.add_features(Features(coo_matrix(row), FEATURE_TYPE_SENTENCE, TEXT, "bag_of_words"))
    return message


def training_data() -> TrainingData:
    examples = []
    for label, texts in EXAMPLES.items():
        intent, _, key = label.partition("/")
        extra = {"intent_response_key": label} if key else {}
        examples += [featurised(text, intent=intent, **extra) for text in texts]
    responses = {f"utter_{label}": [{"text": f"antwoord {label}"}] for label in EXAMPLES if "/" in label}
    return TrainingData(training_examples=examples, responses=responses)


@pytest.fixture
def storage(tmp_path: Path) -> LocalModelStorage:
    return LocalModelStorage(tmp_path)


def trained(storage: LocalModelStorage) -> LinearIntentClassifier:
    resource = Resource("linear_intent_classifier")
    context = ExecutionContext(GraphSchema({}), "test")
    component = LinearIntentClassifier.create({**LinearIntentClassifier.get_default_config(), "C": 10},
                                              storage, resource, context)
    component.train(training_data())
    return LinearIntentClassifier.load(component.config, storage, resource, context)


def parse(component: LinearIntentClassifier, text: str) -> Message:
    message = featurised(text)
    component.process([message])
    return message


def test_intent_confidence_is_the_sum_over_its_keys_and_selectors_rank_each_retrieval_intent(storage) -> None:
    component = trained(storage)
    message = parse(component, "tlv bezwaar")
    ranking = message.get("intent_ranking")
    assert message.get("intent")["name"] == "faq"
    assert {row["name"] for row in ranking} == {"greet", "faq", "out_of_scope", "chitchat"}
    assert sum(row["confidence"] for row in ranking) == pytest.approx(1.0)
    assert [row["confidence"] for row in ranking] == sorted((row["confidence"] for row in ranking), reverse=True)

    selectors = message.get("response_selector")
    assert selectors["all_retrieval_intents"] == ["chitchat", "faq", "out_of_scope"]
    faq = selectors["faq"]
    assert faq["response"]["intent_response_key"] == "faq/tlv_bezwaar"
    assert faq["response"]["utter_action"] == "utter_faq/tlv_bezwaar"
    assert faq["response"]["responses"] == [{"text": "antwoord faq/tlv_bezwaar"}]
    assert sum(row["confidence"] for row in faq["ranking"]) == pytest.approx(1.0)  # renormalised within faq
    assert {row["intent_response_key"] for row in faq["ranking"]} == {"faq/tlv_aanvraag", "faq/tlv_bezwaar", "faq/zorgplicht"}


@pytest.mark.parametrize("text, intent, key", [
    ("hallo", "greet", None),
    ("weer recept", "out_of_scope", "out_of_scope/algemeen"),
    ("bedankt", "chitchat", "chitchat/bedankt"),
    ("zorgplicht school", "faq", "faq/zorgplicht"),
])
def test_predicts_the_intent_and_answer_of_what_it_learnt(storage, text: str, intent: str, key: str | None) -> None:
    message = parse(trained(storage), text)
    assert message.get("intent")["name"] == intent
    if key:
        assert message.get("response_selector")[intent]["response"]["intent_response_key"] == key


def test_message_without_features_gets_no_intent_so_the_fallback_answers(storage) -> None:
    message = parse(trained(storage), "🙂")  # no known word: the featurizers give nothing
    assert message.get("intent") == {"name": None, "confidence": 0.0}
    assert message.get("intent_ranking") == []


def test_linear_model_gives_the_same_probabilities_as_scikit_learn(storage, tmp_path: Path) -> None:
    from sklearn.feature_extraction.text import TfidfTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    data = training_data()
    X_train = feature_matrix(data.training_examples)
    labels = [m.get_full_intent() for m in data.training_examples]
    reference = make_pipeline(TfidfTransformer(sublinear_tf=True),
                              LogisticRegression(C=10, max_iter=3000, class_weight="balanced")).fit(X_train, labels)
    model = LinearModel.fit(X_train, labels, C=10, max_iter=3000)
    X = feature_matrix([featurised(t) for t in ["tlv", "hallo dag", "weer school", "bezwaar zorgplicht recept"]])
    assert model.classes == list(reference.classes_)
    assert model.predict_proba(X) == pytest.approx(reference.predict_proba(X), abs=1e-9)
    # Stored as plain arrays and loaded without unpickling: the same model comes back.
    model.save(tmp_path)
    with np.load(tmp_path / MODEL_FILE, allow_pickle=False) as arrays:
        assert set(arrays.files) == {"classes", "idf", "weights", "intercept"}
    assert LinearModel.load(tmp_path).predict_proba(X) == pytest.approx(model.predict_proba(X), abs=1e-12)


def test_binary_model_keeps_the_softmax_form() -> None:
    X = feature_matrix([featurised(t) for t in ["hallo", "hallo dag", "tlv", "tlv aanvragen"]])
    model = LinearModel.fit(X, ["greet", "greet", "faq/tlv", "faq/tlv"], C=10, max_iter=1000)
    probabilities = model.predict_proba(feature_matrix([featurised("hallo"), featurised("tlv")]))
    assert probabilities.shape == (2, 2) and probabilities.sum(axis=1) == pytest.approx([1, 1])
    assert model.classes[int(probabilities[0].argmax())] == "greet"
    assert model.classes[int(probabilities[1].argmax())] == "faq/tlv"


def detector_message(intent: str, faq_confidences: list[float], out_of_scope: float) -> Message:
    ranking = [{"name": intent, "confidence": 0.6}, {"name": "out_of_scope", "confidence": out_of_scope}]
    faq = [{"id": i, "confidence": c, "intent_response_key": f"faq/k{i}"} for i, c in enumerate(faq_confidences)]
    return Message(data={
        TEXT: "x", "intent": {"name": intent, "confidence": 0.6}, "intent_ranking": ranking,
        "response_selector": {"faq": {"ranking": faq, "response": {}}},
    })


@pytest.mark.parametrize("intent, faq, out_of_scope, expected", [
    ("faq", [0.9, 0.05], 0.01, "faq"),                    # clear answer: unchanged
    ("faq", [0.15, 0.1], 0.2, "out_of_scope"),            # weak answer, real out-of-scope share
    ("faq", [0.15, 0.1], 0.01, "nlu_fallback"),           # weak answer, not out of scope: ask
    ("faq", [0.30, 0.1], 0.2, "out_of_scope"),            # fairly weak answer, real out-of-scope share
    ("faq", [0.30, 0.1], 0.05, "faq"),                    # fairly weak answer, little out-of-scope share
    ("faq", [0.40, 0.39], 0.3, "nlu_fallback"),           # two answers too close: ask
    ("nlu_fallback", [0.1, 0.05], 0.2, "out_of_scope"),   # unsure intent, no FAQ answer fits
    ("nlu_fallback", [0.6, 0.1], 0.2, "nlu_fallback"),    # unsure intent, but a FAQ answer fits
    ("greet", [0.1, 0.05], 0.3, "greet"),                 # other intents are left alone
])
def test_faq_ambiguity_detector_routes_weak_faq_answers(intent, faq, out_of_scope, expected) -> None:
    detector = FaqAmbiguityDetector({**FaqAmbiguityDetector.get_default_config(),
                                     "min_confidence": 0.2, "min_margin": 0.03,
                                     "out_of_scope_max_answer_confidence": 0.35, "out_of_scope_min_confidence": 0.1})
    message = detector_message(intent, faq, out_of_scope)
    detector.process([message])
    assert message.get("intent")["name"] == expected
    assert message.get("intent_ranking")[0]["name"] == expected


def test_cached_event_lookup_resolves_like_rasa() -> None:
    event_lookup.install()
    for cls in all_subclasses(Event):
        assert Event.resolve_by_type(cls.type_name) is event_lookup._original_resolve_by_type(cls.type_name)
    with pytest.raises(ValueError):
        Event.resolve_by_type("no_such_event")
    assert Event.resolve_by_type("no_such_event", default=Event) is Event
