"""Ablation of the ranking choices on one index: each row adds or removes one choice.

    python bench/quality.py --index /tmp/fullcur ../shared/eval/dev.jsonl [--json]

Rows (query-time choices, `index.ranking.Ranking`, all on the same index):
  dense        cosine similarity only
  +lexical     plus language-weighted BM25 (`index.bm25`)
  +routing     plus kamerstuk / document-number routing
  +context X   plus small-to-big passages: a hit shown with neighbouring chunks of its section
               (`index.context`: adjacent hits merged / the next chunk / both neighbours)
  +shift       plus English questions moved towards Dutch (`index.language`)
  +sentence pairs  plus a chunk scored by its best sentence pair too (`index.pairs`)
  +centre X    plus a share X of the mean vector taken out (`Ranking.centre`)
  default      the default ranking: all of the above with a share of 0.3, and chunks that only
               ask questions demoted (`Ranking.question_penalty`)
  +diversity   plus a penalty on further chunks of one section (off by default)
  rrf          reciprocal-rank fusion (k=60) of dense and BM25 instead, for comparison
  -<choice>    the default ranking without one choice
Chunking choices change the index itself: build one index directory per choice (the ingest code
of that choice, `brieven build <corpus folders> --index DIR`) and run this once on each; the
default row is `brieven eval` on that index.
Columns: recall@1/3/5/10 and MRR@10 per language, recall@5 per kind, and the share of footnote
questions whose first hit carries the right footnote.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from index import ranking  # noqa: E402
from index.evaluate import evaluate  # noqa: E402
from index.questions import load_questions  # noqa: E402
from index.ranking import Ranking  # noqa: E402
from index.search import Searcher  # noqa: E402

DEFAULT = Ranking()
OFF = dataclasses.replace(
    DEFAULT,
    shift_english=False,
    centre=0.0,
    sentence_pairs=False,
    question_penalty=0.0,
    lexical_weight_nl=0.0,
    lexical_weight_en=0.0,
    routing=False,
    section_penalty=0.0,
    context="off",
)
VARIANTS: dict[str, Ranking] = {
    "dense": OFF,
    "+lexical": dataclasses.replace(
        OFF,
        lexical_weight_nl=DEFAULT.lexical_weight_nl,
        lexical_weight_en=DEFAULT.lexical_weight_en,
    ),
    "+routing": dataclasses.replace(OFF, lexical_weight_nl=DEFAULT.lexical_weight_nl, routing=True),
}
_ROUTED = VARIANTS["+routing"]
VARIANTS |= {
    "+context adjacent": dataclasses.replace(_ROUTED, context="adjacent"),
    "+context next": dataclasses.replace(_ROUTED, context="next"),
    "+context both": dataclasses.replace(_ROUTED, context="both"),
    "+shift": dataclasses.replace(_ROUTED, context="both", shift_english=True),
    "+sentence pairs": dataclasses.replace(DEFAULT, centre=0.0, question_penalty=0.0),
    "+centre 0.3": dataclasses.replace(DEFAULT, question_penalty=0.0),
    "+centre 0.5": dataclasses.replace(DEFAULT, centre=0.5, question_penalty=0.0),
    "+centre 0.7": dataclasses.replace(DEFAULT, centre=0.7, question_penalty=0.0),
    "+centre 1.0": dataclasses.replace(DEFAULT, centre=1.0, question_penalty=0.0),
    "default": DEFAULT,
    "+diversity 0.02": dataclasses.replace(DEFAULT, section_penalty=0.02),
    "-shift": dataclasses.replace(DEFAULT, shift_english=False),
    "-centre": dataclasses.replace(DEFAULT, centre=0.0),
    "-sentence pairs": dataclasses.replace(DEFAULT, sentence_pairs=False),
    "-question penalty": dataclasses.replace(DEFAULT, question_penalty=0.0),
    "question penalty 0.02": dataclasses.replace(DEFAULT, question_penalty=0.02),
    "question penalty 0.05": dataclasses.replace(DEFAULT, question_penalty=0.05),
    "-lexical": dataclasses.replace(DEFAULT, lexical_weight_nl=0.0, lexical_weight_en=0.0),
    "-routing": dataclasses.replace(DEFAULT, routing=False),
    "-context": dataclasses.replace(DEFAULT, context="off"),
    "lexical 0.1 for EN too": dataclasses.replace(DEFAULT, lexical_weight_en=0.1),
    "lexical 0.02 for NL": dataclasses.replace(DEFAULT, lexical_weight_nl=0.02),
    "lexical 0.1 for NL": dataclasses.replace(DEFAULT, lexical_weight_nl=0.1),
    "lexical 0.3 for NL": dataclasses.replace(DEFAULT, lexical_weight_nl=0.3),
}


class _RRF(Searcher):
    """Reciprocal-rank fusion of dense and BM25 ranks, the textbook alternative to `fuse`."""

    def _scores(self, view, question, filters, rows=None, for_watches=False):
        rows, dense = super()._scores(view, question, filters, rows, for_watches)
        lexical = view.lexical(question)[rows]
        return rows, sum(1.0 / (60 + _ranks(s)) for s in (dense, lexical))


def _ranks(scores: np.ndarray) -> np.ndarray:
    order = np.argsort(-scores, kind="stable")
    ranks = np.empty(len(scores))
    ranks[order] = np.arange(1, len(scores) + 1)
    return ranks


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("questions", type=Path)
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--only", nargs="+", metavar="ROW", help="measure only these rows (default: all; rrf too)"
    )
    args = parser.parse_args()
    questions = load_questions(args.questions)
    base = Searcher.open(args.index)
    rows = {}
    for name, choices in VARIANTS.items():
        if args.only and name not in args.only:
            continue
        searcher = Searcher.open(args.index, base.encoder, choices)
        rows[name] = evaluate(lambda q, k, s=searcher: s.search(q, k), questions)
    if not args.only or "rrf" in args.only:
        rrf = _RRF.open(args.index, base.encoder, dataclasses.replace(OFF, routing=False))
        rows["rrf"] = evaluate(lambda q, k: rrf.search(q, k), questions)
    if args.json:
        print(json.dumps({name: _flat(report) for name, report in rows.items()}, indent=1))
        return 0
    kinds = sorted({q.kind for q in questions})
    print(f"index {args.index} ({base.manifest.chunk_count} chunks), {args.questions}")
    print(f"defaults: {DEFAULT}")
    head = ["variant", "EN R@1/3/5/10 · MRR", "NL R@1/3/5/10 · MRR", "all MRR"]
    head += [f"{kind} R@5" for kind in kinds] + ["fn first"]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for name, report in rows.items():
        groups = {g.name: g for g in report.groups}
        cells = [name, _cell(groups["en"]), _cell(groups["nl"]), f"{groups['all'].mrr:.2f}"]
        cells += [f"{groups[kind].recall[5]:.2f}" for kind in kinds]
        share = groups["all"].footnote_share
        cells.append("-" if share is None else f"{share:.2f}")
        print("| " + " | ".join(cells) + " |")
    if "default" in rows:
        misses = [r.id for r in rows["default"].results if not r.hit_rank or r.hit_rank > 5]
        print(f"\ndefault ranking, questions without a hit in the top 5: {' '.join(misses)}")
    return 0


def _cell(group) -> str:
    recall = "/".join(f"{group.recall[c]:.2f}".lstrip("0") for c in (1, 3, 5, 10))
    return f"{recall} · {group.mrr:.2f}".replace("1.00", "1")


def _flat(report) -> dict:
    return {
        g.name: {"recall": g.recall, "mrr": g.mrr, "footnote_share": g.footnote_share}
        for g in report.groups
    }


if __name__ == "__main__":
    ranking  # noqa: B018 - imported so the module's defaults are the ones measured
    sys.exit(main())
