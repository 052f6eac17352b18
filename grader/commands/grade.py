"""``tp-ae grade PATH... --out DIR`` (also ``python -m grader``): grade submissions.

Prints first the isolation level student code runs under (:func:`grader.isolation.describe`;
each result records it too, ``SubmissionResult.isolation``).
Writes ``DIR/<submission>/results.json`` (Gradescope's format) and ``feedback.md`` as each
submission is done, then ``DIR/gradebook.csv`` once, atomically, from the results in memory (one
row per submission of this run). A rerun reuses the result of a submission whose files have not
changed (``--force`` regrades). After several submissions, writes the similarity table and the
class report. Exit status 0 when every submission was graded, whatever the scores. Imports no
TensorFlow: student code runs only in the sandboxed child.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import os
import sys
import threading
from collections.abc import Mapping
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
    parser.add_argument(
        "--written",
        type=Path,
        metavar="CSV",
        help="merge the hand-given marks of the written questions (the filled written_marks.csv)",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


def run(args: argparse.Namespace) -> int:
    from grader import isolation
    from grader.config import load_config, with_course_checks

    if args.jobs < 1:
        raise TpAeError(f"--jobs {args.jobs}: give a number of submissions >= 1")
    config = with_course_checks(load_config(args.config), args.checks)
    named = _submissions(args)
    print(isolation.describe(isolation.isolation_level()), flush=True)
    out_dir: Path = args.out
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise TpAeError(f"{out_dir}: cannot create the output folder ({err.strerror})") from None
    marks = None
    if args.written is not None:  # read first: a bad marks sheet stops before any grading
        from grader.written import read_marks

        marks = read_marks(args.written, _written_config(config), submissions=set(named))
    results, todo = reuse_previous(named, out_dir, force=args.force)
    results.update(grade_all(todo, config, out_dir, jobs=args.jobs, quiet=args.quiet))
    review_written(out_dir, named, config)
    if marks is not None:
        merge_written_marks(results, marks, config, out_dir)
        print(f"merged {len(marks)} written mark(s) from {args.written}")
    write_class_outputs(out_dir, named, results, report=not args.no_report and len(named) > 1)
    failures = sorted(name for name, result in results.items() if result.grader_error)
    if failures:
        print(
            f"tp-ae grade: {len(failures)} submission(s) could not be graded (grader error): "
            + ", ".join(failures),
            file=sys.stderr,
        )
        return 1
    return 0


def _submissions(args: argparse.Namespace) -> dict[str, Path]:
    """Output name -> path of every submission asked for; reserved output names are renamed."""
    from grader.batch import output_name
    from grader.submission import batch_entries, skipped_entries, unique_names

    paths = list(args.paths)
    if args.batch is not None:
        paths += batch_entries(args.batch, exclude=args.out)
        for entry, why in skipped_entries(args.batch, exclude=args.out):
            print(f"not graded: {entry.name} ({why})", flush=True)
    if not paths:
        raise TpAeError("no submission given: name files or folders, or use --batch DIR")
    for path in paths:
        if not os.path.lexists(path):
            raise TpAeError(f"{path}: no such file or folder")
    taken: set[str] = set()
    return {output_name(name, taken): path for name, path in unique_names(paths).items()}


def reuse_previous(named: Mapping[str, Path], out_dir: Path, *, force: bool):
    """(results reused from an earlier run, the submissions left to grade). A result is reused
    only for the very same files (content hash) and when it has no grader failure."""
    from grader.batch import content_hash, previous_result, reusable

    reused, todo = {}, {}
    for name, path in named.items():
        digest = content_hash(path)
        previous = None if force else previous_result(out_dir, name)
        if reusable(previous, digest):
            reused[name] = previous
        else:
            todo[name] = (path, digest)
    if reused:
        print(f"reused {len(reused)} result(s) of unchanged submissions (--force to regrade)")
    return reused, todo


def _written_config(config):
    from grader.written import WrittenConfig, WrittenQuestionConfig

    return WrittenConfig(
        {q: WrittenQuestionConfig(s.points_possible, s.rubric) for q, s in config.written.items()}
    )


def review_written(out_dir: Path, named: Mapping[str, Path], config) -> None:
    """OUT/written/<id>.html (every answer side by side, the rubric) and written_marks.csv
    (kept marks stay). An entry whose answers cannot be read shows as having none."""
    from grader.written import written_answers

    answers = {}
    for name, path in named.items():
        try:
            answers[name] = written_answers(path)
        except Exception:  # noqa: BLE001 - an unreadable entry has no answer, never a crash
            answers[name] = {}
    if not any(text.strip() for found in answers.values() for text in found.values()):
        return
    from grader.batch import WRITTEN_DIR
    from grader.written import write_review

    paths = write_review(out_dir / WRITTEN_DIR, answers, _written_config(config))
    print(f"wrote {len(paths) - 1} review page(s) and {paths[-1]} for the written questions")


def merge_written_marks(results: dict, marks: Mapping, config, out_dir: Path) -> None:
    """Put the instructor's marks into every result (a written question unmarked stays out of
    the score and its column empty) and rewrite each submission's files."""
    from grader.results import CheckResult, QuestionResult, Status
    from grader.writers import write_submission
    from tp_ae.questions import WRITTEN_IDS

    for name, result in results.items():
        result.questions = [q for q in result.questions if q.question_id not in WRITTEN_IDS]
        for qid in WRITTEN_IDS:
            if (name, qid) not in marks:
                continue
            points, comment = marks[(name, qid)]
            possible = config.written[qid].points_possible
            fraction = points / possible if possible else 1.0
            check = CheckResult("marked by hand", 1.0, fraction, comment or "")
            result.questions.append(
                QuestionResult(qid, possible, False, "visible", Status.GRADED, [check])
            )
        write_submission(result, out_dir)


