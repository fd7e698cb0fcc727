"""`brieven ...` in a process of its own, as a user runs it, with the fake encoder for the model.

Used where a test needs real processes: builds racing for one index, `brieven ask -` answering from
a pipe while another process rebuilds, a build's peak memory. `embed_delay` makes each embedding
call take that much longer, so a build stays in progress long enough to race with; `gate` holds
every embedding call until that file exists, so a race does not depend on the machine's load.
"""

from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

TESTS = Path(__file__).resolve().parent

RUNNER = """
import os, resource, sys, time
sys.path.insert(0, {tests!r})
from conftest import FakeEncoder

class Encoder(FakeEncoder):
    def encode_document(self, texts, progress=None):
        time.sleep({delay!r})
        while {gate!r} and not os.path.exists({gate!r}):
            time.sleep(0.05)
        return super().encode_document(texts, progress)

import index.encoder
index.encoder.load_encoder = lambda model=None: Encoder()
from brieven.cli import main
status = main(sys.argv[1:])
# VmHWM, not ru_maxrss: Linux carries ru_maxrss across exec, so a child of a big test process
# would report its parent's peak.
own = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(f"peak-rss-kib {{own}} {{children}}", flush=True)
sys.exit(status)
"""


@dataclass(frozen=True, slots=True)
class BuildRun:
    status: int
    stdout: str
    stderr: str
    seconds: float
    peak_rss_kib: int  # the build process itself
    peak_worker_rss_kib: int  # its largest child (the parse workers)

    def reasons(self) -> dict[str, str]:
        """The `path: reason` lines the build printed on stderr, by path."""
        named = {}
        for line in self.stderr.replace("\r", "\n").splitlines():
            path, sep, reason = line.partition(": ")
            if sep and reason.strip() and Path(path).is_absolute():
                named[path] = reason
        return named


def start(
    args: list[str], embed_delay: float = 0.0, gate: Path | None = None, **popen
) -> subprocess.Popen:
    """Start `brieven ARGS`; text pipes for stdout and stderr unless `popen` says otherwise."""
    options = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, "text": True, **popen}
    script = RUNNER.format(tests=str(TESTS), delay=float(embed_delay), gate=str(gate or ""))
    return subprocess.Popen([sys.executable, "-c", script, *args], cwd=TESTS.parent, **options)


def finish(process: subprocess.Popen, started: float, timeout: float) -> BuildRun:
    """Wait for a build started with `start`; what it printed and its peak memory."""
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise
    peaks = [line.split()[1:] for line in stdout.splitlines() if line.startswith("peak-rss-kib")]
    own, children = (int(v) for v in peaks[-1]) if peaks else (0, 0)
    seconds = time.monotonic() - started
    return BuildRun(process.returncode, stdout, stderr, seconds, own, children)


def run_build(args: list[str], timeout: float) -> BuildRun:
    """`brieven build ARGS` to its end (TimeoutExpired past `timeout` seconds)."""
    started = time.monotonic()
    return finish(start(["build", *args]), started, timeout)
