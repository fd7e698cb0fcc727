"""Parse a whole corpus and print, for every file: where its title came from, its footnotes
against the markers its text carries, the pages read by OCR, and every failure with its reason.
The closing lines give the totals, and the two checks of issue 13: no title is a letterhead word,
and notes equal markers for at least 95% of born-digital PDFs and Word files.

    python scripts/corpus_report.py [CORPUS] [--files]      (default ../shared/corpus)

Title origins: Betreft (a letterhead's subject line), metadata (what the format states), text (a
subject the text states: "Vragen van …", "BRIEF VAN …"), heading (the first section heading),
filename, sidecar.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from brieven.kernel.errors import ParseError
from brieven.kernel.refs import footnote_markers
from brieven.kernel.types import Letter
from ingest.discover import find_files
from ingest.parse import parse_with_origin

# a title that is a letterhead's label or address, not a subject
LETTERHEAD_WORDS = re.compile(
    r"^(?:Bezoekadres|Postadres|Retouradres|Datum|Betreft|Onderwerp|Kenmerk|Ons kenmerk|Bijlagen?"
    r"|Bijlage\(n\)|Contactpersoon|Uw brief|Uw kenmerk|Titel max \d regels|Geachte .*"
    r"|(?:De )?Voorzitter van de Tweede Kamer.*|Kamer der Staten-Generaal.*|Postbus \d+.*"
    r"|Tweede Kamer der Staten-Generaal|Directoraat-Generaal .*|Vergaderjaar \d{4}.*)$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Row:
    path: str
    kind: str  # pdf, docx, xml, html, text
    origin: str
    title: str
    notes: int
    markers: int
    matched: bool  # the footnote numbers are the marker numbers
    ocr_pages: int


def row(root: Path, path: Path, letter: Letter, origin: str) -> Row:
    notes = {note.number for note in letter.footnotes}
    # a heading may carry a marker too ("1. Kunt u … bij het UWV¹ ook …")
    markers = {n for s in letter.sections for n in footnote_markers(f"{s.title}\n{s.text}")}
    ocr = {
        page
        for s in letter.sections
        if s.ocr and s.pages
        for page in range(s.pages[0], s.pages[1] + 1)
    }
    return Row(
        path=str(path.relative_to(root)),
        kind=path.suffix.lower().lstrip(".") if path.suffix else "text",
        origin=origin,
        title=letter.title,
        notes=len(notes),
        markers=len(markers),
        matched=notes == markers,
        ocr_pages=len(ocr),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("corpus", nargs="?", default="../shared/corpus", type=Path)
    parser.add_argument("--files", action="store_true", help="print a line for every file")
    args = parser.parse_args(argv)
    root: Path = args.corpus
    rows: list[Row] = []
    failures: list[str] = []
    for path in find_files([root]):
        try:
            letter, origin = parse_with_origin(path)
        except ParseError as err:
            failures.append(f"{path.relative_to(root)}: {err.reason}")
            continue
        rows.append(row(root, path, letter, origin))
    if args.files:
        print("| file | title from | title | notes | markers | OCR pages |")
        print("|---|---|---|---:|---:|---:|")
        for r in rows:
            flag = "" if r.matched else " ≠"
            cells = (r.path, r.origin, r.title[:70], r.notes, f"{r.markers}{flag}", r.ocr_pages)
            print("| " + " | ".join(str(cell) for cell in cells) + " |")
    _totals(rows, failures)
    return 0


def _totals(rows: list[Row], failures: list[str]) -> None:
    origins = Counter(r.origin for r in rows)
    print(f"\n{len(rows)} files parsed, {len(failures)} failed.")
    print("Titles from: " + ", ".join(f"{name} {n}" for name, n in origins.most_common()))
    bad = [r for r in rows if LETTERHEAD_WORDS.match(r.title)]
    print(f"Titles that are a letterhead word: {len(bad)}")
    for r in bad:
        print(f"- {r.path}: {r.title}")
    digital = [r for r in rows if r.kind in ("pdf", "docx") and not r.ocr_pages]
    equal = [r for r in digital if r.matched]
    share = len(equal) / len(digital) if digital else 1.0
    print(
        f"Notes equal markers in {len(equal)} of {len(digital)} born-digital PDF and Word files"
        f" ({share:.0%}); over all files {sum(r.matched for r in rows)} of {len(rows)}."
    )
    for r in digital:
        if not r.matched:
            print(f"- {r.path}: {r.notes} notes, {r.markers} markers")
    print(f"Pages read by OCR: {sum(r.ocr_pages for r in rows)}, in "
          f"{sum(1 for r in rows if r.ocr_pages)} files")
    if failures:
        print("\nFailures:")
        for failure in failures:
            print(f"- {failure}")


if __name__ == "__main__":
    sys.exit(main())
