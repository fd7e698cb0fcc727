"""Cross-validated ranking constants: fitted on some letters' questions, measured on the others.

    python bench/crossval.py --index DIR ../shared/eval/dev.jsonl ../shared/eval/dev2.jsonl

The questions are split into FOLDS folds by gold file: questions that share a gold file (by
name) always fall in the same fold, so no letter is in both the part a constant is fitted on
and the part it is measured on. For each fold, every ranking variant of the grid (`GRID`, the
constants of `index.ranking.Ranking`) is scored on the other folds' questions and the one with
the best MRR@10 there is used on the fold (ties go to the shipped defaults). The held-out table
thus shows each question ranked by constants that never saw its letter.

Ablation: for each choice, the same fitting is repeated with the choice held at "off"; a choice
whose held-out MRR does not drop without it only helped the part it was fitted on. Scores are
replayed from arrays computed once (`bench/replay.py`), so the grid costs about a second per
variant on a shared 2-core machine.

The second stage (`bench/rerank.py`, fitted by `bench/learn.py`) is measured the same way: its
weights fitted on the other folds, on top of each fold's fitted first stage, with the held-out
MRR when each of its features is left out.

Tables (each per language and kind: R@1, R@5, MRR@10, footnote on the first hit, answer, cited),
for all 130 questions and for dev's 50 alone:
  shipped   the shipped defaults on every question (dev was tuned on; dev2 was not)
  held-out  each question ranked by the variant fitted on the other folds

Tried in session 4 (issue 14) on /tmp/final-full (2,159 passages) and dropped, each fitted on
four folds and measured on the fifth (on the ranking as it was before the shift scale), as
held-out MRR@10 with it against .776 without (English / Dutch recall@5 .86 / .92 without):
- a share of the sentence-pair gain (0.5 instead of all of it): .775 with it free, and .763 with
  it and the shift scale both free;
- the second stage of `bench/rerank.py`: .763 against the first stage's .763 fitted alike;
- a letter prior (0.1 times the mean of the letter's three best chunks): .778, recall@5 English
  .89; below one question's worth, and it needs every candidate's letter at query time;
- the score of the better neighbour in the section (0.1-0.5 of its lead): .776, English .85;
- the section heading's own similarity to the question (headings encoded apart, as an added
  score or as a gain over the chunk): every fold chose none, and any weight lowered MRR on all
  130 (.764 at 0.05, .620 at 0.3);
- a Dutch question moved towards English (0.25-1 times the offset): .774 to .741 on all 130.
Those four were replayed by throw-away scripts on this module's `Precomputed`, not kept.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path, PurePath

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import learn
import rerank
from replay import Params, Precomputed, hit_ranks, reciprocal, replay_searcher, use, variants

from brieven.answer import compose  # noqa: E402
from index.evaluate import EvalReport, evaluate  # noqa: E402
from index.questions import Question, load_questions  # noqa: E402
from index.search import Searcher  # noqa: E402

FOLDS = 5
SHIPPED = Params()
SCALES = (1.0, 1.5)  # of the English shift (2.0 was never chosen in session 4)
# Session 3 swept centre 0.3 and question penalty 0.03 too, and BM25 0.05 for English
# questions: no fold chose any of them, so they left the grid to keep it small (864 variants,
# about 9 minutes). Densities were swept over 0.3 and 0.7 too in session 5: every fold chose 0.5.
GRID = {
    "shift": (True, False),
    "shift_scale": SCALES,
    "pairs": (True, False),
    "centre": (0.0, 0.5),
    "question_penalty": (0.0, 0.05),
    "lexical_nl": (0.0, 0.05, 0.1),
    "context_budget": (450, 800),
    "density_weight": (0.0, 0.5),
    "letter_weight": (0.0, 0.3, 0.5),
}
# The value that turns each choice off (or back to what it was before it was tried), for the
# ablation.
OFF = {
    "shift": False,
    "shift_scale": 1.0,
    "pairs": False,
    "centre": 0.0,
    "question_penalty": 0.0,
    "lexical_nl": 0.0,
    "routing": False,
    "context_budget": 450,
    "density_weight": 0.0,
    "letter_weight": 0.0,
}


def folds(questions: list[Question], count: int = FOLDS) -> np.ndarray:
    """Fold number per question; questions sharing a gold file name share a fold."""
    parent = list(range(len(questions)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[str, int] = {}
    for i, question in enumerate(questions):
        for gold in question.gold:
            name = PurePath(gold.file).name
            parent[root(i)] = root(owner.setdefault(name, i))
    groups: dict[int, list[int]] = {}
    for i in range(len(questions)):
        groups.setdefault(root(i), []).append(i)
    sizes = [0] * count
    fold = np.zeros(len(questions), dtype=int)
    for members in sorted(groups.values(), key=lambda m: (-len(m), m[0])):
        target = sizes.index(min(sizes))
        fold[members] = target
        sizes[target] += len(members)
    return fold


def fit(ranks: np.ndarray, fold: np.ndarray, allowed: np.ndarray) -> np.ndarray:
    """Per fold, the index of the allowed variant with the best MRR@10 on the other folds.

    `ranks` is (variants, questions); variant 0 is the shipped one and wins ties.
    """
    rr = reciprocal(ranks)
    chosen = np.zeros(fold.max() + 1, dtype=int)
    for f in range(fold.max() + 1):
        train = rr[:, fold != f].mean(axis=1)
        train[~allowed] = -1
        chosen[f] = int(np.argmax(train))
    return chosen


def held_out(ranks: np.ndarray, fold: np.ndarray, chosen: np.ndarray) -> np.ndarray:
    """Each question's rank under the variant chosen for its fold."""
    return ranks[chosen[fold], np.arange(len(fold))]


