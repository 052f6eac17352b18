"""``tp-ae check FILE_OR_FOLDER``: a student's self-check, the grader's own checks, printed.

Runs exactly what ``tp-ae grade`` runs, in the same sandboxed child, and prints the feedback.
Questions that the course settings hide on Gradescope (visibility other than ``visible``) are
not run, and the output says so: "all passed" then covers only what was shown.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tp_ae.errors import TpAeError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--checks",
        type=Path,
        action="append",
        default=[],
        metavar="DIR",
        help="also run the course's own pytest checks in DIR (repeatable)",
    )
    parser.add_argument(
        "path",
        type=Path,
        metavar="FILE_OR_FOLDER",
        help="your .py, .ipynb, .zip, or the folder holding part1_autoencoders/part2_vae",
    )
    parser.add_argument(
        "--config", type=Path, metavar="TOML", help="course settings given by your instructor"
    )


def run(args: argparse.Namespace) -> int:
    from grader.config import QUESTION_IDS, QUESTION_PART, load_config, with_course_checks
    from grader.grading import grade_submission
    from grader.submission import SINGLE_MODULE, read_submission
    from grader.writers import feedback_markdown

    config = with_course_checks(load_config(args.config), args.checks)
    if not args.path.exists():
        raise TpAeError(f"{args.path}: no such file or folder")
    hidden = config.hidden_questions()
    parts = {f.module for f in read_submission(args.path).files}
    other_part = [
        q for q in QUESTION_IDS if SINGLE_MODULE not in parts and QUESTION_PART[q] not in parts
    ]
    visible = [q for q in QUESTION_IDS if q not in hidden and q not in other_part]
    print(f"checking {args.path} (TensorFlow starts in a separate process: a few seconds)...")
    sys.stdout.flush()
    result = grade_submission(args.path, config, questions=visible)
    print(feedback_markdown(result))
    if other_part:
        print(
            f"Not checked: {', '.join(sorted({QUESTION_PART[q] for q in other_part}))} "
            "(not in what you gave; give the folder to check both parts)."
        )
    if hidden:
        print(
            f"{len(hidden)} question(s) are hidden by the course settings and were not "
            f"checked here: {', '.join(hidden)}. Passing the checks above says nothing about "
            "them."
        )
    return 0
