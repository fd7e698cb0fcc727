"""A segment's float16 vector file, read row by row with `os.pread` instead of memory-mapped.

A question reads a few hundred passage vectors and their sentence pairs, scattered over files of
0.7 and 2.1 GB per million passages. Memory-mapped, every page touched stays mapped in the
process: after 90 questions at a million passages the searching process held 1.1 GB of these
files' pages (its peak RSS 4.7 GB, model included), and a long-running app would hold them all.
Read with `pread`, the pages stay in the system's page cache, shared and reclaimable, and out of
the process's resident memory; a read is one system call per run of consecutive rows.
"""

from __future__ import annotations

import os
import weakref
from pathlib import Path

import numpy as np

_DTYPE = np.dtype(np.float16)


class RowFile:
    """Read-only (count, dimension) float16 rows: `len`, slices, integer-array indexing and
    `np.asarray` as a memory map offers them. Thread-safe (`pread` keeps no file position)."""

    def __init__(self, path: Path, count: int, dimension: int) -> None:
        self.shape = (count, dimension)
        self.dtype = _DTYPE
        self._row_bytes = dimension * _DTYPE.itemsize
        self._fd = os.open(path, os.O_RDONLY)
        weakref.finalize(self, os.close, self._fd)

    def __len__(self) -> int:
        return self.shape[0]

    def __getitem__(self, key: slice | np.ndarray | list[int]) -> np.ndarray:
        if isinstance(key, slice):
            start, stop, step = key.indices(len(self))
            if step != 1:
                raise ValueError("RowFile slices take every row")
            return self._run(start, max(start, stop))
        rows = np.asarray(key, dtype=np.int64).reshape(-1)
        if len(rows) and (rows.min() < 0 or rows.max() >= len(self)):
            raise IndexError(f"row out of range 0..{len(self) - 1}")
        out = np.empty((len(rows), self.shape[1]), _DTYPE)
        if not len(rows):
            return out
        starts = np.flatnonzero(np.diff(rows, prepend=-2) != 1)  # where a run of rows begins
        ends = np.append(starts[1:], len(rows))
        for begin, end in zip(starts.tolist(), ends.tolist(), strict=True):
            out[begin:end] = self._run(int(rows[begin]), int(rows[end - 1]) + 1)
        return out

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        whole = self._run(0, len(self))
        return whole if dtype is None else whole.astype(dtype)

    def _run(self, start: int, stop: int) -> np.ndarray:
        size = (stop - start) * self._row_bytes
        data = os.pread(self._fd, size, start * self._row_bytes)
        if len(data) != size:
            raise OSError(f"short read of rows {start}..{stop} (file changed underneath?)")
        return np.frombuffer(data, _DTYPE).reshape(stop - start, self.shape[1])
