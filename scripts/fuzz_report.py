"""The robustness figures: a build over hostile files mixed with the sample letters, and kill runs.

    python scripts/fuzz_report.py [--files 1000] [--seed 7] [--no-huge] [--no-kill]

Generates the hostile files (tests/hostile.py), runs `brieven build` over them and data/letters in
its own process (fake encoder, default limits), and prints: files tried, crashes, hangs, files
neither indexed nor named, good letters indexed, requests that reached the watched server, whether
a local file's content leaked into the index, time, peak memory of the build and of its largest
parse worker, and the skip reasons. Then runs tests/test_index_crash.py (builds killed with
SIGKILL at random moments) and prints its runs and outcomes.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from hostile import fuzz  # noqa: E402 - the tests folder is not a package


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--files", type=int, default=1000, help="hostile files (default 1000)")
    parser.add_argument("--seed", type=int, default=7, help="generator seed (default 7)")
    parser.add_argument("--no-huge", action="store_true", help="leave out the 200 MB files")
    parser.add_argument("--no-kill", action="store_true", help="leave out the kill runs")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="brieven-fuzz-") as work:
        result = fuzz(Path(work), args.seed, args.files, not args.no_huge, timeout=1800)
    print(f"hostile files tried:       {result.files_tried} (seed {args.seed})")
    print(f"crashes:                   {result.crashes}")
    print(f"hangs:                     {result.hangs}")
    print(f"neither indexed nor named: {len(result.unaccounted)}")
    print(f"must-skip files unnamed:   {len(result.unnamed)}")
    print(f"good letters indexed:      {result.good_indexed} of {result.good_total}")
    print(f"requests to watched URL:   {len(result.fetches)}")
    print(f"local file leaked:         {result.secret_leaked}")
    print(f"build time:                {result.seconds:.1f} s")
    print(f"peak RSS, build process:   {result.peak_rss_kib / 1024:.0f} MiB")
    print(f"peak RSS, largest worker:  {result.peak_worker_rss_kib / 1024:.0f} MiB")
    print("skip reasons (numbers as N):")
    for reason, count in result.reasons.items():
        print(f"  {count:5d}  {reason}")
    failed = (
        bool(
            result.crashes or result.hangs or result.unaccounted or result.unnamed or result.fetches
        )
        or result.secret_leaked
        or result.good_indexed != result.good_total
    )

    if not args.no_kill:
        kill = subprocess.run(
            [sys.executable, "-m", "pytest", "tests/test_index_crash.py", "-q", "-s"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        lines = [line for line in kill.stdout.splitlines() if line.startswith("kill -9 runs")]
        print(lines[-1] if lines else kill.stdout[-2000:])
        print(f"kill test:                 {'passed' if kill.returncode == 0 else 'FAILED'}")
        failed = failed or kill.returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
