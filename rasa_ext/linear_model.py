"""The scikit-learn model behind LinearIntentClassifier: sentence features, training, and its file.

The classifier reads the sentence-level features that Rasa's featurizers put on a message
(lemma counts, character n-grams, location flags), weighs them with sublinear TF-IDF and fits
a multinomial logistic regression with scikit-learn. What prediction needs of that fit is four
arrays (idf weights, coefficients, intercepts, class names): `LinearModel` keeps just those,
computes the probabilities itself, and stores them as a plain NumPy file. So loading the model
unpickles nothing (no code can hide in the file) and imports no serialisation library: the
skops loader we used first cost about 3 s of every start-up.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import numpy as np
from scipy.sparse import csr_matrix, diags, hstack, vstack

from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

MODEL_FILE = "linear_model.npz"


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


@dataclass
class LinearModel:
    """Sublinear TF-IDF + multinomial logistic regression, for prediction only."""

    classes: List[str]
    idf: np.ndarray  # (features,)
    weights: np.ndarray  # (features, classes), C-ordered: a sparse row times it is a few microseconds
    intercept: np.ndarray  # (classes,)
    intents: List[str] = field(init=False)
    label_indices_of: Dict[str, np.ndarray] = field(init=False)
    retrieval_intents: List[str] = field(init=False)

    def __post_init__(self) -> None:
        self.weights = np.ascontiguousarray(self.weights)
        # Label groups, worked out once instead of per message: "faq/tlv" belongs to intent "faq".
        self.intents = sorted({label.partition("/")[0] for label in self.classes})
        self.label_indices_of = {
            intent: np.array([i for i, label in enumerate(self.classes) if label.partition("/")[0] == intent])
            for intent in self.intents
        }
        self.retrieval_intents = sorted({label.partition("/")[0] for label in self.classes if "/" in label})

    @property
    def n_features(self) -> int:
        return int(self.idf.shape[0])

    @classmethod
    def fit(
        cls, X: csr_matrix, labels: Sequence[str], C: float, max_iter: int, solver: str = "lbfgs", tol: float = 1e-4
    ) -> "LinearModel":
        from sklearn.feature_extraction.text import TfidfTransformer
        from sklearn.linear_model import LogisticRegression

        # Sublinear TF-IDF: frequent function words and n-grams shared by all classes weigh less.
        tfidf = TfidfTransformer(sublinear_tf=True)
        # Balanced weights: a class with 12 examples counts as much as one with 1,300 (`faq`).
        clf = LogisticRegression(C=C, max_iter=max_iter, solver=solver, tol=tol, class_weight="balanced", random_state=0)
        clf.fit(tfidf.fit_transform(X), list(labels))
        weights, intercept = clf.coef_.T, clf.intercept_
        if len(clf.classes_) == 2:
            # Binary logistic regression has one weight column; keep the general softmax form.
            weights = np.hstack([-clf.coef_.T, clf.coef_.T]) / 2
            intercept = np.array([-clf.intercept_[0], clf.intercept_[0]]) / 2
        return cls([str(c) for c in clf.classes_], tfidf.idf_.copy(), weights, intercept)

    def transform(self, X: csr_matrix) -> csr_matrix:
        """TF-IDF as scikit-learn's TfidfTransformer(sublinear_tf=True, norm="l2") does it."""
        X = csr_matrix(X, dtype=np.float64, copy=True)
        np.log(X.data, out=X.data)
        X.data += 1.0
        X = X @ diags(self.idf)
        norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1))).ravel()
        norms[norms == 0.0] = 1.0
        return csr_matrix(diags(1.0 / norms) @ X)

    def predict_proba(self, X: csr_matrix) -> np.ndarray:
        scores = np.asarray(self.transform(X) @ self.weights) + self.intercept
        scores -= scores.max(axis=1, keepdims=True)
        np.exp(scores, out=scores)
        scores /= scores.sum(axis=1, keepdims=True)
        return scores

    def save(self, directory: Path) -> None:
        np.savez(directory / MODEL_FILE, classes=np.array(self.classes, dtype=str), idf=self.idf,
                 weights=self.weights, intercept=self.intercept)

    @classmethod
    def load(cls, directory: Path) -> "LinearModel":
        with np.load(directory / MODEL_FILE, allow_pickle=False) as arrays:
            return cls([str(c) for c in arrays["classes"]], arrays["idf"], arrays["weights"], arrays["intercept"])


def rows_to_predict(model: LinearModel, messages: Sequence[Message]) -> tuple[List[int], Optional[csr_matrix]]:
    """Indices of the messages that have features of the trained width, and their matrix.

    An empty message (or one made only of characters the tokenizer drops) has no features:
    there is nothing to classify, so the caller leaves it alone.
    """
    rows, indices = [], []
    for index, message in enumerate(messages):
        features = sentence_features(message)
        if features.shape[1] == model.n_features:
            rows.append(features)
            indices.append(index)
    return indices, (vstack(rows).tocsr() if rows else None)
