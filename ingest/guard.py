"""Parsing many files in worker processes, so one hostile file cannot hang or exhaust a build.

`parse_all` hands files to a few long-lived workers: fresh Python processes (`python -m
ingest.guard`) that import the readers once and then read one file after another, so a file costs
no process start-up. Each worker runs under an address-space limit (`RLIMIT_AS`); each file gets a
deadline, which grows as a PDF reader announces its pages and the pages it must read by OCR
(`GuardLimits`). A file that runs past its deadline has its worker killed and is reported `timed
out after N s`; one that needs more memory than the limit is reported `ran out of memory`; a
worker that dies is replaced. Every other file is unaffected.

A worker whose address space came near its limit (`SPENT_SHARE`) while it read a file is replaced
after answering, and a reader's error raised then is reported as running out of memory: libxml2
reports a failed allocation as a syntax error with no message (python-docx on a DOCX whose XML
takes gigabytes), and a C library that failed to allocate may be left in a state that breaks the
next file. The shared corpus peaks at 430 MiB (a scan rendered for OCR), far below.
"""

from __future__ import annotations

import contextlib
import math
import os
import resource
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection, wait
from pathlib import Path

from brieven.kernel.errors import ParseError, ReaderLimitError
from brieven.kernel.types import Letter
from ingest.parse import parse
from ingest.raw import ParseLimits

_ORPHAN_GRACE_S = 5  # a worker whose build died gives up this long after its own deadline
SPENT_SHARE = 0.9  # of the address-space limit: a worker that came this near is replaced
_SOURCE_ROOT = str(Path(__file__).resolve().parent.parent)  # the folder holding `ingest`


@dataclass(frozen=True, slots=True)
class GuardLimits:
    """Limits on the worker processes that parse: per file, per worker, how many."""

    # Wall-clock time for one file, and more for each PDF page the reader announces, so a hostile
    # file that hangs is given up soon while a long PDF or a scan gets the time its pages need.
    # Measured on the shared 2-core machine under load (load average 8): the slowest born-digital
    # file of the shared corpus read in 1.5 s (a 10-page besluitenlijst, 0.15 s a page; answers
    # 0.05 s a page); OCR took 5.9 s a page, and 18 s a page while a build embedded beside it
    # (`ingest.formats.pdf_ocr`). So a 20-page scan gets 60 + 10 + 600 = 670 s (it needs 120-360 s),
    # a 2000-page PDF (the page limit) 1060 s, and a file that hangs on its first page is stopped
    # after 60.5 s instead of 600 (pages are announced one by one as they are started).
    seconds: float = 60.0
    page_seconds: float = 0.5  # more for each page of a PDF
    ocr_page_seconds: float = 30.0  # more for each page read by OCR
    memory_bytes: int = 2 * 2**30  # address space of one worker
    workers: int = min(4, os.cpu_count() or 1)


@dataclass(slots=True)
class _Worker:
    process: subprocess.Popen
    connection: Connection
    ready: bool = False  # imported the readers and waits for a file
    path: Path | None = None  # the file it is reading
    deadline: float = 0.0
    allowed: float = 0.0  # seconds the file is given, grown by the pages the reader announces


DEFAULT_GUARD = GuardLimits()


def parse_all(
    paths: Iterable[Path], limits: ParseLimits, guard: GuardLimits = DEFAULT_GUARD
) -> Iterator[tuple[Path, Letter | ParseError]]:
    """Parse every file in worker processes; yield (path, Letter or ParseError) as each finishes."""
    pending = [Path(p) for p in paths][::-1]
    if not pending:
        return
    workers = [_start(limits, guard) for _ in range(max(1, min(guard.workers, len(pending))))]
    try:
        while pending or any(w.path for w in workers):
            for worker in workers:
                if worker.ready and worker.path is None and pending:
                    worker.path = pending.pop()
                    worker.deadline = time.monotonic() + guard.seconds
                    worker.allowed = guard.seconds
                    worker.connection.send(str(worker.path))
            waiting = [w for w in workers if w.path is not None or not w.ready]
            deadlines = [w.deadline for w in waiting if w.path is not None]
            timeout = max(0.0, min(deadlines) - time.monotonic()) if deadlines else None
            ready = wait([w.connection for w in waiting], timeout)
            for index, worker in enumerate(workers):
                if not worker.ready:
                    if worker.connection in ready:
                        _started(worker)
                    continue
                path = worker.path
                if path is None:
                    continue
                if worker.connection in ready:
                    result, healthy = _receive(worker, guard)
                    if result is None:  # the reader announced its pages: more time
                        continue
                elif time.monotonic() >= worker.deadline:
                    timed_out = ReaderLimitError(path, f"timed out after {worker.allowed:g} s")
                    result, healthy = timed_out, False
                else:
                    continue
                worker.path = None
                if not healthy:
                    _stop(worker, kill=True)
                    workers[index] = _start(limits, guard)
                yield path, result
    finally:
        for worker in workers:
            _stop(worker, kill=worker.path is not None or not worker.ready)


