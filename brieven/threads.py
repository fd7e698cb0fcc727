"""Native thread pools, settled once at the process edges (CLI, app, bench), never per call.

faiss (OpenMP) and torch each keep a pool of threads. By default an OpenMP thread that has
finished its work spins, waiting for more, and on a small machine the spinning threads take the
cores torch needs to encode the next question: a warm query cost 110 ms at 3,774 passages on 2
cores, although encoding took 18 ms and search 2 ms; with idle OpenMP threads sleeping
(`OMP_WAIT_POLICY=PASSIVE`) the same queries took 25-28 ms. numpy's OpenBLAS does the same with
its own threads: scoring the sentence pairs of a question's candidates (1,773 x 384) took 17 ms
with two BLAS threads on the loaded machine and 3.5 ms with one, so BLAS runs one thread (the
products of a question are small; a build's k-means is the only large one, and it takes up to
twice as long on an idle machine). Both libraries read these settings when they start, so
`settle()` must run before numpy, torch or faiss is imported. A value the user set wins.
"""

from __future__ import annotations

import os


def settle() -> None:
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
