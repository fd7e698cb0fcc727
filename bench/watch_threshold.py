"""Calibrate the watch threshold (`brieven.watch.match.DEFAULT_MIN_SCORE`) on the whole corpus.

For each question of an eval file, turned into a watch: the index holds the corpus without the
question's gold letter(s) (and without other copies of the same kamerstuk, which the corpus keeps
in several formats); then the gold letter arrives with 20 unrelated letters (random, seeded by the
question id, none a gold letter or a copy of one). Matching scores only the arriving letters'
chunks against the rest, so this is computed from the vectors of one whole-corpus index instead
of re-embedding: the standing of a chunk is taken relative to the chunks the index "held already".

Reported per threshold: recall (gold letters reported / gold letters), false alerts per watch
(unrelated letters reported, of 20) and the share of watches with any false alert. The threshold
is fitted on one file and reported on the other: the lowest threshold at which at most one watch
in twenty raises a false alert (an alert that is wrong costs a reader's trust; a letter missed by
one watch is often found by a broader one). The same rule on raw scores shows why raw scores are
not used: one cut-off cannot serve every question.

    PYTHONPATH=. HF_HUB_OFFLINE=1 python bench/watch_threshold.py --index /tmp/i17-full \\
        --fit /work/shared/eval/dev.jsonl --report /work/shared/eval/dev2.jsonl
"""

from __future__ import annotations

import argparse
import json
import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from brieven.watch.match import DEFAULT_MIN_SCORE, standing
from index.search import Searcher

UNRELATED = 20
FALSE_ALERT_SHARE = 0.05  # at most this share of watches may raise a false alert
THRESHOLDS = [round(x, 2) for x in np.arange(1.0, 8.01, 0.25)]


@dataclass(frozen=True)
class Trial:
    """One question as a watch: its letters' best scores, standing and raw."""

    qid: str
    lang: str
    gold: list[float]  # best standing of each gold letter
    unrelated: list[float]
    gold_raw: list[float]
    unrelated_raw: list[float]


def trials(searcher: Searcher, path: Path) -> list[Trial]:
    chunks = searcher.letter_chunks()  # in index order, as `Searcher.scores` gives them
    letter_of = np.array([c.letter_id for c in chunks])
    letters = sorted(set(letter_of))
    kamerstuk = {c.letter_id: c.kamerstuk for c in chunks}
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        files = {g["file"] for g in item["gold"]}
        gold = sorted({c.letter_id for c in chunks if any(c.source.endswith(f) for f in files)})
        if not gold:
            continue
        papers = {kamerstuk[g] for g in gold if kamerstuk[g]}
        copies = {x for x in letters if kamerstuk[x] in papers} - set(gold)
        others = [x for x in letters if x not in copies and x not in gold]
        unrelated = random.Random(item["id"]).sample(others, UNRELATED)
        arriving = np.isin(letter_of, gold + unrelated)
        reference = ~arriving & ~np.isin(letter_of, sorted(copies))
        raw = searcher.scores(item["question"]).values
        stood = standing(raw, reference)

        def best(values: np.ndarray, letter: str) -> float:
            return float(values[letter_of == letter].max())

        out.append(
            Trial(
                item["id"], item.get("lang", "?"),
                [best(stood, g) for g in gold], [best(stood, u) for u in unrelated],
                [best(raw, g) for g in gold], [best(raw, u) for u in unrelated],
            )
        )
    return out


def rates(runs: list[Trial], threshold: float, raw: bool = False) -> tuple[float, float, float]:
    """(recall, false alerts per watch, share of watches with a false alert)."""
    hits = total = 0
    alerts = []
    for t in runs:
        gold, unrelated = (t.gold_raw, t.unrelated_raw) if raw else (t.gold, t.unrelated)
        hits += sum(s >= threshold for s in gold)
        total += len(gold)
        alerts.append(sum(s >= threshold for s in unrelated))
    return hits / total, float(np.mean(alerts)), float(np.mean([a > 0 for a in alerts]))


def fit(runs: list[Trial], grid: list[float], raw: bool = False) -> float:
    return min(x for x in grid if rates(runs, x, raw)[2] <= FALSE_ALERT_SHARE)


def by_language(runs: list[Trial], threshold: float) -> str:
    parts = []
    for lang in sorted({t.lang for t in runs}):
        recall, alerts, _ = rates([t for t in runs if t.lang == lang], threshold)
        parts.append(f"{lang}: recall {recall:.2f}, false alerts/watch {alerts:.2f}")
    return "; ".join(parts)


def table(name: str, runs: list[Trial], grid: list[float], raw: bool = False) -> None:
    print(f"\n{name} ({len(runs)} watches){' raw scores' if raw else ''}")
    print("threshold  recall  false alerts/watch  watches with a false alert")
    for x in grid:
        recall, alerts, any_alert = rates(runs, x, raw)
        print(f"{x:9.2f}  {recall:6.2f}  {alerts:18.2f}  {any_alert:26.2f}")


def per_watch(name: str, runs: list[Trial], threshold: float) -> None:
    print(f"\n{name} per watch at {threshold}:")
    print("id lang gold-standing best-unrelated reported alerts")
    for t in runs:
        reported = sum(s >= threshold for s in t.gold)
        alerts = sum(s >= threshold for s in t.unrelated)
        gold = "/".join(f"{s:.2f}" for s in t.gold)
        print(f"{t.qid} {t.lang} {gold} {max(t.unrelated):.2f} {reported}/{len(t.gold)} {alerts}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--fit", type=Path, required=True)
    parser.add_argument("--report", type=Path, required=True)
    parser.add_argument("--per-watch", action="store_true")
    args = parser.parse_args()
    searcher = Searcher.open(args.index)
    fitted, reported = trials(searcher, args.fit), trials(searcher, args.report)
    chosen = fit(fitted, THRESHOLDS)
    print(f"fitted on {args.fit.name}: threshold {chosen} (default in code: {DEFAULT_MIN_SCORE})")
    for name, runs in ((args.fit.name, fitted), (args.report.name, reported)):
        table(name, runs, THRESHOLDS)
        recall, alerts, any_alert = rates(runs, DEFAULT_MIN_SCORE)
        print(f"at the default {DEFAULT_MIN_SCORE}: recall {recall:.2f}, false alerts/watch "
              f"{alerts:.2f}, watches with a false alert {any_alert:.2f}")
        print(f"  by language: {by_language(runs, DEFAULT_MIN_SCORE)}")
        if args.per_watch:
            per_watch(name, runs, DEFAULT_MIN_SCORE)
    raw_grid = [round(x, 3) for x in np.arange(0.5, 1.001, 0.01)]
    raw_chosen = fit(fitted, raw_grid, raw=True)
    for name, runs in ((args.fit.name, fitted), (args.report.name, reported)):
        recall, alerts, any_alert = rates(runs, raw_chosen, raw=True)
        print(f"raw score cut-off {raw_chosen} fitted on {args.fit.name}, on {name}: recall "
              f"{recall:.2f}, false alerts/watch {alerts:.2f}, with a false alert {any_alert:.2f}")


if __name__ == "__main__":
    main()
