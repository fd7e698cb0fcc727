"""The user's own example over the whole corpus, in English and Dutch; exits 1 when it fails.

    python bench/example.py --index DIR      # DIR: the whole ../shared/corpus indexed

Issue 14's goal for "How does the cabinet handle staff scarcity?" and "Hoe gaat het kabinet om met
het tekort aan personeel?": section 7 of kst-29362-354 ("Ga slim om met structurele schaarste aan
menskracht") is the first or second passage, and the short answer quotes its sentence on pooling
and expert teams or the one on the flexpool scheme. It needs the whole corpus, which a clone of
the repository does not have, so it lives here and not among the tests.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from brieven.answer import compose  # noqa: E402
from index.evaluate import contains  # noqa: E402
from index.search import Searcher  # noqa: E402

QUESTIONS = (
    "How does the cabinet handle staff scarcity?",
    "Hoe gaat het kabinet om met het tekort aan personeel?",
)
LETTER = "kst-29362-354"
SECTION = "7"
QUOTES = (
    "gebruik gemaakt van pooling en expertteams",
    "de flexpoolregeling die het Rijk beschikbaar heeft gesteld",
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--index", type=Path, required=True)
    args = parser.parse_args()
    searcher = Searcher.open(args.index)
    failures = 0
    for question in QUESTIONS:
        started = time.perf_counter()
        passages = searcher.search(question, k=5)
        answer = compose(question, passages, searcher.encoder)
        elapsed = time.perf_counter() - started
        ranks = [
            p.rank
            for p in passages
            if p.chunk.letter_id.startswith(LETTER) and p.chunk.section_number == SECTION
        ]
        quoted = any(contains(answer.text, quote) for quote in QUOTES)
        ok = bool(ranks) and ranks[0] <= 2 and quoted
        failures += not ok
        print(f"{'ok  ' if ok else 'FAIL'} {question} ({elapsed:.2f} s)")
        print(f"     section 7 of {LETTER} at rank {ranks[0] if ranks else '-'}; answer quotes "
              f"pooling or flexpool: {'yes' if quoted else 'no'}")  # fmt: skip
        for passage in passages:
            chunk = passage.chunk
            print(f"     [{passage.rank}] {passage.score:.3f} {chunk.letter_id} "
                  f"section {chunk.section_number}: {chunk.section_title[:60]}")  # fmt: skip
        print(f"     answer: {answer.text}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
