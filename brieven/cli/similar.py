"""`brieven similar`: earlier answers to the questions of a new Kamervraag (`brieven.similar`)."""

from __future__ import annotations

import argparse
import json

from brieven.cli.argtypes import positive
from brieven.cli.ask import passage_text
from brieven.cli.build import add_index_argument
from brieven.serialize import passage_to_dict
from brieven.similar import ANSWER_TYPE, Similar, questions_of, read_kamervraag, similar

DESCRIPTION = f"""\
Given a new Kamervraag (a PDF, a DOCX, a text file, or the questions pasted as text), find for
each of its numbered questions ("Vraag 1", "1.") the earlier questions most like it, with their
answers, cited as `brieven ask` cites: letter, kamerstuk, date, section, pages, footnotes. The
answers are searched among passages of type --type (default "{ANSWER_TYPE}"). If the file is
itself in the index, its own letter is left out."""

EPILOG = """\
examples:
  brieven similar nieuwe-vragen.docx
  brieven similar "1. Bent u bekend met het bericht over de wachtlijsten in de jeugdzorg?" -k 5
  brieven similar vragen.pdf --json --index data/index

--json prints {"source", "letter_id", "questions": [{"number", "text", "passages": [...]}]}, each
passage in the shape of `brieven ask --json`; a passage's "answers_question" holds the earlier
question it answers."""


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "similar",
        help="earlier answers to the questions of a new Kamervraag",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("source", metavar="FILE_OR_TEXT", help="a Kamervraag file, or its text")
    parser.add_argument(
        "--type",
        dest="doc_types",
        action="append",
        default=[],
        metavar="TYPE",
        help=f'document type of the answers searched (repeatable; default "{ANSWER_TYPE}")',
    )
    parser.add_argument(
        "-k", type=positive(int), default=3, metavar="N", help="passages per question (default: 3)"
    )
    add_index_argument(parser)
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from index.search import Searcher

    letter = read_kamervraag(args.source)
    questions = questions_of(letter)
    searcher = Searcher.open(args.index)
    found = similar(
        searcher,
        questions,
        k=args.k,
        doc_types=tuple(args.doc_types) or (ANSWER_TYPE,),
        hidden=frozenset({letter.id}),
    )
    source = letter.source if letter.id != "pasted" else None
    print(render(source, letter.id, found, as_json=args.json))
    return 0


def render(source: str | None, letter_id: str, found: list[Similar], as_json: bool) -> str:
    if as_json:
        result = {
            "source": source,
            "letter_id": letter_id if source else None,
            "questions": [
                {
                    "number": item.question.number,
                    "text": item.question.text,
                    "passages": [passage_to_dict(p) for p in item.passages],
                }
                for item in found
            ],
        }
        return json.dumps(result, ensure_ascii=False)
    if not found:
        return "No numbered questions found (and no text to search with)."
    blocks = []
    for item in found:
        head = f"Vraag {item.question.number}: {item.question.text}"
        shown = [passage_text(p) for p in item.passages] or ["    No earlier answer found."]
        blocks.append("\n\n".join([head, *shown]))
    return ("\n\n" + "=" * 100 + "\n\n").join(blocks)
