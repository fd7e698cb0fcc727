"""The index directory on disk: generations of segments, atomic swaps and a build lock.

Layout of an index directory `DIR`:

    DIR/current -> gen-20261128T184500123456Z-3f2a    the generation readers use (a symlink)
    DIR/gen-20261128T184500123456Z-3f2a/
        manifest.json    IndexManifest: format, model, weights hash, dimension, counts, corpus hash
        segments.json    the segments this generation reads, in row order
        alive-<segment>.npy  which rows of that segment are alive (packed bits): a file removed or
                         changed leaves its old passages dead in their segment, never rewritten
        files.json       per source file: content hash, letter id, segment and row range or skip
                         reason; plus the paths the index was built from (for incremental rebuilds)
    DIR/segments/seg-*/  immutable batches of passages shared by generations (`index.segment`)
    DIR/build.lock       held (fcntl.flock) by the one build allowed at a time

Opening a generation reads its small files only; passages, vectors and BM25 stay on disk in the
segments (SQLite and memory maps), so opening costs about the same at a thousand passages and at
a million (`bench/scale.py`).

How a reader never sees half an index, and a kill -9 never loses one:
- A build writes a new segment into `DIR/segments/.tmp-seg-*`, fsyncs it and renames it to
  `seg-*`; then it writes a complete generation into `DIR/.tmp-gen-*`, fsyncs it, renames it to
  `DIR/gen-*`, points a fresh symlink at it and `os.replace`s it over `DIR/current` (atomic on
  POSIX). Until that instant readers follow the old generation; from it on, the new one. Killed at
  any moment, the build leaves `current` pointing at a complete generation; its leftovers
  (`.tmp-*`, an unreferenced `gen-*` or `seg-*`) are removed by the next build.
- A reader resolves `current` once and reads every file from that one generation and its
  segments. The generation before the current one, and its segments, are kept, so a reader that
  resolved it just before a swap can still finish.
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
from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from brieven.kernel.encoder import Encoder
from brieven.kernel.errors import IndexLockedError, IndexMismatchError, IndexMissingError
from brieven.kernel.links import links_from_dict
from brieven.kernel.types import Chunk, Footnote, IndexManifest

FORMAT_VERSION = 3  # 2: one generation of flat files; 3: segments (SQLite, memory maps, IVF)
CURRENT = "current"
LOCK = "build.lock"
SEGMENTS = "segments"
_GEN_PREFIX = "gen-"
_SEG_PREFIX = "seg-"
_TMP_PREFIX = ".tmp-gen-"
_TMP_SEG_PREFIX = ".tmp-seg-"
_MANIFEST = "manifest.json"
_LISTING = "segments.json"
_FILES = "files.json"
_CHUNK_FIELDS = tuple(field.name for field in fields(Chunk))


@dataclass(frozen=True, slots=True)
class FileRecord:
    """What one source file contributed: rows `first` to `first + count - 1` of `segment`, or
    why not (`skipped`)."""

    content_hash: str
    letter_id: str | None = None
    first: int = 0
    count: int = 0
    skipped: str | None = None
    segment: str = ""


@dataclass(frozen=True, slots=True)
class Generation:
    """One complete generation: its manifest, segments (in row order) with their alive rows, and
    the files it was built from."""

    manifest: IndexManifest
    segments: tuple[str, ...]
    alive: tuple[np.ndarray, ...]  # bool per row of each segment
    files: dict[str, FileRecord]
    roots: tuple[str, ...] = ()
    name: str = ""


# -- reading ---------------------------------------------------------------------------------


def current_generation(index_dir: Path) -> str | None:
    """The name of the generation readers should use, None when there is no index. One syscall."""
    try:
        return os.readlink(Path(index_dir) / CURRENT)
    except OSError:
        return None


def read_manifest(index_dir: Path) -> IndexManifest:
    generation = _require_generation(index_dir)
    return _read_manifest(Path(index_dir) / generation / _MANIFEST)


def read_roots(index_dir: Path) -> tuple[str, ...]:
    """The paths the current index was built from."""
    generation = _require_generation(index_dir)
    listing = json.loads((Path(index_dir) / generation / _FILES).read_text("utf-8"))
    return tuple(listing.get("roots", ()))


def segment_dir(index_dir: Path, name: str) -> Path:
    return Path(index_dir) / SEGMENTS / name


def open_generation(index_dir: Path, files: bool = True) -> Generation:
    """The current generation (its file list too when `files`). Raises IndexMissingError when
    there is none, IndexMismatchError when it is of another format."""
    index_dir = Path(index_dir)
    for _attempt in range(3):
        name = _require_generation(index_dir)
        try:
            return _read_generation(index_dir, name, files)
        except FileNotFoundError:
            continue  # swapped and cleaned up while we read: follow `current` again
    raise IndexMissingError(f"index at {index_dir} keeps changing while being read; try again")


def check_compatible(manifest: IndexManifest, encoder: Encoder, index_dir: Path) -> None:
    """Refuse an index built by another model or format than the running one."""
    check_format(manifest, index_dir)
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


def check_format(manifest: IndexManifest, index_dir: Path) -> None:
    if manifest.format_version == FORMAT_VERSION:
        return
    if manifest.format_version == 2:
        raise IndexMismatchError(
            f"index at {index_dir} has the format of an older brieven (version 2); upgrade it "
            f"without re-embedding with: brieven build --index {index_dir}"
        )
    raise IndexMismatchError(
        f"index at {index_dir} has format version {manifest.format_version}, this brieven "
        f"reads version {FORMAT_VERSION}; rebuild with: brieven build --index {index_dir}"
    )


def _require_generation(index_dir: Path) -> str:
    generation = current_generation(index_dir)
    if generation is None:
        raise IndexMissingError(
            f"no index at {index_dir}; build one with: brieven build PATH --index {index_dir}"
        )
    return generation


def _read_generation(index_dir: Path, name: str, files: bool) -> Generation:
    directory = index_dir / name
    manifest = _read_manifest(directory / _MANIFEST)
    check_format(manifest, index_dir)
    segments = tuple(json.loads((directory / _LISTING).read_text("utf-8"))["segments"])
    alive = []
    for segment in segments:
        packed = np.load(directory / f"alive-{segment['name']}.npy")
        alive.append(np.unpackbits(packed, count=segment["count"]).astype(bool))
    listing = json.loads((directory / _FILES).read_text("utf-8")) if files else {}
    records = {path: FileRecord(**record) for path, record in listing.get("files", {}).items()}
    return Generation(
        manifest=manifest,
        segments=tuple(segment["name"] for segment in segments),
        alive=tuple(alive),
        files=records,
        roots=tuple(listing.get("roots", ())),
        name=name,
    )


def _read_manifest(path: Path) -> IndexManifest:
    return IndexManifest(**json.loads(path.read_text(encoding="utf-8")))


def chunk_from_dict(row: dict) -> Chunk:
    """The Chunk `chunk_to_dict` gave `row` (as JSON or a segment's SQLite row gives it back):
    keys that are no Chunk field are ignored, missing ones take the field's default."""
    values = {name: row[name] for name in _CHUNK_FIELDS if name in row}
    values["footnotes"] = tuple(
        Footnote(number=f["number"], text=f["text"], urls=tuple(f["urls"]))
        for f in row["footnotes"]
    )
    values["pages"] = tuple(row["pages"]) if row["pages"] is not None else None
    values["links"] = links_from_dict(row.get("links"))
    values["ocr"] = bool(row.get("ocr"))  # SQLite gives 0 or 1
    return Chunk(**values)


def chunk_to_dict(chunk: Chunk) -> dict:
    """`chunk` as JSON values, what `dataclasses.asdict` gives (at a quarter of its cost, which
    was most of writing a segment's SQLite rows); the one field-by-field form of a Chunk on disk
    (JSON lines, and a segment's SQLite columns, `index.segment.chunk_row`)."""
    row = {name: getattr(chunk, name) for name in _CHUNK_FIELDS}
    row["footnotes"] = [asdict(note) for note in chunk.footnotes]
    row["links"] = asdict(chunk.links) if chunk.links is not None else None
    return row


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


@contextlib.contextmanager
def new_segment(index_dir: Path) -> Iterator[Path]:
    """A fresh folder to write a segment into; renamed to `seg-*` when the block completes, removed
    when it fails. Call while holding `build_lock`. The segment's name is the folder's name after
    the block: read it from `committed(path)`."""
    parent = Path(index_dir) / SEGMENTS
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=_TMP_SEG_PREFIX, dir=parent))
    try:
        staging.chmod(0o755)
        yield staging
        os.rename(staging, committed(staging))
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _fsync_dir(parent)


