"""Warm query latency (encode + search) and memory on a real index.

    python bench/query.py                          # builds data/letters into a temporary index
    python bench/query.py --index /tmp/fullindex   # an existing index (e.g. the whole corpus)

It opens a Searcher with the real model, warms it up, then times a fixed set of English and Dutch
questions: the whole search (encode + score + top-k), the query encoding alone, and the search
alone (query vectors computed beforehand), also with a dossier filter. Memory is the process's
peak RSS. For large indexes (a million passages and more) see bench/scale.py, which writes them.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from brieven import threads

threads.settle()

import numpy as np  # noqa: E402

from brieven.kernel.encoder import Encoder  # noqa: E402
from brieven.kernel.types import Filters  # noqa: E402
from index.build import build  # noqa: E402
from index.encoder import load_encoder  # noqa: E402
from index.search import Searcher  # noqa: E402

QUESTIONS = [
    "How does the cabinet handle staff scarcity?",
    "Hoe gaat het kabinet om met het tekort aan personeel?",
    "What did the minister say about the replacement of the F-16?",
    "Welke afspraken zijn er gemaakt over de stikstofuitstoot van de landbouw?",
    "When was the code for relations between governments updated?",
    "Wat vindt de regering van de circulaire economie?",
    "Which motion asks the government to use 116 as a national emergency number?",
    "Hoeveel woningen moeten er per jaar gebouwd worden?",
]
ROUNDS = 5  # each question this many times


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


class PrecomputedQueries:
    """The real encoder with `QUESTIONS`' vectors computed once: times the search alone.

    It is the real model under another name, so it has the model's identity and shares what the
    kernel keeps per model (`encoded_once`: the language pairs); any other text, such as those
    reference texts on first use, goes to the real model.
    """

    def __init__(self, encoder: Encoder) -> None:
        self._encoder = encoder
        self.model_id, self.weights_hash = encoder.model_id, encoder.weights_hash
        self.dimension = encoder.dimension
        self._vectors = dict(zip(QUESTIONS, encoder.encode_query(QUESTIONS), strict=True))

    def encode_query(self, texts: Sequence[str]) -> np.ndarray:
        if all(text in self._vectors for text in texts):
            return np.stack([self._vectors[text] for text in texts])
        return self._encoder.encode_query(texts)

    def encode_document(
        self, texts: Sequence[str], progress: Callable[[int], None] | None = None
    ) -> np.ndarray:
        return self._encoder.encode_document(texts, progress)


def timed(search, filters: Filters | None = None) -> list[float]:
    for question in QUESTIONS[:3]:
        search(question, k=5)  # warm up
    if filters:
        search(QUESTIONS[0], k=5, filters=filters)  # the filter's mask is built once, then cached
    samples = []
    for _ in range(ROUNDS):
        for question in QUESTIONS:
            started = time.perf_counter()
            search(question, k=5, filters=filters or Filters())
            samples.append((time.perf_counter() - started) * 1000)
    return samples


def measure(directory: Path, encoder: Encoder, dossier: str | None) -> list[str]:
    """Table cells: chunks, open time, encode + search p50/p95, encode p50, search alone p50/p95,
    filtered search alone p50/p95, peak RSS."""
    started = time.perf_counter()
    searcher = Searcher.open(directory, encoder)
    open_s = time.perf_counter() - started
    whole = percentiles(timed(searcher.search))
    encode = []
    for question in QUESTIONS:
        started = time.perf_counter()
        encoder.encode_query([question])
        encode.append((time.perf_counter() - started) * 1000)
    alone = Searcher.open(directory, PrecomputedQueries(encoder))
    search = percentiles(timed(alone.search))
    filtered = percentiles(timed(alone.search, Filters(dossiers=(dossier,)))) if dossier else None
    return [
        str(searcher.manifest.chunk_count),
        f"{open_s:.2f}",
        f"{whole[0]:.1f} / {whole[1]:.1f}",
        f"{statistics.median(encode):.1f}",
        f"{search[0]:.2f} / {search[1]:.2f}",
        f"{filtered[0]:.2f} / {filtered[1]:.2f}" if filtered else "-",
        f"{peak_rss_mib():.0f}",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, help="existing index (default: build data/letters)")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    encoder = load_encoder()
    print(f"model load {time.perf_counter() - started:.1f} s, peak RSS {peak_rss_mib():.0f} MiB")

    with tempfile.TemporaryDirectory(prefix="brieven-bench-") as scratch:
        real_dir = args.index
        if real_dir is None:
            real_dir = Path(scratch) / "real"
            build([Path("data/letters")], real_dir, encoder, progress=True)
        dossier = Searcher.open(real_dir, encoder).facets().dossiers[0]
        header = ("index", "chunks", "open s", "encode+search p50/p95 ms", "encode p50 ms",
                  "search p50/p95 ms", "filtered search p50/p95 ms", "peak RSS MiB")  # fmt: skip
        print("| " + " | ".join(header) + " |")
        print("|" + "---|" * len(header))
        cells = [str(real_dir), *measure(real_dir, encoder, dossier)]
        print("| " + " | ".join(cells) + " |", flush=True)
    print(
        f"{len(QUESTIONS) * ROUNDS} timed queries per row, k=5; command: "
        f"python bench/query.py {' '.join(sys.argv[1:])}".rstrip()
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
