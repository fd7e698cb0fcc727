"""`brieven eval`: retrieval quality of the index on a set of questions with known answers."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict

from brieven.cli.build import add_index_argument
from index.evaluate import CUTOFFS, MRR_CUTOFF, EvalReport, evaluate, load_questions

DESCRIPTION = f"""\
Ask every question in QUESTIONS (JSON lines: id, lang, kind, question, gold [{{file, evidence}}],
footnote) and score the passages returned: recall@{"/".join(map(str, CUTOFFS))} (share of
questions with an answering passage among the first k) and MRR@{MRR_CUTOFF}, per language, per
kind and overall; for footnote questions, the share whose first answering passage carries the
expected footnote. A passage answers when it comes from a gold file (same file name) and contains
the gold evidence word for word."""


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "eval",
        help="measure retrieval quality on questions with known answers",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("questions", metavar="QUESTIONS.jsonl", help="the question set")
    add_index_argument(parser)
    parser.add_argument(
        "-k", type=int, default=max(CUTOFFS), metavar="N",
        help=f"passages retrieved per question (default: {max(CUTOFFS)})",
    )
    parser.add_argument(
        "--json", action="store_true", help="print the scores and each question's result as JSON"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from index.search import Searcher

    searcher = Searcher.open(args.index)
    questions = load_questions(args.questions)
    report = evaluate(lambda question, k: searcher.search(question, k), questions, k=args.k)
    print(json.dumps(asdict(report), ensure_ascii=False) if args.json else table(report))
    return 0


def table(report: EvalReport) -> str:
    header = ["group", "n", *(f"R@{c}" for c in CUTOFFS), f"MRR@{MRR_CUTOFF}", "footnote"]
    rows = [header]
    for group in report.groups:
        share = "" if group.footnote_share is None else f"{group.footnote_share:.2f}"
        recall = (f"{group.recall[c]:.2f}" for c in CUTOFFS)
        rows.append([group.name, str(group.count), *recall, f"{group.mrr:.2f}", share])
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = [
        "  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in
                  enumerate(zip(row, widths, strict=True)))
        for row in rows
    ]
    missed = [r.id for r in report.results if r.hit_rank is None]
    lines.append("")
    lines.append("footnote: share of footnote questions whose first hit carries the footnote")
    lines.append(f"no hit among the passages returned: {', '.join(missed) or 'none'}")
    return "\n".join(lines)
