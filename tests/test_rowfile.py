"""index.rowfile reads what a memory map of the same file gives, for every way the index asks."""

from __future__ import annotations

import numpy as np
import pytest

from index.rowfile import RowFile


@pytest.fixture
def stored(tmp_path):
    rows = np.random.default_rng(0).standard_normal((50, 8)).astype(np.float16)
    path = tmp_path / "vectors.f16"
    rows.tofile(path)
    return rows, RowFile(path, *rows.shape)


@pytest.mark.parametrize(
    "key",
    [[], [7], [3, 4, 5, 6], [49, 0, 1, 2, 30, 31, 10], np.array([5, 5, 6]), np.arange(50)],
)
def test_rows_in_any_order_runs_and_repeats_read_as_from_a_memory_map(stored, key):
    rows, file = stored
    read = file[key]
    assert read.dtype == np.float16 and read.shape == (len(key), 8)
    assert np.array_equal(read, rows[np.asarray(key, dtype=np.int64)])


def test_slices_length_and_asarray(stored):
    rows, file = stored
    assert len(file) == 50 and file.shape == (50, 8)
    assert np.array_equal(file[10:20], rows[10:20])
    assert np.array_equal(file[45:60], rows[45:])
    assert file[20:10].shape == (0, 8)
    assert np.array_equal(np.asarray(file, dtype=np.float32), rows.astype(np.float32))


def test_a_row_outside_the_file_is_an_error_not_garbage(stored):
    _, file = stored
    with pytest.raises(IndexError):
        file[[3, 50]]
    with pytest.raises(IndexError):
        file[[-1]]
