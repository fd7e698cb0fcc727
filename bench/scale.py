"""Query latency, opening time, memory, recall and incremental cost at archive scale.

    python bench/scale.py --chunks 1000000 --json
    python bench/scale.py --chunks 100000 --from /tmp/fullindex --dir /tmp/scale-100k --keep

It writes a synthetic index of N passages through the real writer (`index.update.commit`): the
passages of a real index (`--from`; default: data/letters built into a temporary index) repeated
as new letters, each with its real metadata and text, and vectors that keep the structure of real
ones: the real passage's (and sentence pairs') vectors plus Gaussian noise of norm `NOISE`,
renormalised (cosine about 0.94 to the original). Uniform random vectors have no clusters and
misjudge approximate search.

Then, in a fresh process (so its peak RSS is the searcher's alone), it opens the index with the
real model and times real questions (those of bench/query.py, and of --questions, e.g. a dev set):
- open_s: Searcher.open without the model load (nor the model's language reference vectors,
  encoded once per model: `index.language`);
- p50_ms / p95_ms: a warm search, query encoding included (what `ask` costs without an answer);
- filtered_p50_ms: the same with a dossier filter (the dossier of about 1 passage in 100);
- encode_p50_ms: the query encoding alone, for comparison: on a shared machine it is most of
  p50_ms and moves with the load;
- search_p50_ms: the search alone, its question encoded beforehand;
- recall_at_10: overlap of the top 10 chunks with those of an exact search over every passage,
  the same scoring otherwise (`Searcher.exact_rows`);
- rss_mib: the peak RSS of that process, model included;
- add_1000_s: writing 1,000 new passages (vectors given) as a new generation, and opening it;
- upgrade_s (only with --keep on an index that exists): bringing its segments up to this code's
  format in place (`index.update.add_missing_columns`, as `brieven build` does), 0 when they are.

Writing streams: each repeat of the real passages is made as the writer takes it, so the vectors
are never all in memory (writing 3M at once took 20 GB); what grows is the BM25 matrix, held until
the segment is finished: peak RSS 1.0 GB at 300k passages (104 s on the loaded machine), about
2.6 GB more per million.

Thread contention is fixed at this edge, as in the CLI and app (`brieven.threads`).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from brieven import threads  # noqa: E402

threads.settle()

import numpy as np  # noqa: E402

from bench.query import QUESTIONS, percentiles  # noqa: E402
from brieven.kernel.types import Filters  # noqa: E402
from index import pairs, store, update, whole  # noqa: E402
from index.segment import text_hash  # noqa: E402

NOISE = 0.35
BATCH = 50_000
RECALL_QUESTIONS = 20


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chunks", type=int, default=100_000)
    parser.add_argument("--from", dest="source", type=Path, help="index whose passages to repeat")
    parser.add_argument("--dir", type=Path, help="where to write the index (default: temporary)")
    parser.add_argument("--keep", action="store_true", help="keep --dir, reuse it if present")
    parser.add_argument("--questions", type=Path, help="JSON lines with a 'question' field")
    parser.add_argument("--json", action="store_true", help="one JSON line")
    parser.add_argument("--recall", type=int, default=RECALL_QUESTIONS,
                        help="questions whose top 10 is compared with an exact search "
                             f"(default {RECALL_QUESTIONS}; each reads every vector)")  # fmt: skip
    parser.add_argument("--stage", choices=("write", "measure"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.stage == "write":
        return write(args.source, args.dir, args.chunks)
    if args.stage == "measure":
        print(json.dumps(measure(args.dir, _questions(args.questions), args.recall)))
        return 0

    scratch = Path(tempfile.mkdtemp(prefix="brieven-scale-"))
    directory = args.dir or scratch / "index"
    started = time.perf_counter()
    upgrade_s = None
    if args.keep and store.current_generation(directory):
        with store.build_lock(directory):  # an index kept from older code: as `brieven build`
            update.add_missing_columns(directory)
        upgrade_s = round(time.perf_counter() - started, 1)
    else:
        source = args.source or _sample_index(scratch)
        _stage("write", "--from", source, "--dir", directory, "--chunks", args.chunks)
    write_s = time.perf_counter() - started
    extra = ("--recall", args.recall, *(("--questions", args.questions) if args.questions else ()))
    figures = json.loads(_stage("measure", "--dir", directory, *extra))
    figures = {"chunks": args.chunks, **figures, "write_s": round(write_s, 1)}
    if upgrade_s is not None:
        figures["upgrade_s"] = upgrade_s
    if not args.keep:
        shutil.rmtree(scratch, ignore_errors=True)
    if args.json:
        print(json.dumps(figures))
    else:
        for key, value in figures.items():
            print(f"{key:>16}: {value}")
    return 0


def _stage(stage: str, *arguments) -> str:
    command = [sys.executable, __file__, "--stage", stage, *map(str, arguments)]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def _sample_index(scratch: Path) -> Path:
    from index.build import build
    from index.encoder import load_encoder

    build([Path("data/letters")], scratch / "sample", load_encoder(), progress=False)
    return scratch / "sample"


# -- writing ---------------------------------------------------------------------------------


def write(source: Path, directory: Path, size: int) -> int:
    real = _real(source)
    rng = np.random.default_rng(0)
    pair_counts = np.bincount(real.pair_rows, minlength=len(real.chunks))
    pair_starts = np.concatenate(([0], np.cumsum(pair_counts)))
    pair_hashes = [text_hash(t) for t in pairs.rows_of(real.chunks)[0]]
    parts = (  # made as the writer takes them: 3M passages' vectors would not fit in memory
        part
        for repeat in range(-(-size // len(real.chunks)))
        for part in _letters(real, repeat, min(len(real.chunks), size - repeat * len(real.chunks)),
                             rng, pair_starts, pair_hashes)
    )  # fmt: skip
    manifest = dataclasses.replace(real.manifest, format_version=store.FORMAT_VERSION,
                                   chunk_count=size)  # fmt: skip
    with store.build_lock(directory):
        update.commit(directory, None, {}, parts, manifest, ())
    return 0


def _real(source: Path) -> whole.IndexData:
    generation = store.current_generation(source)
    if store.read_manifest(source).format_version == 2:
        from index import legacy

        return legacy.read(source / generation)
    return whole.load(source)


def _letters(real, repeat, take, rng, pair_starts, pair_hashes) -> list[update.SourceFile]:
    """The first `take` real passages as new letters, file by file, with noisy vectors."""
    vectors = _noisy(real.vectors[:take], rng)
    pair_vectors = _noisy(real.pairs[: pair_starts[take]], rng)
    by_file: dict[str, list[int]] = {}
    for row, chunk in enumerate(real.chunks[:take]):
        by_file.setdefault(chunk.source, []).append(row)
    parts = []
    for source, rows in by_file.items():
        path = f"{source}~{repeat}"
        chunks = [_renamed(real.chunks[row], repeat, path) for row in rows]
        owned = np.concatenate([np.arange(pair_starts[r], pair_starts[r + 1]) for r in rows])
        keys = {(real.chunks[row].source, real.chunks[row].section_index) for row in rows}
        sections = {(path, index): real.sections[(src, index)] for src, index in keys
                    if (src, index) in real.sections}  # fmt: skip
        record = store.FileRecord(f"synthetic-{repeat}", chunks[0].letter_id, count=len(rows))
        parts.append(update.SourceFile(
            path, record, chunks, sections, vectors[rows], pair_vectors[owned],
            np.diff(pair_starts)[rows].tolist(), [pair_hashes[p] for p in owned],
        ))  # fmt: skip
    return parts


def _renamed(chunk, repeat: int, path: str):
    letter = f"{chunk.letter_id}~{repeat}" if repeat else chunk.letter_id
    ordinal = chunk.id.rpartition("#")[2]
    return dataclasses.replace(chunk, id=f"{letter}#{ordinal}", letter_id=letter, source=path)


def _noisy(vectors: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    noise = rng.standard_normal(vectors.shape, dtype=np.float32)
    noise *= NOISE / np.linalg.norm(noise, axis=1, keepdims=True)
    moved = vectors + noise
    return moved / np.linalg.norm(moved, axis=1, keepdims=True)


# -- measuring -------------------------------------------------------------------------------


def measure(directory: Path, questions: list[str], recall: int = RECALL_QUESTIONS) -> dict:
    from index.encoder import load_encoder
    from index.language import languages
    from index.search import Searcher

    encoder = load_encoder()
    languages(encoder)  # the model's own reference vectors, encoded once per model
    started = time.perf_counter()
    searcher = Searcher.open(directory, encoder)
    open_s = time.perf_counter() - started
    dossier = _common_dossier(searcher)
    for question in questions[:3]:
        searcher.search(question)
    whole_ms = _timed(searcher, questions, Filters())
    encode_ms = _timed_encoding(encoder, questions)
    alone = Searcher(directory, _Encoded(encoder, questions), searcher._current(), searcher.choices)
    search_ms = _timed(alone, questions, Filters())
    filtered_ms = _timed(searcher, questions, Filters(dossiers=(dossier,)))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    overlap = []
    for question in questions[:recall]:
        exact = set(searcher.exact_rows(question, 10))
        overlap.append(len(exact & set(searcher.ranked_rows(question, 10))) / max(len(exact), 1))
    p50, p95 = percentiles(whole_ms)
    return {
        "open_s": round(open_s, 2),
        "p50_ms": round(p50, 1),
        "p95_ms": round(p95, 1),
        "filtered_p50_ms": round(statistics.median(filtered_ms), 1),
        "encode_p50_ms": round(statistics.median(encode_ms), 1),
        "search_p50_ms": round(statistics.median(search_ms), 1),
        "rss_mib": round(rss),
        "recall_at_10": round(float(np.mean(overlap)), 3),
        "add_1000_s": round(_add_1000(directory, searcher), 1),
        "segments": len(searcher._current().segments),
    }


def _common_dossier(searcher) -> str:
    """A dossier of about 1 passage in 100 (the nearest there is)."""
    view = searcher._current()
    counts = np.bincount(view.dossier[view.dossier >= 0], minlength=len(view.dossiers))
    return view.dossiers[int(np.argmin(np.abs(counts - view.count / 100)))]


def _timed(searcher, questions: list[str], filters: Filters) -> list[float]:
    searcher.search(questions[0], filters=filters)  # the filter's mask is built once
    samples = []
    for question in questions:
        started = time.perf_counter()
        searcher.search(question, k=5, filters=filters)
        samples.append((time.perf_counter() - started) * 1000)
    return samples


class _Encoded:
    """`encoder` with `questions` encoded beforehand: a search without the model's time."""

    def __init__(self, encoder, questions: list[str]) -> None:
        self._encoder = encoder
        self._known = dict(zip(questions, encoder.encode_query(questions), strict=True))
        self.model_id, self.weights_hash = encoder.model_id, encoder.weights_hash
        self.dimension = encoder.dimension

    def encode_query(self, texts):
        if all(text in self._known for text in texts):
            return np.stack([self._known[text] for text in texts])
        return self._encoder.encode_query(texts)

    def encode_document(self, texts, progress=None):
        return self._encoder.encode_document(texts, progress)