def _start(limits: ParseLimits, guard: GuardLimits) -> _Worker:
    ours, theirs = socket.socketpair()
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [_SOURCE_ROOT, env.get("PYTHONPATH")]))
    process = subprocess.Popen(
        [sys.executable, "-m", "ingest.guard", str(theirs.fileno())],
        pass_fds=[theirs.fileno()],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        env=env,
    )
    theirs.close()
    worker = _Worker(process, Connection(ours.detach()))
    worker.connection.send((limits, guard))
    return worker


def _started(worker: _Worker) -> None:
    try:
        worker.connection.recv()
    except (EOFError, OSError):
        code = worker.process.wait()
        raise RuntimeError(f"a parse worker failed to start (exit status {code})") from None
    worker.ready = True


def _receive(worker: _Worker, guard: GuardLimits) -> tuple[Letter | ParseError | None, bool]:
    """The worker's answer (None while it only announces pages, whose time is added to its
    deadline), and whether the worker can take another file."""
    path = worker.path
    try:
        kind, value, spent = worker.connection.recv()
    except (EOFError, OSError):
        return ReaderLimitError(path, _death(worker.process.wait(), guard)), False
    if kind == "pages":
        more = _more_time(guard, *value)
        worker.deadline += more
        worker.allowed += more
        return None, True
    if kind == "letter":
        return value, not spent
    if kind == "out of memory":
        return ReaderLimitError(path, value), False
    if kind == "retry":  # e.g. a scan on a machine without OCR: read it again next build
        return ReaderLimitError(path, value), not spent
    return ParseError(path, value), not spent


def _more_time(guard: GuardLimits, pages: int, ocr_pages: int) -> float:
    return pages * guard.page_seconds + ocr_pages * guard.ocr_page_seconds


def _death(exitcode: int, guard: GuardLimits) -> str:
    how = f"killed by {signal.Signals(-exitcode).name}" if exitcode < 0 else f"status {exitcode}"
    return (
        f"the reader process died ({how}); the file may be malformed or need more than the "
        f"memory limit of {_mib(guard.memory_bytes)}"
    )


def _stop(worker: _Worker, kill: bool) -> None:
    """End a worker: an idle one sees the end of its input and exits, a busy one is killed."""
    with contextlib.suppress(OSError):
        worker.connection.close()
    if kill:
        worker.process.kill()
    try:
        worker.process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        worker.process.kill()
        worker.process.wait()


def _mib(size: int) -> str:
    return f"{size / 2**20:,.0f} MiB"


def _oom(guard: GuardLimits) -> str:
    return f"ran out of memory (limit {_mib(guard.memory_bytes)})"


# -- in the worker process -------------------------------------------------------------------


def _serve(connection: Connection) -> None:
    """Parse the files sent over `connection` one at a time, answering (kind, value) for each."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the build's to handle
    limits, guard = connection.recv()
    with contextlib.suppress(ValueError, OSError):  # a limit this platform does not support
        resource.setrlimit(resource.RLIMIT_AS, (guard.memory_bytes, guard.memory_bytes))
    connection.send("ready")
    while True:
        try:
            path = connection.recv()
        except (EOFError, OSError, MemoryError):
            return  # the build has gone, or this process cannot go on: the build replaces it
        # The build kills a worker past its deadline; should the build itself have died, the
        # alarm ends the worker instead of leaving it spinning on a hostile file.
        signal.alarm(math.ceil(guard.seconds) + _ORPHAN_GRACE_S)

        def announce(pages: int, ocr_pages: int) -> None:
            signal.alarm(signal.alarm(0) + math.ceil(_more_time(guard, pages, ocr_pages)))
            connection.send(("pages", (pages, ocr_pages), False))

        try:
            answer = ("letter", parse(path, replace(limits, on_pages=announce)))
        except ParseError as err:
            out_of_memory = isinstance(err.__cause__, MemoryError)
            kind = "retry" if isinstance(err, ReaderLimitError) else "error"
            answer = ("out of memory", _oom(guard)) if out_of_memory else (kind, err.reason)
        except MemoryError:
            answer = ("out of memory", _oom(guard))
        except Exception as err:  # a reader's bug on a hostile file must not end the worker
            answer = ("error", f"could not be read ({type(err).__name__}: {err})")
        signal.alarm(0)
        spent = _address_space_peak() >= SPENT_SHARE * guard.memory_bytes
        if spent and answer[0] == "error":
            answer = ("out of memory", _oom(guard))
        spent = spent or answer[0] == "out of memory"
        try:
            try:
                connection.send((*answer, spent))
            except MemoryError:
                spent = True
                connection.send(("out of memory", _oom(guard), spent))
        except OSError:
            return  # the build has gone
        if spent:
            return  # start afresh rather than carry on in a process that neared its limit


def _address_space_peak() -> int:
    """The most address space this process has held, in bytes (0 where /proc does not say)."""
    with contextlib.suppress(OSError, ValueError):
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmPeak:"):
                    return int(line.split()[1]) * 1024
    return 0


if __name__ == "__main__":
    _serve(Connection(int(sys.argv[1])))