CHUNK = 25  # submissions per child: TensorFlow is imported once for each chunk


def grade_all(todo: Mapping[str, tuple[Path, str]], config, out_dir: Path, *, jobs=1, quiet=False):
    """Grade and write every submission (name -> (path, content hash)), ``jobs`` children
    side by side, each taking chunks of up to CHUNK submissions; returns name -> result.
    A chunk whose child cannot run gets the grader-failed result for what it had left."""
    from grader.progress import Progress

    lanes = _Lanes(todo, config, out_dir, jobs, Progress(len(todo), enabled=not quiet))
    names = list(todo)
    size = max(1, min(CHUNK, -(-len(names) // jobs)))
    chunks = [names[i : i + size] for i in range(0, len(names), size)]
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(lanes.grade, chunk) for chunk in chunks]
        try:
            for future in concurrent.futures.as_completed(futures):
                future.result()
        except BaseException:
            lanes.cancel.set()
            for future in futures:
                future.cancel()
            raise
    return lanes.results


class _Lanes:
    """The state shared by the grading lanes: results so far, progress, cancellation."""

    def __init__(self, todo, config, out_dir: Path, jobs: int, progress) -> None:
        from grader.grading import default_parallelism

        self.todo, self.config, self.out_dir, self.progress = todo, config, out_dir, progress
        self.parallel, self.threads = default_parallelism(jobs)
        self.cancel = threading.Event()
        self.results: dict = {}
        self._lock = threading.Lock()

    def grade(self, chunk: list[str]) -> None:
        """Grade one chunk in one child; results are written as they come."""
        from grader.grading import grade_submissions
        from grader.results import SubmissionResult
        from grader.sandbox import GraderError

        try:
            grade_submissions(
                {name: self.todo[name][0] for name in chunk},
                self.config,
                parallel=self.parallel,
                threads=self.threads,
                cancel=self.cancel,
                on_result=self.record,
            )
        except GraderError as err:
            if self.cancel.is_set():
                return
            for name in chunk:
                if name not in self.results:
                    path = self.todo[name][0]
                    self.record(SubmissionResult.grader_failed(name, path, self.config, str(err)))

    def record(self, result) -> None:
        """Keep one finished result, write its files and move the progress bar."""
        from grader.results import format_points
        from grader.writers import write_submission

        if self.cancel.is_set():
            return
        result.content_hash = self.todo[result.name][1]
        write_submission(result, self.out_dir)
        with self._lock:
            self.results[result.name] = result
        note = f"{format_points(result.score)}/{format_points(result.max_score)}"
        if result.load_error:
            note += " (load error)"
        self.progress.update(result.name, f"{note} in {result.wall_seconds:.1f} s")


def write_class_outputs(
    out_dir: Path, named: Mapping[str, Path], results: Mapping, *, report: bool
) -> None:
    """The gradebook (always), then the similarity table and the class report for a class.
    A failure of the report or the similarity table is a warning: the grades are written."""
    from grader.gradebook import write_gradebook

    gradebook = write_gradebook(out_dir, results.values())
    print(f"graded {len(results)} submission(s); gradebook: {gradebook}")
    if not report:
        return
    from grader.report import write_report
    from grader.similarity import write_similarity

    for label, write in (
        ("similarity", lambda: write_similarity(out_dir, dict(named))),
        ("report", lambda: write_report(out_dir, list(results.values()))),
    ):
        try:
            path = write()
        except Exception as err:  # noqa: BLE001 - grades are written; the report is extra
            first = str(err).splitlines()[0] if str(err) else type(err).__name__
            print(f"tp-ae grade: warning: the {label} failed: {first}", file=sys.stderr)
            if os.environ.get("TP_AE_DEBUG"):
                raise
            continue
        print(f"wrote {path}")
