"""``tp-ae grade PATH... --out DIR`` (also ``python -m grader``): grade submissions.

Writes ``DIR/<submission>/results.json`` (Gradescope's format) and ``feedback.md``, then
``DIR/gradebook.csv`` (atomically). Re-running skips submissions already graded in DIR unless
``--force``. After grading several submissions, writes the class report and the similarity table
when those modules are installed. Exit status 0 when every submission was graded, whatever the
scores. Imports no TensorFlow: student code runs only in the sandboxed child.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import importlib
import json
import os
import sys
import threading
from collections.abc import Mapping
from pathlib import Path

from tp_ae.errors import TpAeError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="a submission: .py, .ipynb, .zip, or a folder with part1_autoencoders/part2_vae",
    )
    parser.add_argument(
        "--out", type=Path, required=True, metavar="DIR", help="folder for the results"
    )
    parser.add_argument(
        "--batch",
        type=Path,
        metavar="DIR",
        help="grade every entry of DIR (file, folder or zip) as one submission",
    )
    parser.add_argument(
        "--config", type=Path, metavar="TOML", help="course settings (points, limits, visibility)"
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=1,
        metavar="N",
        help="N grading processes side by side (default 1; each needs about 1 GB of memory)",
    )
    parser.add_argument(
        "--force", action="store_true", help="regrade submissions that already have results in DIR"
    )
    parser.add_argument(
        "--no-report", action="store_true", help="do not write the class report and similarity"
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


def run(args: argparse.Namespace) -> int:
    from grader.config import load_config
    from grader.submission import batch_entries, unique_names

    if args.jobs < 1:
        raise TpAeError(f"--jobs {args.jobs}: give a number of submissions >= 1")
    config = load_config(args.config)
    paths = list(args.paths)
    if args.batch is not None:
        paths += batch_entries(args.batch, exclude=args.out)
    if not paths:
        raise TpAeError("no submission given: name files or folders, or use --batch DIR")
    for path in paths:
        if not path.exists():
            raise TpAeError(f"{path}: no such file or folder")
    out_dir: Path = args.out
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise TpAeError(f"{out_dir}: cannot create the output folder ({err.strerror})") from None
    named = unique_names(paths)
    todo = {
        name: path
        for name, path in named.items()
        if args.force or not already_graded(out_dir / name / "results.json")
    }
    failures = grade_all(todo, config, out_dir, jobs=args.jobs, quiet=args.quiet)

    from grader.writers import write_gradebook

    gradebook = write_gradebook(out_dir)
    skipped = len(named) - len(todo)
    summary = f"graded {len(todo)} submission(s)"
    if skipped:
        summary += f", skipped {skipped} already graded (--force to regrade)"
    print(f"{summary}; gradebook: {gradebook}")
    if not args.no_report and (len(named) > 1 or args.batch is not None):
        write_class_outputs(out_dir, named)
    if failures:
        print(
            f"tp-ae grade: {len(failures)} submission(s) could not be graded (grader error): "
            + ", ".join(failures),
            file=sys.stderr,
        )
        return 1
    return 0


def already_graded(results_json: Path) -> bool:
    """A results.json this grader wrote, with no grader failure in it (those are regraded)."""
    try:
        data = json.loads(results_json.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    statuses = data.get("extra_data", {}).get("status", {}).values()
    return "grader_error" not in statuses


CHUNK = 25  # submissions per child: TensorFlow is imported once for each chunk


def grade_all(
    todo: Mapping[str, Path], config, out_dir: Path, *, jobs: int = 1, quiet: bool = False
) -> list[str]:
    """Grade and write every submission, ``jobs`` children side by side, each taking chunks of
    up to CHUNK submissions; returns the names the grader itself failed on."""
    from grader.grading import default_parallelism, grade_submissions
    from grader.progress import Progress
    from grader.results import format_points
    from grader.sandbox import GraderError
    from grader.writers import write_submission

    parallel, threads = default_parallelism(jobs)
    progress = Progress(len(todo), enabled=not quiet)
    cancel = threading.Event()
    failures: list[str] = []
    names = list(todo)
    size = max(1, min(CHUNK, -(-len(names) // jobs)))
    chunks = [names[i : i + size] for i in range(0, len(names), size)]

    def written(result) -> None:
        if cancel.is_set():
            return
        write_submission(result, out_dir)
        note = f"{format_points(result.score)}/{format_points(result.max_score)}"
        if result.load_error:
            note += " (load error)"
        progress.update(result.name, f"{note} in {result.wall_seconds:.1f} s")

    def lane(chunk: list[str]) -> None:
        done: set[str] = set()

        def on_result(result) -> None:
            done.add(result.name)
            written(result)

        try:
            grade_submissions(
                {name: todo[name] for name in chunk},
                config,
                parallel=parallel,
                threads=threads,
                cancel=cancel,
                on_result=on_result,
            )
        except GraderError as err:
            if cancel.is_set():
                return
            for name in chunk:
                if name not in done:
                    failures.append(name)
                    written(_failed_result(name, todo[name], config, str(err)))

    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(lane, chunk) for chunk in chunks]
        try:
            for future in concurrent.futures.as_completed(futures):
                future.result()
        except BaseException:
            cancel.set()
            for future in futures:
                future.cancel()
            raise
    return failures


def _failed_result(name: str, path: Path, config, message: str):
    """A results.json for a submission the grader could not run (Otter-style: visible notice,
    details hidden)."""
    from grader import results as r
    from grader.config import QUESTION_IDS
    from grader.results import SubmissionResult
    from grader.scoring import new_result

    questions = [
        new_result(q, config[q], r.GRADER_ERROR, "the autograder failed (not your fault)")
        for q in QUESTION_IDS
    ]
    return SubmissionResult(name, str(path), questions, grader_error=message)


def write_class_outputs(out_dir: Path, submissions: Mapping[str, Path]) -> None:
    """The class report and the similarity table, when their modules are installed."""
    calls = (  # similarity first: the report shows its flagged groups
        ("grader.similarity", "write_similarity", (out_dir, dict(submissions))),
        ("grader.report", "write_report", (out_dir,)),
    )
    for module_name, function, call_args in calls:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as err:
            if err.name == module_name:
                continue
            raise
        writer = getattr(module, function, None)
        if writer is None:
            continue
        try:
            path = writer(*call_args)
        except Exception as err:  # noqa: BLE001 - grades are written; the report is extra
            first = str(err).splitlines()[0] if str(err) else type(err).__name__
            print(f"tp-ae grade: warning: {module_name} failed: {first}", file=sys.stderr)
            if os.environ.get("TP_AE_DEBUG"):
                raise
            continue
        print(f"wrote {path}")
