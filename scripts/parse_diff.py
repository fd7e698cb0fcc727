"""Compare how two checkouts read a corpus: the `brieven parse --json` of every file, word by word.

    PYTHONPATH=. python scripts/parse_diff.py dump OUT [CORPUS]   (default ../shared/corpus)
    python scripts/parse_diff.py diff BEFORE AFTER

A reader change is checked with a dump made by the checkout before it and one made by the
checkout after (run `dump` in each, with PYTHONPATH set to it). `diff` prints each file that reads
differently, then every run of changed words with a word of context on either side and the field
it is in ("text: 'de SARcapaciteit op' -> 'de SAR-capaciteit op'"), and a count at the end. A
file that cannot be read is dumped as its error, so a file that fails after the change shows too.
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
from collections.abc import Iterator
from pathlib import Path

from brieven.kernel.errors import BrievenError
from brieven.serialize import letter_to_dict
from ingest.discover import find_files
from ingest.parse import parse


def dump(out: Path, corpus: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    files = find_files([corpus])
    for path in files:
        try:
            letter = letter_to_dict(parse(path))
        except BrievenError as err:
            letter = {"error": str(err)}
        name = "__".join(path.relative_to(corpus).parts) + ".json"
        (out / name).write_text(json.dumps(letter, ensure_ascii=False, indent=1, sort_keys=True))
    print(f"{len(files)} files parsed into {out}")
    return 0


def diff(before: Path, after: Path) -> int:
    changed = 0
    for old in sorted(before.glob("*.json")):
        new = after / old.name
        if not new.exists():
            print(f"== {old.name}: missing from {after}")
            changed += 1
        elif old.read_bytes() != new.read_bytes():
            print(f"== {old.name}")
            changed += 1
            for line in _changes(json.loads(old.read_text()), json.loads(new.read_text())):
                print("  " + line)
    print(f"{changed} of {len(list(before.glob('*.json')))} files read differently")
    return 0


def _changes(old: object, new: object) -> Iterator[str]:
    olds, news = dict(_leaves(old)), dict(_leaves(new))
    for key in [key for key in olds if key not in news] + [key for key in news if key not in olds]:
        yield f"{key}: only in {'before' if key in olds else 'after'}"
    for key in (key for key in olds if key in news):
        a, b = olds[key].split(" "), news[key].split(" ")
        matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
        for op, i1, i2, j1, j2 in matcher.get_opcodes():
            if op != "equal":
                was, now = (
                    " ".join(a[max(0, i1 - 1) : i2 + 1]),
                    " ".join(b[max(0, j1 - 1) : j2 + 1]),
                )
                yield f"{key.rsplit('.', 1)[-1]}: {was!r} -> {now!r}"


def _leaves(node: object, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _leaves(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _leaves(value, f"{path}[{index}]")
    else:
        yield path, str(node)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    dumping = commands.add_parser("dump", help="parse every file of CORPUS into OUT")
    dumping.add_argument("out", type=Path)
    dumping.add_argument("corpus", nargs="?", default="../shared/corpus", type=Path)
    comparing = commands.add_parser("diff", help="the words that differ between two dumps")
    comparing.add_argument("before", type=Path)
    comparing.add_argument("after", type=Path)
    args = parser.parse_args(argv)
    if args.command == "dump":
        return dump(args.out, args.corpus)
    return diff(args.before, args.after)


if __name__ == "__main__":
    sys.exit(main())
