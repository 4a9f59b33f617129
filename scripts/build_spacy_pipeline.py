"""Build the local Dutch spaCy pipeline that Rasa's SpacyNLP loads.

No pretrained Dutch model can be downloaded on our machines, so we assemble one:
a blank Dutch tokenizer plus the lookup lemmatizer whose tables ship in the
``spacy-lookups-data`` package. Lemmas let "scholen"/"school" and
"verklaringen"/"verklaring" share features in the CountVectorsFeaturizer.

Usage: python scripts/build_spacy_pipeline.py [output_dir]
"""
from __future__ import annotations

import sys
from pathlib import Path

import spacy

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = ROOT / ".spacy" / "nl_wegwijs"
SUPPLEMENT = ROOT / "resources" / "lemma_supplement.tsv"


def read_supplement(path: Path = SUPPLEMENT) -> dict[str, str]:
    """Form -> lemma pairs that the spacy-lookups-data table lacks (project data file)."""
    pairs: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        form, lemma = line.split("\t")
        pairs[form.strip()] = lemma.strip()
    return pairs


def build(output: Path) -> Path:
    nlp = spacy.blank("nl")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    # initialize() pulls the lookup tables from spacy-lookups-data into the pipeline,
    # so the saved folder is self-contained.
    nlp.initialize()
    table = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_lookup")
    for form, lemma in read_supplement().items():
        if form not in table:
            table[form] = lemma
    nlp.meta["name"] = "wegwijs"
    nlp.meta["version"] = "1.0.0"
    nlp.meta["description"] = "spacy.blank('nl') + lookup lemmatizer (spacy-lookups-data)"
    output.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(output)
    return output


def main() -> int:
    output = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUTPUT
    build(output)
    nlp = spacy.load(output)
    sample = nlp("De scholen geven toelaatbaarheidsverklaringen aan kinderen")
    lemmas = " ".join(t.lemma_ for t in sample)
    print(f"spaCy pipeline written to {output} (sample lemmas: {lemmas})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
