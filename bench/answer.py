"""What composing the extractive answer adds to a warm query, on the real model.

    python bench/answer.py                       # builds data/letters into a temporary index
    python bench/answer.py --index data/index    # an existing index

Opens a Searcher with the default model, warms it up (the first answer also embeds the everyday
reference texts, once per process), then for 30 English and Dutch questions about the letters
in data/letters times the search alone (encode + rank) and `compose` on its passages, ROUNDS
times each. Reports p50/p95 of the search, of search + answer, and of the time the answer adds
(wall clock, and the process's CPU time, which a busy machine disturbs less), against the budget
of 300 ms p50.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import torch
from query import percentiles

from brieven.answer import compose
from brieven.kernel.encoder import Encoder
from index.build import build
from index.encoder import load_encoder
from index.search import Searcher

BUDGET_MS = 300
ROUNDS = 3
QUESTIONS = [
    "How does the cabinet handle staff scarcity?",
    "Hoe gaat het kabinet om met het tekort aan personeel?",
    "How are implementing organisations involved in making policy?",
    "Welke rol krijgen gemeenten en provincies bij de uitvoering van beleid?",
    "What does the government do about the pile-up of rules?",
    "Wat zijn de herijkte missies van het innovatiebeleid?",
    "Which missions does the innovation policy pursue for a circular economy?",
    "Hoe wil het kabinet de cybersecurity van Nederland versterken?",
    "What is being done to prepare for quantum computers?",
    "Wat is het kabinet van plan met de meerurenbonus?",
    "How does the government plan to keep energy and groceries affordable?",
    "Welke problemen zijn er bij het UWV met jonggehandicapten?",
    "What is the quality of maternity care for asylum seekers?",
    "Wat is de situatie van Oeigoeren in Thailand?",
    "Does Israel obstruct Dutch development projects for Palestinians?",
    "Wat vindt de staatssecretaris van de amendementen op de Ontbossingswet?",
    "What does the sports agreement 'Sport verenigt Nederland' aim for?",
    "Wat staat er in het memorandum over de test en evaluatie van de JSF?",
    "Why did the defence minister ask for advice about the armed forces?",
    "Wat concludeert de tussenevaluatie van de nota gezonde groei, duurzame oogst?",
    "How did the finance minister respond to the request about back taxes?",
    "Welke maatregelen bevat de beleidsnota infectieziektenbestrijding?",
    "What did the minister write to the universities' association about funding?",
    "Waarom werden Sinterklaasintochten afgelast?",
    "Did activist groups receive money from the national budget?",
    "Wat stond er in de bestuursakkoorden tussen het Rijk en de gemeenten in 1992?",
    "What does the tax treaty between the Netherlands and Latvia cover?",
    "Hoe werd de justitiële jeugdbescherming in 1993 georganiseerd?",
    "How secure is the electricity supply when there is little sun and wind?",
    "Wat besloot de commissie in maart 2015?",
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, help="existing index (default: build data/letters)")
    parser.add_argument(
        "--threads", type=int, help="torch threads (default: one per CPU, as brieven sets them)"
    )
    args = parser.parse_args()
    encoder = load_encoder()
    if args.threads:
        torch.set_num_threads(args.threads)
    with tempfile.TemporaryDirectory() as tmp:
        index_dir = args.index
        if index_dir is None:
            index_dir = Path(tmp) / "index"
            build([Path("data/letters")], index_dir, encoder, progress=False)
        searcher = Searcher.open(index_dir, encoder)
        report(searcher, encoder)
    return 0


def report(searcher: Searcher, encoder: Encoder) -> None:
    for question in QUESTIONS[:3]:  # warm-up, and the everyday reference vectors
        compose(question, searcher.search(question), encoder)
    search_ms, total_ms, added_ms, added_cpu_ms, found = [], [], [], [], 0
    for _ in range(ROUNDS):
        for question in QUESTIONS:
            start = time.perf_counter()
            passages = searcher.search(question, k=5)
            searched, cpu = time.perf_counter(), time.process_time()
            answer = compose(question, passages, encoder)
            added_cpu_ms.append(1000 * (time.process_time() - cpu))
            done = time.perf_counter()
            search_ms.append(1000 * (searched - start))
            total_ms.append(1000 * (done - start))
            added_ms.append(1000 * (done - searched))
            found += answer.found
    print(
        f"{len(QUESTIONS)} questions x {ROUNDS} rounds, warm, k=5, model {encoder.model_id}, "
        f"{torch.get_num_threads()} torch threads, load average {os.getloadavg()[0]:.1f}"
    )
    for label, samples in [
        ("search", search_ms),
        ("search + answer", total_ms),
        ("answer added (wall)", added_ms),
        ("answer added (CPU time)", added_cpu_ms),
    ]:
        p50, p95 = percentiles(samples)
        print(f"  {label:24s} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms")
    p50 = percentiles(added_ms)[0]
    verdict = "within" if p50 <= BUDGET_MS else "OVER"
    print(f"  answer added p50 {p50:.0f} ms: {verdict} the {BUDGET_MS} ms budget")
    print(f"  found: {found}/{len(total_ms)} answers")


if __name__ == "__main__":
    sys.exit(main())
