"""Print a hash of everything a trained model depends on.

Used by train_if_stale.sh: the model is retrained only when this hash changes.
Inputs: config.yml, domain.yml, every file under data/, the local spaCy pipeline's build inputs
and the code of our own trainable NLU components.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INPUTS = [
    "config.yml", "domain.yml", "data", "resources/lemma_supplement.tsv", "scripts/build_spacy_pipeline.py",
    # Our own trainable NLU component: a change in how it trains needs a new model.
    "rasa_ext/linear_intent_classifier.py",
    "rasa_ext/linear_model.py",
    "rasa_ext/location_featurizer.py",
]


def fingerprint(root: Path = ROOT) -> str:
    digest = hashlib.sha256()
    for name in INPUTS:
        path = root / name
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            digest.update(str(file.relative_to(root)).encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()


if __name__ == "__main__":
    print(fingerprint())
