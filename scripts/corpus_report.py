"""Parse a whole corpus and print, per folder: documents parsed, sections, footnotes found against
footnote markers seen in the text, and every failure with its reason.

    python scripts/corpus_report.py [CORPUS]      (default ../shared/corpus)
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

from brieven.kernel.errors import ParseError
from brieven.kernel.refs import footnote_markers
from ingest.discover import find_files
from ingest.parse import parse


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("corpus", nargs="?", default="../shared/corpus", type=Path)
    root = parser.parse_args(argv).corpus
    rows: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    failures: list[str] = []
    for path in find_files([root]):
        folder = str(path.parent.relative_to(root)) or "."
        row = rows[folder]
        row[0] += 1
        try:
            letter = parse(path)
        except ParseError as err:
            failures.append(f"{path.relative_to(root)}: {err.reason}")
            continue
        row[1] += 1
        row[2] += len(letter.sections)
        row[3] += len(letter.footnotes)
        row[4] += len({n for s in letter.sections for n in footnote_markers(s.text)})
    print("| folder | files | parsed | sections | footnotes found | markers seen | failed |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for folder, (files, parsed, sections, notes, markers) in sorted(rows.items()):
        cells = (folder, files, parsed, sections, notes, markers, files - parsed)
        print("| " + " | ".join(str(cell) for cell in cells) + " |")
    if failures:
        print("\nFailures:")
        for failure in failures:
            print(f"- {failure}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
