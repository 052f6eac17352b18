"""Grading speed: one complete submission against a bare ``python -c "import tensorflow"``.

Target (issue 5): grading one submission costs at most 3x TensorFlow's import on the same
machine. Both are timed end to end as separate processes (interpreter start included), best of
``--repeat`` runs, alternating so that a busy machine slows both alike::

    python benchmarks/grade_bench.py                 # grades solutions/
    python benchmarks/grade_bench.py --repeat 5 path/to/submission
    python benchmarks/grade_bench.py --memory      # Gradescope's limits: PSS and one CPU
    python benchmarks/grade_bench.py --memory --bundle /tmp/root   # the unpacked bundle

``--memory`` grades once under ``taskset -c 0`` (one CPU, as on Gradescope's half vCPU) and
samples every 0.05 s the summed PSS of the grader's whole process tree (``smaps_rollup`` of
each descendant; PSS splits shared pages, so forked workers count once), against Gradescope's
default 768 MB.

``--bundle ROOT`` measures Gradescope's own run instead: ``ROOT`` laid out as Gradescope does
(``source/`` = the unpacked autograder.zip after its setup.sh ran, ``submission/``), it runs
``bash ROOT/source/run_autograder`` with ``AUTOGRADER_ROOT=ROOT`` and reports the score of the
``results/results.json`` it wrote. ``$TP_AE_VENV`` / ``$TP_AE_SANDBOX_USER`` pass through (where
setup.sh installed, who runs student code)::

    TP_AE_VENV=/tmp/venv310 TP_AE_PYTHON=python3.10 bash ROOT/source/setup.sh
    TP_AE_VENV=/tmp/venv310 python benchmarks/grade_bench.py --memory --bundle ROOT
"""

from __future__ import annotations

import argparse
import json
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


GRADESCOPE_MB = 768


def _descendants(pid: int) -> list[int]:
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                ppid = int(open(f"/proc/{entry}/stat").read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo += children.get(current, [])
    return found


def _pss_kb(pid: int) -> int:
    try:
        for line in open(f"/proc/{pid}/smaps_rollup"):
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def memory_run(submission: Path) -> tuple[float, float, int]:
    """(wall s, peak summed PSS MB, most processes at once) of one grading on CPU 0."""
    with tempfile.TemporaryDirectory() as out:
        command = [sys.executable, "-m", "grader", str(submission)]
        command += ["--out", out, "--quiet", "--no-report"]
        return measure(command, dict(os.environ), REPO)


def bundle_run(root: Path) -> tuple[float, float, int, dict]:
    """(wall s, peak summed PSS MB, most processes, results.json) of ``run_autograder`` on
    CPU 0 for the Gradescope-like folder ``root`` (``source/``, ``submission/``)."""
    script = root / "source" / "run_autograder"
    if not script.is_file():
        raise SystemExit(f"{script}: no run_autograder (unpack autograder.zip into source/)")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["AUTOGRADER_ROOT"] = str(root)
    results = root / "results" / "results.json"
    results.unlink(missing_ok=True)
    wall, peak, most = measure(["bash", str(script)], env, root)
    if not results.is_file():
        raise SystemExit(f"run_autograder wrote no {results}")
    return wall, peak, most, json.loads(results.read_text(encoding="utf-8"))


def measure(command: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float, int]:
    """(wall s, peak summed PSS MB, most processes) of ``command`` under ``taskset -c 0``,
    sampled every 0.05 s over its whole process tree; exits when it fails."""
    env = {**env, "TF_CPP_MIN_LOG_LEVEL": "3"}
    started = time.perf_counter()
    process = subprocess.Popen(
        ["taskset", "-c", "0", *command], env=env, cwd=cwd, stdout=subprocess.DEVNULL
    )
    peak, most = 0, 0
    while process.poll() is None:
        pids = _descendants(process.pid)
        peak = max(peak, sum(_pss_kb(p) for p in pids))
        most = max(most, len(pids))
        time.sleep(0.05)
    wall = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"{command[0]} failed with status {process.returncode}")
    return wall, peak / 1024, most


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "submission", nargs="?", type=Path, default=REPO / "solutions", help="what to grade"
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs of each (best is kept)")
    parser.add_argument("--memory", action="store_true", help="peak PSS and time on one CPU")
    parser.add_argument(
        "--bundle",
        type=Path,
        metavar="ROOT",
        help="with --memory: run ROOT/source/run_autograder (Gradescope's layout) instead",
    )
    args = parser.parse_args(argv)
    if args.bundle is not None and not args.memory:
        parser.error("--bundle goes with --memory")
    if args.memory:
        if args.bundle is not None:
            wall, peak, most, results = bundle_run(args.bundle)
            possible = sum(float(t.get("max_score") or 0) for t in results.get("tests", []))
            print(f"run_autograder in {args.bundle} under taskset -c 0: {wall:.1f} s wall")
            print(f"results.json: score {results.get('score')} / {possible:g}")
        else:
            wall, peak, most = memory_run(args.submission)
            print(f"grade {args.submission.name} under taskset -c 0: {wall:.1f} s wall")
        verdict = "within" if peak <= GRADESCOPE_MB else "OVER"
        print(f"peak summed PSS {peak:.0f} MB over up to {most} processes", end=" ")
        print(f"({verdict} Gradescope's default {GRADESCOPE_MB} MB)")
        return 0

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