def committed(staging: Path) -> Path:
    """Where the segment written in `staging` lies once complete."""
    return staging.with_name(_SEG_PREFIX + staging.name.removeprefix(_TMP_SEG_PREFIX))


def write(index_dir: Path, generation: Generation) -> str:
    """Write `generation` and swap it in atomically. Call while holding `build_lock`.

    Its segments must be complete (`new_segment`). Returns the new generation's name. On any
    failure the current generation stays as it was.
    """
    index_dir = Path(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    name = f"{_GEN_PREFIX}{stamp}-{secrets.token_hex(3)}"
    staging = Path(tempfile.mkdtemp(prefix=_TMP_PREFIX, dir=index_dir))
    try:
        staging.chmod(0o755)  # readable by whoever may read the index directory
        _write_generation(staging, generation)
        os.rename(staging, index_dir / name)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _fsync_dir(index_dir)
    link = index_dir / f".{CURRENT}-{secrets.token_hex(3)}"
    os.symlink(name, link)
    os.replace(link, index_dir / CURRENT)
    _fsync_dir(index_dir)
    return name


def remove_stale(index_dir: Path) -> None:
    """Delete leftovers of killed builds, generations older than the previous one, and segments
    neither of the two kept generations reads.

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
            _remove(path)
    used = set()
    for name in keep - {None}:
        with contextlib.suppress(OSError, ValueError, KeyError):
            listing = json.loads((index_dir / name / _LISTING).read_text("utf-8"))
            used.update(segment["name"] for segment in listing["segments"])
    parent = index_dir / SEGMENTS
    for path in parent.iterdir() if parent.is_dir() else ():
        if path.name not in used:
            _remove(path)


def _remove(path: Path) -> None:
    if path.is_symlink() or not path.is_dir():
        path.unlink(missing_ok=True)
    else:
        shutil.rmtree(path, ignore_errors=True)


def _write_generation(directory: Path, generation: Generation) -> None:
    segments = []
    for name, alive in zip(generation.segments, generation.alive, strict=True):
        np.save(directory / f"alive-{name}.npy", np.packbits(alive))
        segments.append({"name": name, "count": len(alive)})
    (directory / _LISTING).write_text(json.dumps({"segments": segments}), encoding="utf-8")
    listing = {
        "roots": list(generation.roots),
        "files": {path: asdict(record) for path, record in generation.files.items()},
    }
    (directory / _FILES).write_text(json.dumps(listing, ensure_ascii=False), encoding="utf-8")
    # The manifest goes last: a generation with a manifest is complete.
    (directory / _MANIFEST).write_text(
        json.dumps(asdict(generation.manifest), ensure_ascii=False, indent=1), encoding="utf-8"
    )
    for path in directory.iterdir():
        with open(path, "rb") as written:
            os.fsync(written.fileno())
    _fsync_dir(directory)


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
