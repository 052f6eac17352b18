"""Grading speed: one complete submission against a bare ``python -c "import tensorflow"``.

Target (issue 5): grading one submission costs at most 3x TensorFlow's import on the same
machine. Both are timed end to end as separate processes (interpreter start included), best of
``--repeat`` runs, alternating so that a busy machine slows both alike::

    python benchmarks/grade_bench.py                 # grades solutions/
    python benchmarks/grade_bench.py --repeat 5 path/to/submission
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
TARGET_RATIO = 3.0


def timed(command: list[str]) -> float:
    """Wall-clock seconds of one run of ``command`` (must succeed)."""
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, env=env, cwd=REPO)
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "submission", nargs="?", type=Path, default=REPO / "solutions", help="what to grade"
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs of each (best is kept)")
    args = parser.parse_args(argv)

    bare, grading = [], []
    for _ in range(args.repeat):
        bare.append(timed([sys.executable, "-c", "import tensorflow"]))
        with tempfile.TemporaryDirectory() as out:
            grading.append(
                timed(
                    [
                        sys.executable,
                        "-m",
                        "grader",
                        str(args.submission),
                        "--out",
                        out,
                        "--quiet",
                        "--no-report",
                    ]
                )
            )
    ratio = min(grading) / min(bare)
    rows = [
        ('python -c "import tensorflow"', bare),
        (f"grade one submission ({args.submission.name})", grading),
    ]
    print(f"machine: {os.cpu_count()} cores, python {sys.version.split()[0]}")
    print(f"{'what':<44} {'best s':>7}  all runs (s)")
    for what, values in rows:
        print(f"{what:<44} {min(values):7.2f}  {' '.join(f'{v:.2f}' for v in values)}")
    verdict = "within" if ratio <= TARGET_RATIO else "OVER"
    print(f"ratio {ratio:.2f}x import time ({verdict} the {TARGET_RATIO:g}x target)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
