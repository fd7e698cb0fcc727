"""`brieven eval`: retrieval quality of the index on a set of questions with known answers."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict

from brieven.cli.build import add_index_argument
from brieven.kernel.types import Answer, Passage
from index.evaluate import ANSWER_PASSAGES, CUTOFFS, MRR_CUTOFF, EvalReport, evaluate
from index.questions import load_questions

DESCRIPTION = f"""\
Ask every question in QUESTIONS (JSON lines: id, lang, kind, question, gold [{{file, evidence}}],
footnote) and score the passages returned: recall@{"/".join(map(str, CUTOFFS))} (share of
questions with an answering passage among the first k) and MRR@{MRR_CUTOFF}, per language, per
kind and overall; for footnote questions, the share whose first answering passage carries the
expected footnote. A passage answers when it comes from a gold file (same file name) and contains
the gold evidence word for word.

The short answer `brieven ask` shows (extractive, from the first {ANSWER_PASSAGES} passages) is
judged too: "answer" is the share of questions whose answer text contains a gold evidence word
for word, "cited" the share whose answer cites a passage that answers; --no-answer skips both.

A malformed question file stops with one line naming the file, the line and the problem (exit 1)."""


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
    parser.add_argument(
        "--no-answer", action="store_true", help="score the passages only, not the short answer"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from brieven.answer import compose
    from index.search import Searcher

    questions = load_questions(args.questions)
    searcher = Searcher.open(args.index)

    def answer(question: str, passages: list[Passage]) -> Answer:
        return compose(question, passages, searcher.encoder)

    report = evaluate(
        searcher.search, questions, k=args.k, answer=None if args.no_answer else answer
    )
    print(json.dumps(asdict(report), ensure_ascii=False) if args.json else table(report))
    return 0


def table(report: EvalReport) -> str:
    header = ["group", "n", *(f"R@{c}" for c in CUTOFFS), f"MRR@{MRR_CUTOFF}", "footnote"]
    header += ["answer", "cited"]
    rows = [header]
    for group in report.groups:
        recall = (f"{group.recall[c]:.2f}" for c in CUTOFFS)
        shares = (group.footnote_share, group.answer_share, group.cited_share)
        cells = ("" if share is None else f"{share:.2f}" for share in shares)
        rows.append([group.name, str(group.count), *recall, f"{group.mrr:.2f}", *cells])
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = [
        "  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in
                  enumerate(zip(row, widths, strict=True)))
        for row in rows
    ]
    missed = [r.id for r in report.results if r.hit_rank is None]
    lines.append("")
    lines.append("footnote: share of footnote questions whose first hit carries the footnote")
    if any(r.answer_ok is not None for r in report.results):
        lines.append("answer: the short answer quotes gold evidence; cited: it cites a hit")
    lines.append(f"no hit among the passages returned: {', '.join(missed) or 'none'}")
    return "\n".join(lines)