def report_for(
    pre: Precomputed, questions: list[Question], params: list, answers: bool
) -> EvalReport:
    """`index.evaluate`'s report with question i ranked by `params[i]`: (Params, weights or
    None for the first stage alone)."""
    replay = replay_searcher(pre)
    by_text = {q.question: p for q, p in zip(questions, params, strict=True)}

    def search(question: str, k: int):
        use(replay, by_text[question][0])
        replay.score = lambda text: pre.combine(text, *by_text[text])
        return replay.search(question, k)

    def answer(question, passages):
        return compose(question, passages, pre.searcher.encoder)

    return evaluate(search, questions, answer=answer if answers else None)


def table(title: str, report: EvalReport) -> str:
    head = ["group", "n", "R@1", "R@5", "MRR@10", "fn first", "answer", "cited"]
    lines = [f"\n{title}", "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for g in report.groups:
        cells = [g.name, str(g.count), _f(g.recall[1]), _f(g.recall[5]), _f(g.mrr)]
        cells += [_f(g.footnote_share), _f(g.answer_share), _f(g.cited_share)]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _f(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("questions", type=Path, nargs="+")
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--no-answer", action="store_true", help="skip the answer columns")
    parser.add_argument(
        "--cache", type=Path, help="keep the grid's hit ranks in this .npz and reuse them"
    )
    args = parser.parse_args()
    questions = [q for path in args.questions for q in load_questions(path)]
    started = time.perf_counter()
    searcher = Searcher.open(args.index)
    pre = Precomputed(searcher, questions, GRID["centre"], SCALES)
    fold = folds(questions)
    grid = [SHIPPED] + [p for p in variants(SHIPPED, **GRID) if p != SHIPPED and _distinct(p)]
    replay = replay_searcher(pre)
    ranks = _cached_ranks(args.cache, grid, questions, replay, pre)
    print(
        f"index {args.index}: {pre.chunk_count} chunks; {len(questions)} questions in "
        f"{FOLDS} folds by gold file (sizes {np.bincount(fold).tolist()}); {len(grid)} variants "
        f"scored in {time.perf_counter() - started:.0f} s"
    )
    everything = np.ones(len(grid), dtype=bool)
    chosen = fit(ranks, fold, everything)
    for f, index in enumerate(chosen):
        print(f"fold {f}: {_changes(grid[index])}")
    print(ablation(grid, ranks, fold, questions))
    first = [grid[chosen[f]] for f in fold]  # each question's first stage, fitted without it
    weights, second = second_stage(pre, questions, fold, first, replay)
    answers = not args.no_answer
    tables = {
        "shipped defaults, all questions (dev was tuned on, dev2 not)": [(SHIPPED, None)]
        * len(questions),
        "held-out folds: first stage, constants fitted on the other folds": [
            (p, None) for p in first
        ],
        "held-out folds: with the second stage (dropped)": second,
    }
    dev = [i for i, q in enumerate(questions) if not q.id.startswith("d2-")]
    for title, chosen_params in tables.items():
        report = report_for(pre, questions, chosen_params, answers and "dropped" not in title)
        print(table(title, report))
        print(table(title + ", dev only", _subset(report, dev)))
    print(f"\nsecond-stage weights fitted on all questions: {_weights(weights)}")
    return 0


def second_stage(pre, questions, fold, first, replay):
    """Weights fitted on all questions, and per question (its fold's first stage, the weights
    fitted on the other folds); prints the held-out ablation of each feature."""
    listings = {}
    for params in set(first) | {SHIPPED}:
        listings[params] = [learn.listing(pre, q, params) for q in questions]
    everything = learn.fit(listings[SHIPPED])
    lines = ["\n| second stage | held-out MRR@10 | EN | NL |", "|---|---|---|---|"]
    english = np.array([q.lang == "en" for q in questions])
    second = None
    for dropped in (None, *range(len(rerank.FEATURES))):
        ranks = np.zeros(len(questions), dtype=int)
        chosen = [None] * len(questions)
        for f in range(fold.max() + 1):
            members = np.flatnonzero(fold == f)
            params = first[members[0]]
            train = [_drop(x, dropped) for x, g in zip(listings[params], fold, strict=True)
                     if g != f]  # fmt: skip
            w = learn.fit(train)
            if dropped is not None:
                w[dropped] = 0.0
            part = [questions[i] for i in members]
            score = lambda q, p=params, w=w: pre.combine(q, p, w)  # noqa: E731
            ranks[members] = hit_ranks(replay, part, score, params=params)
            for i in members:
                chosen[i] = (params, w)
        rr = reciprocal(ranks)
        name = "all features" if dropped is None else f"without {rerank.FEATURES[dropped]}"
        lines.append(
            f"| {name} | {rr.mean():.3f} | {rr[english].mean():.3f} | {rr[~english].mean():.3f} |"
        )
        if dropped is None:
            second = chosen
    print("\n".join(lines))
    return everything, second


def _distinct(params: Params) -> bool:
    """False for a variant that ranks as another does: a shift scale without the shift."""
    return params.shift or params.shift_scale == SHIPPED.shift_scale


def _drop(item: learn.Listing, column: int | None) -> learn.Listing:
    if column is None:
        return item
    features = item.features.copy()
    features[:, column] = 0.0
    return learn.Listing(features, item.right)


def _weights(w: np.ndarray) -> str:
    return ", ".join(f"{name} {value:+.3f}" for name, value in zip(rerank.FEATURES, w, strict=True))


def _cached_ranks(path, grid, questions, replay, pre) -> np.ndarray:
    """(variants, questions) first-hit ranks of the grid, read from `path` when it holds them."""
    key = repr((grid, [q.id for q in questions], pre.chunk_count))
    if path is not None and path.exists():
        saved = np.load(path, allow_pickle=False)
        if str(saved["key"]) == key:
            return saved["ranks"]
    ranks = np.stack(
        [hit_ranks(replay, questions, lambda q, p=p: pre.combine(q, p), params=p) for p in grid]
    )
    if path is not None:
        np.savez(path, key=np.array(key), ranks=ranks)
    return ranks


def ablation(grid: list[Params], ranks: np.ndarray, fold: np.ndarray, questions) -> str:
    """Held-out MRR and recall@5 of the fitted ranking with every choice free, and with each
    held off (fitted among the variants that hold it at its `OFF` value)."""
    english = np.array([q.lang == "en" for q in questions])
    lines = [
        "\n| choice | shipped MRR | shipped without it | held-out MRR / R@5 EN / R@5 NL, "
        "fitted | held-out without it |",
        "|---|---|---|---|---|",
    ]
    free = held_out(ranks, fold, fit(ranks, fold, np.ones(len(grid), dtype=bool)))
    for field, off in OFF.items():
        allowed = np.array([getattr(p, field) == off for p in grid])
        if not allowed.any():
            continue
        without = held_out(ranks, fold, fit(ranks, fold, allowed))
        plain = dataclasses.replace(SHIPPED, **{field: off})
        row = grid.index(plain) if plain in grid else None
        shipped_off = "" if row is None else f"{reciprocal(ranks[row]).mean():.3f}"
        lines.append(
            f"| {field} | {reciprocal(ranks[0]).mean():.3f} | {shipped_off} | "
            f"{_held(free, english)} | {_held(without, english)} |"
        )
    return "\n".join(lines)


def _held(ranks: np.ndarray, english: np.ndarray) -> str:
    """MRR@10 / recall@5 of the English questions / recall@5 of the Dutch ones."""
    top5 = (ranks > 0) & (ranks <= 5)
    mrr = reciprocal(ranks).mean()
    return f"{mrr:.3f} / {top5[english].mean():.2f} / {top5[~english].mean():.2f}"


def _subset(report: EvalReport, rows: list[int]) -> EvalReport:
    from index.evaluate import _groups

    results = tuple(report.results[i] for i in rows)
    return EvalReport(results=results, groups=tuple(_groups(results)))


def _changes(params: Params) -> str:
    changed = {
        f.name: getattr(params, f.name)
        for f in dataclasses.fields(params)
        if getattr(params, f.name) != getattr(SHIPPED, f.name)
    }
    return ", ".join(f"{k}={v}" for k, v in changed.items()) or "shipped defaults"


if __name__ == "__main__":
    sys.exit(main())
