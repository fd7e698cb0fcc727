"""The short answer replayed over cached passages and vectors, so its constants can be swept.

    python bench/answer_replay.py --index DIR ../shared/eval/dev.jsonl ../shared/eval/dev2.jsonl
    python bench/answer_replay.py --index DIR --diagnose QUESTIONS...   # per question, see below

The first run searches every question once (`CACHE`/passages-*.pkl: the first `K` passages, as the
index at DIR ranks them) and encodes every question and every sentence the answer asks the model
for (`CACHE`/vectors.pkl); later runs read both, so one replay of 130 questions takes seconds.
The cached encoder is the real model under its own identity, so `brieven.answer` cannot tell it
from the real one; texts it has not seen go to the model and are kept.

It reports, per question set and language, the share of answers holding gold evidence (`answer`)
and citing a hit (`cited`), as `brieven eval` judges them (`index.evaluate.judge`), and the
answer's length in sentences and words. `--diagnose` prints, per question, the rank of the first
passage holding the evidence and the rank of the evidence's sentence among the sentences the
answer scores (by the shipped selection's score), and whether the answer holds it.
A pickled `Passage` list outlives code changes only while `Passage` and `Chunk` keep their
fields: delete `CACHE` after such a change.

Fitting (`--fit`): questions are split into the folds of `bench/crossval.py` (by gold file, so no
letter is on both sides), each fold is answered with the `GRID` variant that answers best on the
other folds, and these held-out shares are reported next to the shipped ones. Then the ablation:
each rule or constant of `OFF` turned off (a constant of the grid then held at that value), the
rest refitted the same way; a rule whose held-out share does not drop without it is dropped.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import pickle
import statistics
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from brieven import threads  # noqa: E402

threads.settle()

from crossval import folds  # noqa: E402

from brieven.answer import extractive  # noqa: E402
from brieven.answer.extractive import Selection, extract  # noqa: E402
from brieven.kernel.encoder import Encoder  # noqa: E402
from brieven.kernel.types import Answer, Passage  # noqa: E402
from index.evaluate import ANSWER_PASSAGES, contains, judge  # noqa: E402
from index.questions import Question, load_questions  # noqa: E402
from index.search import Searcher  # noqa: E402

CACHE = Path("/tmp/brieven-answer-replay")
K = 10  # passages kept per question (the answer reads the first ANSWER_PASSAGES)
# The constants fitted per fold (`--fit`), each value tried with every other.
GRID: dict[str, tuple] = {
    "rank_weight": (0.0, 0.01, 0.02),
    "opening_penalty": (0.0, 0.05),
}
# The rules the ablation turns off one at a time, each followed by a refit of `GRID`.
OFF: dict[str, object] = {
    "letter_passages": False,  # sentences of the first passage only
    "shift": False,
    "follow": 0,
    "headings": False,
    "closing_words": None,
    "rank_weight": 0.0,
    "opening_penalty": 0.0,
}


class CachedEncoder:
    """The real encoder with every vector it gives kept on disk under (kind, text)."""

    def __init__(self, encoder: Encoder, path: Path) -> None:
        self._encoder, self._path = encoder, path
        self.model_id, self.weights_hash = encoder.model_id, encoder.weights_hash
        self.dimension = encoder.dimension
        self._kept: dict[tuple[str, str], np.ndarray] = {}
        if path.exists():
            self._kept = pickle.loads(path.read_bytes())
        self._dirty = False

    def encode_query(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode("q", texts, self._encoder.encode_query)

    def encode_document(self, texts: Sequence[str], progress=None) -> np.ndarray:
        return self._encode("d", texts, self._encoder.encode_document)

    def _encode(self, kind: str, texts: Sequence[str], encode: Callable) -> np.ndarray:
        missing = list(dict.fromkeys(t for t in texts if (kind, t) not in self._kept))
        if missing:
            for text, vector in zip(missing, encode(missing), strict=True):
                self._kept[kind, text] = vector
            self._dirty = True
        if not texts:
            return np.zeros((0, self.dimension), np.float32)
        return np.stack([self._kept[kind, t] for t in texts])

    def save(self) -> None:
        if self._dirty:
            self._path.write_bytes(pickle.dumps(self._kept))
            self._dirty = False


def cached_passages(
    searcher: Searcher, questions: list[Question], index: Path
) -> dict[str, list[Passage]]:
    key = hashlib.sha1(str(index.resolve()).encode()).hexdigest()[:10]
    path = CACHE / f"passages-{key}.pkl"
    kept: dict[str, list[Passage]] = pickle.loads(path.read_bytes()) if path.exists() else {}
    missing = [q for q in questions if q.question not in kept]
    for number, question in enumerate(missing, start=1):
        kept[question.question] = searcher.search(question.question, K)
        print(f"\rsearched {number}/{len(missing)}", end="", file=sys.stderr)
    if missing:
        print(file=sys.stderr)
        path.write_bytes(pickle.dumps(kept))
    return kept


@dataclasses.dataclass(frozen=True, slots=True)
class Outcome:
    answer_ok: bool
    cited_ok: bool
    sentences: int
    words: int


def replay(
    questions: list[Question],
    passages: dict[str, list[Passage]],
    encoder: Encoder,
    selection: Selection,
) -> list[Outcome]:
    out = []
    for question in questions:
        found = passages[question.question]
        answer = extract(question.question, found[:ANSWER_PASSAGES], encoder, selection)
        result = judge(question, found[:ANSWER_PASSAGES], answer)
        out.append(Outcome(bool(result.answer_ok), bool(result.cited_ok), *_length(answer)))
    return out


def _length(answer: Answer) -> tuple[int, int]:
    if not answer.found:
        return 0, 0
    return answer.text.count("] ") + 1, len(answer.text.split()) - answer.text.count("[")


def table(
    rows: list[tuple[str, list[Question], list[Outcome]]],
) -> str:
    lines = [
        f"{'':34s} {'n':>4s} {'answer':>7s} {'cited':>6s} {'sent':>5s} {'words':>6s} {'most':>5s}"
    ]
    for name, qs, outcomes in rows:
        for lang in ("en", "nl", None):
            picked = [o for q, o in zip(qs, outcomes, strict=True) if lang in (None, q.lang)]
            if not picked:
                continue
            label = f"{name} {lang or 'all'}"
            lines.append(
                f"{label:34s} {len(picked):4d} "
                f"{statistics.mean(o.answer_ok for o in picked):7.2f} "
                f"{statistics.mean(o.cited_ok for o in picked):6.2f} "
                f"{statistics.mean(o.sentences for o in picked):5.1f} "
                f"{statistics.mean(o.words for o in picked):6.1f} "
                f"{max(o.words for o in picked):5d}"
            )
    return "\n".join(lines)


def diagnose(
    questions: list[Question],
    passages: dict[str, list[Passage]],
    encoder: Encoder,
    selection: Selection,
) -> None:
    """Per question: the first hit's rank, the evidence sentence's rank among the scored
    candidates (by `selection`'s score), and whether `selection`'s answer holds it."""
    for question in questions:
        found = passages[question.question][:ANSWER_PASSAGES]
        result = judge(question, found, extract(question.question, found, encoder, selection))
        scored = extractive.score(question.question, found, encoder, selection)
        candidates = scored.candidates if scored else []
        order = np.argsort(-scored.scores) if scored else []
        gold = [g.evidence for g in question.gold]
        holds = [any(contains(candidates[i].text, e) for e in gold) for i in order]
        sentence = holds.index(True) + 1 if any(holds) else "-"
        print(
            f"{question.id:8s} {question.lang} {question.kind:9s} "
            f"hit {result.hit_rank or '-'!s:>2s} sentence {sentence!s:>2s}/{len(candidates):2d} "
            f"answer {'yes' if result.answer_ok else 'no'} "
            f"cited {'yes' if result.cited_ok else 'no'}"
        )


def fit(
    questions: list[Question],
    passages: dict[str, list[Passage]],
    encoder: Encoder,
    base: Selection,
    grid: dict[str, tuple],
) -> tuple[list[Outcome], list[Selection]]:
    """Each fold's outcomes under the `grid` variant of `base` with the most answers holding
    evidence on the other folds (ties: more answers citing a hit, then the earlier variant)."""
    variants = [base]
    for field, values in grid.items():
        variants = [dataclasses.replace(v, **{field: x}) for v in variants for x in values]
    variants = list(dict.fromkeys(variants))
    scored = [replay(questions, passages, encoder, v) for v in variants]
    merit = np.array([[o.answer_ok + 0.01 * o.cited_ok for o in s] for s in scored])
    fold = folds(questions)
    held: list[Outcome] = [scored[0][i] for i in range(len(questions))]
    chosen = []
    for f in range(fold.max() + 1):
        best = int(np.argmax(merit[:, fold != f].mean(axis=1)))
        chosen.append(variants[best])
        for i in np.flatnonzero(fold == f):
            held[i] = scored[best][i]
    return held, chosen


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("questions", nargs="+", type=Path)
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--diagnose", action="store_true")
    parser.add_argument("--fit", action="store_true", help="cross-validate the SWEEP grid")
    args = parser.parse_args()
    CACHE.mkdir(exist_ok=True)
    searcher = Searcher.open(args.index)
    encoder = CachedEncoder(searcher.encoder, CACHE / "vectors.pkl")
    sets = {path.stem: load_questions(path) for path in args.questions}
    everything = [q for qs in sets.values() for q in qs]
    passages = cached_passages(searcher, everything, args.index)
    try:
        if args.diagnose:
            diagnose(everything, passages, encoder, Selection())
        rows = [(name, qs, replay(qs, passages, encoder, Selection())) for name, qs in sets.items()]
        if args.fit:
            held, chosen = fit(everything, passages, encoder, Selection(), GRID)
            rows.append(("held-out", everything, held))
            fold = folds(everything)
            for f in range(fold.max() + 1):
                members = np.flatnonzero(fold == f)
                asked = [everything[i] for i in members]
                rows.append((f"held-out fold {f}", asked, [held[i] for i in members]))
            for f, selection in enumerate(chosen):
                fitted = {k: getattr(selection, k) for k in GRID}
                print(f"fold {f} (fitted on the others): {fitted}")
            for field, off in OFF.items():
                base = dataclasses.replace(Selection(), **{field: off})
                rest = {name: values for name, values in GRID.items() if name != field}
                ablated, _ = fit(everything, passages, encoder, base, rest)
                rows.append((f"held-out, {field}={off}", everything, ablated))
        print(table(rows))
    finally:
        encoder.save()
    return 0


if __name__ == "__main__":
    sys.exit(main())
