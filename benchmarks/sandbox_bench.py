"""What the sandbox costs: grading under the strongest isolation here against none.

Target (issue 11): the sandbox adds at most 20% to the time per submission. Both are timed end
to end as separate processes (``python -m grader SUBMISSION ...``), alternating, best of
``--repeat`` runs, so that a busy machine slows both alike::

    python benchmarks/sandbox_bench.py                    # grades solutions/
    python benchmarks/sandbox_bench.py --repeat 5 path/to/submission_or_batch_folder [--batch]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TARGET_OVERHEAD = 0.20


def timed(command: list[str], isolation: str | None) -> float:
    """Wall-clock seconds of one run of ``command`` (must succeed) at that isolation level."""
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    env.pop("TP_AE_ISOLATION", None)
    if isolation:
        env["TP_AE_ISOLATION"] = isolation
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, env=env, cwd=REPO)
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    from grader.isolation import available_level

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "submission", nargs="?", type=Path, default=REPO / "solutions", help="what to grade"
    )
    parser.add_argument("--batch", action="store_true", help="the path is a batch folder")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each (best is kept)")
    args = parser.parse_args(argv)
    level = available_level()
    runs: dict[str, list[float]] = {level: [], "none": []}
    for _ in range(args.repeat):
        for isolation in runs:
            with tempfile.TemporaryDirectory() as out:
                target = ["--batch", str(args.submission)] if args.batch else [str(args.submission)]
                command = [sys.executable, "-m", "grader", *target, "--out", out, "--quiet"]
                runs[isolation].append(timed([*command, "--no-report"], isolation))
    print(f"machine: {os.cpu_count()} cores, python {sys.version.split()[0]}")
    print(f"{'isolation':<14} {'best s':>7}  all runs (s)")
    for isolation, values in runs.items():
        print(f"{isolation:<14} {min(values):7.2f}  {' '.join(f'{v:.2f}' for v in values)}")
    overhead = min(runs[level]) / min(runs["none"]) - 1
    verdict = "within" if overhead <= TARGET_OVERHEAD else "OVER"
    print(f"sandbox ({level}) costs {overhead:+.1%} ({verdict} the +{TARGET_OVERHEAD:.0%} target)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
