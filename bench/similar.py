"""Measure `brieven similar` on the shared corpus: does an earlier answer on the same subject
come first?

Every answer to Kamervragen in kamervragen_tk_2024/ and aanhangsel_antwoorden_pdf/ holds its own
questions (each "Antwoord n" passage is headed by question n). Each answered question is asked as
if it were new, with that answer's own letter hidden, and the first passage returned is judged:

- same dossier: the first passage's kamerstuk dossier is the hidden answer's (only where both
  have one: Aanhangsel answers carry no kamerstuk number);
- same subject: the first passage's letter is answered by, or addressed to, a ministry the hidden
  answer also names (the department that owns the subject: "aan de Minister van Justitie en
  Veiligheid", "Antwoord van minister Van Weel (Justitie en Veiligheid)"). A proxy, and a coarse
  one; the chance rate (a random other answer letter naming a shared ministry) is printed beside
  it, and every pair is written to --pairs for reading.

The questions file kv-tk-2024Z18792 (its answer AH-605_2024Z18792 is in the corpus) is asked as a
new Kamervraag too, through `brieven.similar.read_kamervraag`, with its answer hidden.

    PYTHONPATH=. python bench/similar.py --index /tmp/fullbase --pairs /tmp/similar_pairs.tsv

Each letter's first --per-letter answered questions are asked (default 5: a search takes about
two seconds on a shared two-core machine, and the corpus' answers hold 550 questions).
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from pathlib import Path

from brieven.similar import ANSWER_TYPE, Question, questions_of, read_kamervraag, similar
from index.search import Searcher

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"  # ../shared/corpus
FOLDERS = ("kamervragen_tk_2024", "aanhangsel_antwoorden_pdf")
MINISTRIES = (
    "Justitie en Veiligheid", "Volksgezondheid", "Buitenlandse Zaken", "Asiel en Migratie",
    "Financiën", "Onderwijs", "Sociale Zaken", "Infrastructuur en Waterstaat", "Klimaat",
    "Economische Zaken", "Binnenlandse Zaken", "Defensie", "Landbouw", "Volkshuisvesting",
    "Buitenlandse Handel", "Algemene Zaken", "Rechtsbescherming", "Toeslagen",
)  # fmt: skip
PAIRED_QUESTIONS = ("kv-tk-2024Z18792__pdf.txt", "AH-605_2024Z18792__docx")


def ministries(text: str) -> frozenset[str]:
    return frozenset(name for name in MINISTRIES if re.search(re.escape(name), text, re.I))


def answers(searcher: Searcher) -> dict[str, dict]:
    """Per answer letter in FOLDERS: its ministries, dossier and answered questions."""
    letters: dict[str, dict] = {}
    for chunk in searcher.letter_chunks():
        if chunk.doc_type != ANSWER_TYPE:
            continue
        entry = letters.setdefault(
            chunk.letter_id,
            {"source": chunk.source, "dossier": chunk.dossier, "text": chunk.title, "asked": {}},
        )
        entry["text"] += " " + chunk.text[:300] if len(entry["text"]) < 2000 else ""
        answered = chunk.answered_question
        if answered and any(f"/{folder}/" in chunk.source for folder in FOLDERS):
            entry["asked"].setdefault(answered[0], answered[1])
    for entry in letters.values():
        entry["ministries"] = ministries(entry["text"])
    return letters


def judge(letters: dict[str, dict], hidden: str, questions: list[Question], searcher, out) -> list:
    rows = []
    for item in similar(searcher, questions, k=1, hidden=frozenset({hidden})):
        if not item.passages:
            continue
        top = item.passages[0].chunk
        own, hit = letters[hidden], letters.get(top.letter_id, {"ministries": frozenset()})
        dossier = own["dossier"] and top.dossier and own["dossier"] == top.dossier
        subject = bool(own["ministries"] & hit["ministries"])
        rows.append((bool(dossier), subject, bool(own["dossier"] and top.dossier)))
        asked = " ".join(item.question.text.split())[:160]
        out.write(f"{hidden}\t{asked}\t{top.letter_id}\t{top.heading[:160]}\t{int(subject)}\n")
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--pairs", type=Path, default=Path("/tmp/similar_pairs.tsv"))
    parser.add_argument("--corpus", type=Path, default=CORPUS, help=f"default {CORPUS}")
    parser.add_argument(
        "--per-letter", type=int, default=5, help="questions asked per answer letter (default 5)"
    )
    args = parser.parse_args()
    searcher = Searcher.open(args.index)
    letters = answers(searcher)
    rows = []
    with open(args.pairs, "w", encoding="utf-8") as out:
        out.write("hidden answer\tquestion asked\tfirst letter\tits question\tsame ministry\n")
        asked = {lid: e for lid, e in letters.items() if e["asked"]}
        for letter_id, entry in sorted(asked.items()):
            questions = [Question(n, text) for n, text in entry["asked"].items()]
            questions = questions[: args.per_letter]
            rows += judge(letters, letter_id, questions, searcher, out)
        path, answer = PAIRED_QUESTIONS
        new = read_kamervraag(str(args.corpus / "kamervragen_tk_2024" / path))
        if answer in letters:
            rows += judge(letters, answer, questions_of(new), searcher, out)
    count = len(rows)
    subject = sum(r[1] for r in rows)
    dossier = sum(r[0] for r in rows)
    with_dossier = sum(r[2] for r in rows)
    ids = list(letters)
    rng = random.Random(18)
    chance = [
        bool(letters[a]["ministries"] & letters[b]["ministries"])
        for a, b in (rng.sample(ids, 2) for _ in range(5000))
    ]
    print(f"answer letters: {len(letters)}, asked: {len(asked) + 1}, questions: {count}")
    print(f"first answer from the same subject (a shared ministry): {subject}/{count} "
          f"= {subject / max(count, 1):.2f}; chance {sum(chance) / len(chance):.2f}")  # fmt: skip
    print(f"first answer from the same dossier: {dossier}/{with_dossier} of the questions where "
          f"both have a dossier")  # fmt: skip
    print(f"pairs written to {args.pairs}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
