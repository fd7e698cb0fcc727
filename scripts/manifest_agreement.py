"""Parse every file the research corpus manifest lists and count how often the parsed date and
document type agree with the manifest's; list each disagreement.

    python scripts/manifest_agreement.py [CORPUS]      (default ../shared/corpus)

A parsed type agrees when it is the manifest's type without its bracketed detail, or the start of
it ("Motie" for "Motie (gewijzigd)", "Besluitenlijst" for "Besluitenlijst commissie (…)");
the manifest's "Kamerbrief" is brieven's "Brief regering".
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from pathlib import Path

from brieven.kernel.errors import ParseError
from ingest.metadata import dutch_date
from ingest.parse import parse

_SAME_TYPE = {"Kamerbrief": "Brief regering"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("corpus", nargs="?", default="../shared/corpus", type=Path)
    root = parser.parse_args(argv).corpus
    with open(root / "manifest.tsv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    dates = types = 0
    for row in rows:
        try:
            letter = parse(root / row["file"])
        except ParseError as err:
            print(f"{row['file']}: not parsed ({err.reason})")
            continue
        want_date, want_type = dutch_date(row["date"]), row["doc_type"]
        date_ok, type_ok = letter.date == want_date, _same_type(letter.doc_type, want_type)
        dates += date_ok
        types += type_ok
        if not (date_ok and type_ok):
            print(
                f"{row['file']}: date {letter.date} (manifest {want_date}), "
                f"type {letter.doc_type!r} (manifest {want_type!r})"
            )
    print(f"\ndates matching the manifest: {dates}/{len(rows)}")
    print(f"document types matching the manifest: {types}/{len(rows)}")
    return 0


def _same_type(parsed: str, listed: str) -> bool:
    base = re.sub(r"\s*\(.*", "", listed).strip()
    base = _SAME_TYPE.get(base, base)
    return parsed == base or base.startswith(parsed + " ")


if __name__ == "__main__":
    sys.exit(main())
