"""What our scikit-learn NLU components share: sentence features, the model, and its file.

Both the intent classifier and the response selector read the sentence-level features that
Rasa's featurizers put on a message (lemma counts, character n-grams, regex matches), weigh
them with sublinear TF-IDF and fit a logistic regression. Keeping that in one place means the
two components cannot drift apart in how they see a message.
"""
from __future__ import annotations

from pathlib import Path
from typing import Dict, List, Optional, Sequence

import numpy as np
from scipy.sparse import csr_matrix, hstack, vstack
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

PIPELINE_FILE = "pipeline.skops"


def sentence_features(message: Message) -> csr_matrix:
    """The message's sentence-level features from all featurizers, as one sparse row."""
    sparse = message.get_sparse_features(attribute=TEXT)[1]
    dense = message.get_dense_features(attribute=TEXT)[1]
    parts = [csr_matrix(sparse.features)] if sparse is not None else []
    if dense is not None:
        parts.append(csr_matrix(dense.features))
    return hstack(parts).tocsr() if parts else csr_matrix((1, 0))


def feature_matrix(messages: Sequence[Message]) -> csr_matrix:
    return vstack([sentence_features(m) for m in messages]).tocsr()


def build_pipeline(C: float, max_iter: int, solver: str = "lbfgs", tol: float = 1e-4) -> Pipeline:
    return Pipeline([
        # Sublinear TF-IDF: frequent function words and n-grams shared by all classes weigh less.
        ("tfidf", TfidfTransformer(sublinear_tf=True)),
        # Balanced weights: a class with 12 examples counts as much as one with 1,300 (`faq`).
        ("clf", LogisticRegression(C=C, max_iter=max_iter, solver=solver, tol=tol, class_weight="balanced")),
    ])


def expected_width(pipeline: Pipeline) -> int:
    return int(pipeline.named_steps["tfidf"].n_features_in_)


def rows_to_predict(pipeline: Pipeline, messages: Sequence[Message]) -> tuple[List[int], Optional[csr_matrix]]:
    """Indices of the messages that have features of the trained width, and their matrix.

    An empty message (or one made only of characters the tokenizer drops) has no features:
    there is nothing to classify, so the caller leaves it alone.
    """
    width = expected_width(pipeline)
    rows, indices = [], []
    for index, message in enumerate(messages):
        features = sentence_features(message)
        if features.shape[1] == width:
            rows.append(features)
            indices.append(index)
    return indices, (vstack(rows).tocsr() if rows else None)


class FastPredictor:
    """predict_proba of a fitted TF-IDF + multinomial logistic regression pipeline, for one message at a time.

    scikit-learn multiplies the sparse features with `coef_.T`, a transposed (Fortran-ordered)
    view; scipy then copies that whole matrix (features x classes, tens of MB) on every call,
    which cost about 2 ms per message. Keeping one C-ordered copy makes the product a few
    microseconds. The result equals `pipeline.predict_proba` (checked in the unit tests).
    """

    def __init__(self, pipeline: Pipeline) -> None:
        self._tfidf = pipeline.named_steps["tfidf"]
        clf = pipeline.named_steps["clf"]
        self.classes = [str(label) for label in clf.classes_]
        # Label groups, worked out once instead of per message: "faq/tlv" belongs to intent "faq".
        self.intents: List[str] = sorted({label.partition("/")[0] for label in self.classes})
        self.label_indices_of: Dict[str, np.ndarray] = {
            intent: np.array([i for i, label in enumerate(self.classes) if label.partition("/")[0] == intent])
            for intent in self.intents
        }
        self.retrieval_intents: List[str] = sorted({label.partition("/")[0] for label in self.classes if "/" in label})
        self._weights = np.ascontiguousarray(clf.coef_.T)
        self._intercept = clf.intercept_
        if len(self.classes) == 2:
            # Binary logistic regression has one weight column; keep the general softmax form.
            self._weights = np.ascontiguousarray(np.hstack([-clf.coef_.T, clf.coef_.T]) / 2)
            self._intercept = np.array([-clf.intercept_[0], clf.intercept_[0]]) / 2

    def predict_proba(self, X: csr_matrix) -> np.ndarray:
        scores = np.asarray(self._tfidf.transform(X) @ self._weights) + self._intercept
        scores -= scores.max(axis=1, keepdims=True)
        np.exp(scores, out=scores)
        scores /= scores.sum(axis=1, keepdims=True)
        return scores


def save_pipeline(pipeline: Pipeline, directory: Path) -> None:
    import skops.io as sio

    sio.dump(pipeline, directory / PIPELINE_FILE)


def load_pipeline(directory: Path) -> Pipeline:
    import skops.io as sio

    path = directory / PIPELINE_FILE
    # Our own file, written by save_pipeline: only scikit-learn and numpy types are in it.
    return sio.load(path, trusted=sio.get_untrusted_types(file=path))
