"""`brieven parse FILE`: show how one letter is read (outline, or the letter as JSON)."""

from __future__ import annotations

import argparse
import json
import textwrap

from brieven.kernel.types import Letter
from brieven.serialize import letter_to_dict


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "parse",
        help="read one letter and show its metadata, sections and footnotes",
        description=(
            "Read one letter (PDF, DOCX, official-publication XML, HTML or text) and print an"
            " outline: title, date, kamerstuk, type, then each section with its pages and the"
            " footnotes it refers to, then the footnotes. With --json, print the letter as one"
            " JSON object."
        ),
    )
    parser.add_argument("file", help="the letter file to read")
    parser.add_argument("--json", action="store_true", help="print the letter as one JSON object")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ingest.parse import parse

    letter = parse(args.file)
    if args.json:
        print(json.dumps(letter_to_dict(letter), ensure_ascii=False, indent=2))
    else:
        print(outline(letter))
    return 0


def outline(letter: Letter) -> str:
    lines = [
        letter.title,
        f"  id: {letter.id}",
        f"  type: {letter.doc_type}",
        f"  date: {letter.date or 'unknown'}",
        f"  kamerstuk: {letter.kamerstuk or 'none'}",
    ]
    if letter.sender:
        lines.append(f"  sender: {letter.sender}")
    if letter.reference:
        lines.append(f"  kenmerk: {letter.reference}")
    if letter.url:
        lines.append(f"  url: {letter.url}")
    lines.append(f"\nSections ({len(letter.sections)}):")
    for section in letter.sections:
        label = " ".join(part for part in (section.number, section.title) if part) or "(opening)"
        if section.number and section.number == section.title:
            label = section.number
        details = [f"{len(section.text.split())} words"]
        if section.pages:
            first, last = section.pages
            details.append(f"p. {first}" if first == last else f"pp. {first}-{last}")
        if section.footnotes:
            details.append("notes " + ", ".join(section.footnotes))
        if section.ocr:
            details.append("OCR")
        lines.append(f"  {textwrap.shorten(label, 90)}  [{'; '.join(details)}]")
    if letter.footnotes:
        lines.append(f"\nFootnotes ({len(letter.footnotes)}):")
        for note in letter.footnotes:
            lines.append(f"  {note.number}. {textwrap.shorten(note.text, 100)}")
    return "\n".join(lines)
