"""`brieven ask`: the passages that answer a question, ranked and cited."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable

from brieven.cli.argtypes import day, positive
from brieven.cli.build import add_index_argument
from brieven.kernel.types import Answer, Filters, Passage
from brieven.present import passage_text, wrap
from brieven.serialize import answer_to_dict, passage_to_dict

DESCRIPTION = """\
Search the index for the passages that answer QUESTION (English or Dutch) and print them ranked,
each with its citation: letter title, kamerstuk, date, section, pages, and the footnotes the
passage refers to with their URLs. Filters apply before ranking, so -k passages come back whenever
that many match.

Above the passages comes a short answer built only from them, every sentence followed by the
number of the passage it comes from ("[2]"), or a plain statement that the letters found do not
answer the question. By default it quotes the passages' best sentences (offline); with --llm-url
and --llm-model (or BRIEVEN_LLM_URL / BRIEVEN_LLM_MODEL, and BRIEVEN_LLM_KEY for an API key) an
OpenAI-compatible chat endpoint such as Ollama writes it from the same passages, falling back to
the quoted sentences if the endpoint fails.

With QUESTION "-", questions are read from stdin, one per line, and answered in order, loading
the model and index once; with --json each answer is one line of JSON."""

EPILOG = """\
examples:
  brieven ask "How does the cabinet handle staff scarcity?"
  brieven ask "Hoe gaat het kabinet om met het tekort aan personeel?" -k 3 --since 2024-01-01
  brieven ask --json - < questions.txt
  brieven ask "Who pays for the F-16 replacement?" \
      --llm-url http://localhost:11434/v1 --llm-model llama3.1

--json prints {"question", "answer": {"text", "citations": [ranks], "found", "method":
"extractive" | "llm", "notice" (when set)}, "passages": [{"rank", "score", "text", "letter": {"id",
"title", "date", "kamerstuk", "url", "source"}, "section": {"number", "title"}, "pages",
"footnotes": [{"number", "text", "urls"}], "vote", "links", "answers_question"}]}; "answer" is
left out with --no-answer. "vote" is a motie's vote ({"outcome": "adopted" | "rejected", "date",
"decision", "for"/"against": [{"party", "seats"}], "seats_for", "seats_against"}), "links" its Zaak,
dossier, questions and other documents as `brieven fetch` stored them; null means unknown."""



def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "ask",
        help="find the passages that answer a question",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("question", metavar="QUESTION", help='the question, or "-" for stdin')
    parser.add_argument(
        "-k", type=positive(int), default=5, metavar="N", help="number of passages (default: 5)"
    )
    add_index_argument(parser)
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    parser.add_argument("--since", type=day, metavar="DATE", help="letters dated on or after")
    parser.add_argument("--until", type=day, metavar="DATE", help="letters dated on or before")
    parser.add_argument(
        "--type", dest="doc_types", action="append", default=[], metavar="TYPE",
        help="only letters of this document type (repeatable)",
    )
    parser.add_argument(
        "--dossier", dest="dossiers", action="append", default=[], metavar="NUMBER",
        help="only kamerstukken of this dossier, e.g. 29362 or 21501-07 (repeatable)",
    )
    parser.add_argument(
        "--no-answer", action="store_true", help="print the passages only, without the short answer"
    )
    parser.add_argument(
        "--llm-url", metavar="URL",
        help="OpenAI-compatible endpoint that writes the answer, e.g. http://localhost:11434/v1 "
        "(default: $BRIEVEN_LLM_URL; without one the answer quotes the passages)",
    )
    parser.add_argument(
        "--llm-model", metavar="NAME", help="model at that endpoint (default: $BRIEVEN_LLM_MODEL)"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from brieven.answer import LLMConfig, compose
    from index.search import Searcher

    llm = None if args.no_answer else LLMConfig.from_env(args.llm_url, args.llm_model)
    searcher = Searcher.open(args.index)
    filters = Filters(args.since, args.until, tuple(args.doc_types), tuple(args.dossiers))
    for number, question in enumerate(_questions(args.question)):
        passages = searcher.search(question, k=args.k, filters=filters)
        answer = None if args.no_answer else compose(question, passages, searcher.encoder, llm)
        if number and not args.json:
            print()
        print(render(question, passages, as_json=args.json, answer=answer), flush=True)
    return 0


def render(
    question: str, passages: list[Passage], as_json: bool, answer: Answer | None = None
) -> str:
    """The whole output for one question: one JSON line, or text for a person."""
    if as_json:
        result: dict = {"question": question}
        if answer is not None:
            result["answer"] = answer_to_dict(answer)
        result["passages"] = [passage_to_dict(p) for p in passages]
        return json.dumps(result, ensure_ascii=False)
    if not passages:
        return f"No passages found for: {question}"
    blocks = [_answer_text(answer)] if answer is not None else []
    return "\n\n".join(blocks + [passage_text(p) for p in passages])


def _answer_text(answer: Answer) -> str:
    heading = "Answer (written by the LLM)" if answer.method == "llm" else "Answer"
    lines = [heading, wrap(answer.text)]
    if answer.notice:
        lines.append(wrap(f"Note: {answer.notice}"))
    return "\n".join(lines)


def _questions(question: str) -> Iterable[str]:
    if question != "-":
        yield question
        return
    for line in sys.stdin:
        yield line.strip()


