"""The index directory on disk: plain files, a manifest, atomic swaps and a build lock.

Layout of an index directory `DIR`:

    DIR/current -> gen-20261128T184500123456Z-3f2a    the generation readers use (a symlink)
    DIR/gen-20261128T184500123456Z-3f2a/
        manifest.json    IndexManifest: format, model, weights hash, dimension, counts, corpus hash
        vectors.faiss    faiss IndexFlatIP, one L2-normalised float32 row per chunk, in chunk order
        windows.npy      one L2-normalised float32 row per sentence pair (`index.pairs`)
        window_rows.npy  the chunk row of each sentence pair, ascending (both files keep the
                         names format 2 gave them, so indexes built before keep loading)
        chunks.jsonl     one Chunk per line (all fields, footnotes included), row i = vector i
        sections.jsonl   full text of every indexed section: {"source", "section_index", "text"}
        files.json       per source file: content hash, letter id, chunk row range or skip reason;
                         plus the paths the index was built from (for incremental rebuilds)
        lexical/         BM25 over the chunks, row i = chunk i (`index.lexical`)
    DIR/build.lock       held (fcntl.flock) by the one build allowed at a time

How a reader never sees half an index, and a kill -9 never loses one:
- A build writes a complete generation into `DIR/.tmp-gen-*`, fsyncs it, renames it to `DIR/gen-*`,
  then points a fresh symlink at it and `os.replace`s it over `DIR/current` (atomic on POSIX).
  Until that instant readers follow the old generation; from it on, the new one. Killed at any
  moment, the build leaves `current` pointing at a complete generation; its leftovers (`.tmp-gen-*`,
  an unreferenced `gen-*`) are removed by the next build.
- A reader resolves `current` once and reads every file from that one generation. The generation
  before the current one is kept, so a reader that resolved it just before a swap can still finish.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import faiss
import numpy as np

from brieven.kernel.encoder import Encoder
from brieven.kernel.errors import IndexLockedError, IndexMismatchError, IndexMissingError
from brieven.kernel.links import links_from_dict
from brieven.kernel.types import Chunk, Footnote, IndexManifest
from index.lexical import LexicalIndex

FORMAT_VERSION = 2  # 2: sentence-pair vectors
CURRENT = "current"
LOCK = "build.lock"
_GEN_PREFIX = "gen-"
_TMP_PREFIX = ".tmp-gen-"


@dataclass(frozen=True, slots=True)
class FileRecord:
    """What one source file contributed: chunk rows `first` to `first + count - 1`, or why not."""

    content_hash: str
    letter_id: str | None = None
    first: int = 0
    count: int = 0
    skipped: str | None = None


@dataclass(frozen=True, slots=True)
class IndexData:
    """One complete generation of an index, in memory."""

    manifest: IndexManifest
    chunks: tuple[Chunk, ...]
    vectors: np.ndarray  # (len(chunks), dimension) float32
    pairs: np.ndarray  # (pairs, dimension) float32: sentence-pair vectors (`index.pairs`)
    pair_rows: np.ndarray  # (pairs,) int32: the chunk row of each pair, ascending
    sections: dict[tuple[str, int], str]  # (source, section_index) -> section text
    files: dict[str, FileRecord]  # source path -> record
    roots: tuple[str, ...] = ()  # the paths the index was built from
    generation: str = ""


_FILES = {
    "manifest": "manifest.json",
    "vectors": "vectors.faiss",
    "pairs": "windows.npy",
    "pair_rows": "window_rows.npy",
    "chunks": "chunks.jsonl",
    "sections": "sections.jsonl",
    "files": "files.json",
}


# -- reading ---------------------------------------------------------------------------------


def current_generation(index_dir: Path) -> str | None:
    """The name of the generation readers should use, None when there is no index. One syscall."""
    try:
        return os.readlink(Path(index_dir) / CURRENT)
    except OSError:
        return None


def read_manifest(index_dir: Path) -> IndexManifest:
    generation = _require_generation(index_dir)
    return _read_manifest(Path(index_dir) / generation / _FILES["manifest"])


def read_roots(index_dir: Path) -> tuple[str, ...]:
    """The paths the current index was built from."""
    generation = _require_generation(index_dir)
    listing = json.loads((Path(index_dir) / generation / _FILES["files"]).read_text("utf-8"))
    return tuple(listing.get("roots", ()))


def load(index_dir: Path, encoder: Encoder | None = None) -> IndexData:
    """Load the current generation whole. Raises IndexMissingError when there is none.

    With `encoder`, the generation's manifest is read and checked against it first
    (`check_compatible`), so an index of another model or format is refused before its vectors
    are read.
    """
    index_dir = Path(index_dir)
    for _attempt in range(3):
        generation = _require_generation(index_dir)
        try:
            manifest = _read_manifest(index_dir / generation / _FILES["manifest"])
            if encoder is not None:
                check_compatible(manifest, encoder, index_dir)
            return _load_generation(index_dir / generation, generation, manifest)
        except FileNotFoundError:
            continue  # swapped and cleaned up while we read: follow `current` again
    raise IndexMissingError(f"index at {index_dir} keeps changing while being read; try again")


def check_compatible(manifest: IndexManifest, encoder: Encoder, index_dir: Path) -> None:
    """Refuse an index built by another model or format than the running one."""
    if manifest.format_version != FORMAT_VERSION:
        raise IndexMismatchError(
            f"index at {index_dir} has format version {manifest.format_version}, this brieven "
            f"reads version {FORMAT_VERSION}; rebuild with: brieven build --index {index_dir}"
        )
    running = (encoder.model_id, encoder.weights_hash, encoder.dimension)
    built = (manifest.model_id, manifest.weights_hash, manifest.dimension)
    if running != built:
        raise IndexMismatchError(
            f"index at {index_dir} was built with model {manifest.model_id} "
            f"(weights {manifest.weights_hash[:12]}, {manifest.dimension} dimensions) but the "
            f"running model is {encoder.model_id} (weights {encoder.weights_hash[:12]}, "
            f"{encoder.dimension} dimensions); rebuild with: brieven build --index {index_dir} "
            f"--model {encoder.model_id}, or use --model {manifest.model_id}"
        )


def _require_generation(index_dir: Path) -> str:
    generation = current_generation(index_dir)
    if generation is None:
        raise IndexMissingError(
            f"no index at {index_dir}; build one with: brieven build PATH --index {index_dir}"
        )
    return generation


def _load_generation(directory: Path, generation: str, manifest: IndexManifest) -> IndexData:
    index = faiss.read_index(str(directory / _FILES["vectors"]))
    vectors = (
        faiss.rev_swig_ptr(index.get_xb(), index.ntotal * index.d)
        .reshape(index.ntotal, index.d)
        .copy()
    )
    pairs = np.load(directory / _FILES["pairs"])
    pair_rows = np.load(directory / _FILES["pair_rows"])
    with open(directory / _FILES["chunks"], encoding="utf-8") as lines:
        chunks = tuple(chunk_from_dict(json.loads(line)) for line in lines)
    with open(directory / _FILES["sections"], encoding="utf-8") as lines:
        sections = {}
        for line in lines:
            row = json.loads(line)
            sections[(row["source"], row["section_index"])] = row["text"]
    listing = json.loads((directory / _FILES["files"]).read_text(encoding="utf-8"))
    files = {path: FileRecord(**record) for path, record in listing["files"].items()}
    if len(chunks) != len(vectors) or not _pairs_fit(pairs, pair_rows, len(chunks), index.d):
        raise IndexMismatchError(
            f"index generation {directory} holds {len(chunks)} chunks but {len(vectors)} vectors "
            f"and {len(pairs)} sentence-pair vectors for {len(pair_rows)} pairs; "
            f"rebuild with: brieven build --index {directory.parent}"
        )
    return IndexData(
        manifest=manifest,
        chunks=chunks,
        vectors=vectors,
        pairs=pairs,
        pair_rows=pair_rows,
        sections=sections,
        files=files,
        roots=tuple(listing.get("roots", ())),
        generation=generation,
    )


def _pairs_fit(pairs: np.ndarray, rows: np.ndarray, chunk_count: int, dimension: int) -> bool:
    return (
        pairs.ndim == 2
        and len(pairs) == len(rows)
        and (not len(pairs) or pairs.shape[1] == dimension)
        and bool(np.all((rows >= 0) & (rows < chunk_count)))
        and bool(np.all(np.diff(rows) >= 0))
    )


def _read_manifest(path: Path) -> IndexManifest:
    return IndexManifest(**json.loads(path.read_text(encoding="utf-8")))


def chunk_from_dict(row: dict) -> Chunk:
    footnotes = tuple(
        Footnote(number=f["number"], text=f["text"], urls=tuple(f["urls"]))
        for f in row["footnotes"]
    )
    pages = tuple(row["pages"]) if row["pages"] is not None else None
    links = links_from_dict(row.get("links"))
    return Chunk(**{**row, "footnotes": footnotes, "pages": pages, "links": links})


def chunk_to_dict(chunk: Chunk) -> dict:
    return asdict(chunk)


# -- writing ---------------------------------------------------------------------------------


def new_manifest(
    encoder: Encoder, chunk_count: int, letter_count: int, corpus_hash: str, **extra: str
) -> IndexManifest:
    return IndexManifest(
        format_version=FORMAT_VERSION,
        model_id=encoder.model_id,
        weights_hash=encoder.weights_hash,
        dimension=encoder.dimension,
        chunk_count=chunk_count,
        letter_count=letter_count,
        corpus_hash=corpus_hash,
        built_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        extra=dict(extra),
    )


def write(index_dir: Path, data: IndexData) -> str:
    """Write `data` as a new generation and swap it in atomically. Call while holding `build_lock`.

    Returns the new generation's name. On any failure the current generation stays as it was.
    """
    index_dir = Path(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    generation = f"{_GEN_PREFIX}{stamp}-{secrets.token_hex(3)}"
    staging = Path(tempfile.mkdtemp(prefix=_TMP_PREFIX, dir=index_dir))
    try:
        staging.chmod(0o755)  # readable by whoever may read the index directory
        _write_generation(staging, data)
        os.rename(staging, index_dir / generation)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _fsync_dir(index_dir)
    link = index_dir / f".{CURRENT}-{secrets.token_hex(3)}"
    os.symlink(generation, link)
    os.replace(link, index_dir / CURRENT)
    _fsync_dir(index_dir)
    return generation


def remove_stale(index_dir: Path) -> None:
    """Delete leftovers of killed builds and generations older than the previous one.

    Call while holding `build_lock`: no other build can be writing then.
    """
    index_dir = Path(index_dir)
    if not index_dir.is_dir():
        return
    current = current_generation(index_dir)
    generations = sorted(p.name for p in index_dir.iterdir() if p.name.startswith(_GEN_PREFIX))
    keep = {current}
    if current in generations:
        older = generations[: generations.index(current)]
        keep.update(older[-1:])
    for path in index_dir.iterdir():
        stale_gen = path.name.startswith(_GEN_PREFIX) and path.name not in keep
        leftover = path.name.startswith((_TMP_PREFIX, f".{CURRENT}-"))
        if stale_gen or leftover:
            if path.is_symlink() or not path.is_dir():
                path.unlink(missing_ok=True)
            else:
                shutil.rmtree(path, ignore_errors=True)


def _write_generation(directory: Path, data: IndexData) -> None:
    vectors = np.ascontiguousarray(data.vectors, dtype=np.float32)
    index = faiss.IndexFlatIP(data.manifest.dimension)
    if len(vectors):
        index.add(vectors)
    faiss.write_index(index, str(directory / _FILES["vectors"]))
    np.save(directory / _FILES["pairs"], np.ascontiguousarray(data.pairs, dtype=np.float32))
    np.save(directory / _FILES["pair_rows"], np.asarray(data.pair_rows, dtype=np.int32))
    with open(directory / _FILES["chunks"], "w", encoding="utf-8") as out:
        for chunk in data.chunks:
            out.write(json.dumps(chunk_to_dict(chunk), ensure_ascii=False) + "\n")
    with open(directory / _FILES["sections"], "w", encoding="utf-8") as out:
        for (source, section_index), text in data.sections.items():
            row = {"source": source, "section_index": section_index, "text": text}
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    listing = {
        "roots": list(data.roots),
        "files": {path: asdict(record) for path, record in data.files.items()},
    }
    (directory / _FILES["files"]).write_text(
        json.dumps(listing, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    LexicalIndex.build(data.chunks).save(directory)
    # The manifest goes last: a generation with a manifest is complete.
    (directory / _FILES["manifest"]).write_text(
        json.dumps(asdict(data.manifest), ensure_ascii=False, indent=1), encoding="utf-8"
    )
    for path in [directory / name for name in _FILES.values()] + lexical_files(directory):
        with open(path, "rb") as written:
            os.fsync(written.fileno())
    _fsync_dir(directory)


def lexical_files(directory: Path) -> list[Path]:
    return sorted((directory / LexicalIndex.FOLDER).iterdir())


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# -- the build lock --------------------------------------------------------------------------


@contextlib.contextmanager
def build_lock(index_dir: Path, wait: bool = False) -> Iterator[None]:
    """Hold the one-build-at-a-time lock of `index_dir`; released when the process ends, too."""
    index_dir = Path(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    path = index_dir / LOCK
    with open(path, "a+b") as handle:
        flags = fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB
        try:
            fcntl.flock(handle.fileno(), flags)
        except BlockingIOError:
            raise IndexLockedError(
                f"another build is writing the index at {index_dir} (lock {path}); "
                f"wait for it to finish, or run again with --wait"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
