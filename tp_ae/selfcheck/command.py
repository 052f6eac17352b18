"""``tp-ae check FILE_OR_FOLDER...``: the student's self-check, from the prepared checks.

Prints per question what was checked, "got ..., expected ..." and a hint for every lost point,
then a score line over the questions checked. Questions the course hides are not in the
release, and the output says how many. Runs in this process: no sandbox, no fork, so it works
on Windows, macOS and Colab.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from tp_ae.errors import TpAeError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        type=Path,
        nargs="+",
        metavar="FILE_OR_FOLDER",
        help="your .py or .ipynb, or the folder holding part1_autoencoders and part2_vae",
    )
    parser.add_argument(
        "--json",
        type=Path,
        metavar="FILE",
        help="also write the results as JSON (path -> points and checks), for tools and tests",
    )


def run(args: argparse.Namespace) -> int:
    import os

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    from tp_ae.selfcheck.data import load_prepared
    from tp_ae.selfcheck.runner import check_submission

    prepared = load_prepared()
    for path in args.paths:
        if not path.exists():
            raise TpAeError(f"{path}: no such file or folder")
    print("checking (TensorFlow starts first: a few seconds)...")
    sys.stdout.flush()
    everything = {}
    for path in args.paths:
        checked = check_submission(path, prepared)
        print(report(checked, prepared.course))
        everything[str(path)] = checked.to_json()
    if args.json:
        args.json.write_text(json.dumps(everything, indent=2), encoding="utf-8")
    return 0


def report(checked, course: dict) -> str:
    """The feedback of one submission, ending with the score line."""
    from tp_ae.selfcheck.results import format_points

    lines = [f"== {checked.path}"]
    lines += [f"Warning: {w}" for w in checked.warnings]
    for question in checked.questions:
        lines += ["", question.text()]
    bonus = sum(q.points_earned for q in checked.questions if q.bonus)
    extra = f" (including {format_points(bonus)} bonus)" if bonus else ""
    lines += [
        "",
        f"Checked questions: {format_points(checked.points_earned)} / "
        f"{format_points(checked.points_possible)}{extra}.",
    ]
    if checked.not_given:
        lines.append(
            f"Not checked: {', '.join(checked.not_given)} (not in what you gave; give the "
            "folder to check both parts)."
        )
    hidden = course.get("hidden", [])
    if hidden:
        lines.append(
            f"{len(hidden)} question(s) are graded but not checked here (the course keeps "
            "them hidden until later): passing the checks above says nothing about them."
        )
    if not checked.time_limit_enforced:
        lines.append("Note: no time limit here (this system has no SIGALRM): a check may hang.")
    return "\n".join(lines)
