"""Build resources/privacy/place_names.txt: Dutch municipality and place names.

The PII redactor (wegwijs/privacy) must never redact a place name, because the
partnership lookup needs it ("wij wonen in Barneveld 3771" is a place + PC4, not an
address). This list is its guard. Rebuild after an update of the official tables:

    .venv/bin/python scripts/build_privacy_places.py [resources/official]

Sources (see resources/official/SOURCES.md): gemeenten-huidig.csv (CBS 2024, 342 names),
gemeenten-2015-naar-huidig.csv (393 names of 2015) and woonplaatsen.csv (BAG/CBS
woonplaatsen 2024, CC BY 4.0).
"""
from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "resources" / "privacy" / "place_names.txt"
# CBS/BAG add province suffixes ("Bergen (NH.)", "Hengelo (Gld)"); parents type the bare name.
SUFFIX = re.compile(r"\s*\([^)]*\)\s*$|\s+(?:NH|L|ZH|Gld|O|Gr|Fr|Dr|Ov|U|Z|NB|Fl)\.?$")


def names_from(data_dir: Path) -> set[str]:
    names: set[str] = set()
    columns = {
        "gemeenten-huidig.csv": ("name", "name_without_cbs_suffix"),
        "gemeenten-2015-naar-huidig.csv": ("gemeente_2015", "current_gemeente"),
        "woonplaatsen.csv": ("woonplaats", "gemeente"),
    }
    for file_name, fields in columns.items():
        with (data_dir / file_name).open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                for field in fields:
                    value = (row.get(field) or "").strip()
                    if value:
                        names.add(value)
                        names.add(SUFFIX.sub("", value).strip())
    # Everyday names of municipalities whose official name differs.
    names.update({"Den Haag", "Den Bosch", "Den Helder", "Sudwest-Fryslan"})
    return {name for name in names if name}


def main() -> int:
    data_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "resources" / "official"
    names = sorted(names_from(data_dir), key=str.casefold)
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    header = (
        "# Dutch municipality and place names that PII redaction must keep.\n"
        "# Built by scripts/build_privacy_places.py from resources/official: gemeenten-huidig.csv (CBS 2024),\n"
        "# gemeenten-2015-naar-huidig.csv and woonplaatsen.csv (BAG/CBS woonplaatsen 2024, CC BY 4.0).\n"
    )
    TARGET.write_text(header + "\n".join(names) + "\n", encoding="utf-8")
    print(f"{TARGET}: {len(names)} names")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