def _timed_encoding(encoder, questions: list[str]) -> list[float]:
    """The query encoding alone: what the model costs of a search on this machine, now."""
    samples = []
    for question in questions:
        started = time.perf_counter()
        encoder.encode_query([question])
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def _add_1000(directory: Path, searcher) -> float:
    """Seconds to add 1,000 passages (vectors given) as a new generation, then open it."""
    generation = store.open_generation(directory)
    view = searcher._current()
    segment = view.segments[0]
    rows = list(range(1000))
    chunks = [segment.chunks(rows)[row] for row in rows]
    new = update.SourceFile(
        "added.txt", store.FileRecord("added", chunks[0].letter_id, count=1000), chunks, {},
        np.asarray(segment.vectors[:1000], np.float32), np.zeros((0, view.manifest.dimension)),
        [0] * 1000, [],
    )  # fmt: skip
    started = time.perf_counter()
    with store.build_lock(directory):
        update.commit(directory, generation, generation.files, [new], generation.manifest, ())
    searcher.search("Hoeveel woningen moeten er per jaar gebouwd worden?")
    return time.perf_counter() - started


def _questions(path: Path | None) -> list[str]:
    questions = list(QUESTIONS)
    if path is not None:
        with open(path, encoding="utf-8") as lines:
            questions += [json.loads(line)["question"] for line in lines if line.strip()]
    return questions


if __name__ == "__main__":
    sys.exit(main())
