"""Grading submissions: read them, run their questions in the sandboxed child, score them.

The grader's programmatic entry points (``tp-ae grade``, ``tp-ae check`` and the Gradescope
runner use them)::

    from grader.config import load_config
    from grader.grading import grade_submission
    result = grade_submission(Path("alice.zip"), load_config(None))
    result.score, result.max_score, result.to_gradescope_dict()

:func:`grade_submissions` grades several submissions with one child (TensorFlow imported once)
and reports each result as soon as its questions are done.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from grader.checks import check_module
from grader.config import QUESTION_IDS, CourseConfig
from grader.results import QuestionResult, Status, SubmissionResult
from grader.sandbox import RawOutcome, Task, run_child
from grader.scoring import before_running, new_result, score_question
from grader.submission import Submission, SubmissionError, read_submission
from tp_ae.questions import question

DEFAULT_SEED = 0


def default_parallelism(jobs: int = 1) -> tuple[int, int]:
    """(questions run at once in one child, TensorFlow threads per question) for ``jobs``
    children running side by side."""
    cores = os.cpu_count() or 1
    if jobs > 1:
        return 1, max(1, cores // (2 * jobs))
    return max(1, min(2, cores)), max(1, cores // 2)


def grade_submission(
    path: Path,
    config: CourseConfig,
    *,
    name: str | None = None,
    questions: Iterable[str] | None = None,
    parallel: int | None = None,
    threads: int | None = None,
    seed: int = DEFAULT_SEED,
    cancel: threading.Event | None = None,
) -> SubmissionResult:
    """Grade one submission (file, folder or zip); see :func:`grade_submissions`."""
    name = name or Path(path).stem
    results = grade_submissions(
        {name: Path(path)},
        config,
        questions=questions,
        parallel=parallel,
        threads=threads,
        seed=seed,
        cancel=cancel,
    )
    if name not in results:
        raise RuntimeError("grading was cancelled")
    return results[name]


@dataclass
class _Pending:
    """A submission being graded: its results so far and the tasks it still waits for."""

    name: str
    path: Path
    submission: Submission | None
    by_id: dict[str, QuestionResult] = field(default_factory=dict)
    waiting: set[str] = field(default_factory=set)
    load_error: str | None = None
    warnings: list[str] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)
    worker_seconds: float = 0.0


def grade_submissions(
    paths: Mapping[str, Path],
    config: CourseConfig,
    *,
    questions: Iterable[str] | Mapping[str, Iterable[str]] | None = None,
    parallel: int | None = None,
    threads: int | None = None,
    seed: int = DEFAULT_SEED,
    cancel: threading.Event | None = None,
    on_result: Callable[[SubmissionResult], None] | None = None,
) -> dict[str, SubmissionResult]:
    """Grade name -> path submissions in one child. ``questions`` limits which are run, for
    all submissions or per submission name (the others get status ``not_run``). A bad
    submission is graded, never raised; GraderError is raised only when the child cannot
    start. ``wall_seconds`` is the elapsed time for a single submission, and the seconds its
    questions ran for several."""
    default_parallel, default_threads = default_parallelism()
    pending = [
        _prepare(name, Path(path), config, _wanted(questions, name)) for name, path in paths.items()
    ]
    results: dict[str, SubmissionResult] = {}
    single = len(pending) == 1

    def finish(item: _Pending) -> None:
        result = _result(item, single)
        results[item.name] = result
        if on_result is not None:
            on_result(result)

    tasks: list[Task] = []
    for index, item in enumerate(pending):
        for qid in sorted(item.waiting, key=_task_order):
            tasks.append((index, qid))
    for item in pending:
        if not item.waiting:
            finish(item)
    if not tasks:
        return results

    inputs = {
        qid: check_module(qid).make_inputs(np.random.default_rng([seed, i]))
        for i, qid in enumerate(QUESTION_IDS)
        if any(q == qid for _, q in tasks)
    }
    tasks.sort(key=lambda t: (t[0] // 8, _task_order(t[1]), t[0]))  # heavy ones early, in blocks

    def on_outcome(task: Task, outcome: RawOutcome) -> None:
        index, qid = task
        item = pending[index]
        item.by_id[qid] = score_question(qid, config[qid], outcome, inputs[qid])
        item.worker_seconds += outcome.seconds
        _note_load_errors(item, outcome)
        item.waiting.discard(qid)
        if not item.waiting:
            finish(item)

    run_child(
        [item.submission for item in pending],
        tasks,
        config,
        inputs,
        parallel=parallel or default_parallel,
        threads=threads or default_threads,
        seed=seed,
        cancel=cancel,
        on_outcome=on_outcome,
    )
    return results


def _wanted(questions, name: str) -> set[str]:
    if questions is None:
        return set(QUESTION_IDS)
    if isinstance(questions, Mapping):
        return set(questions.get(name, QUESTION_IDS))
    return set(questions)


def _task_order(qid: str) -> tuple[int, int]:
    """Heavy questions (they train a model) first: the light ones fill in around them."""
    return (0 if question(qid).heavy else 1, QUESTION_IDS.index(qid))


def _prepare(name: str, path: Path, config: CourseConfig, wanted: set[str]) -> _Pending:
    """Read the submission; settle the questions that need no run (hidden, missing...)."""
    try:
        submission = read_submission(path, name)
    except SubmissionError as err:
        item = _Pending(name, path, None)
        item.by_id = {
            q: new_result(q, config[q], Status.LOAD_ERROR, f"not graded: {err}")
            for q in QUESTION_IDS
        }
        item.load_error = str(err)
        return item
    item = _Pending(name, path, submission)
    item.load_error = submission.load_error
    item.warnings = list(submission.warnings)
    for qid in QUESTION_IDS:
        if qid not in wanted:
            hidden = config[qid].visibility != "visible"
            reason = (
                f"hidden by the course settings (Gradescope visibility '{config[qid].visibility}')"
                if hidden
                else "its part is not in what was given"
            )
            item.by_id[qid] = new_result(qid, config[qid], Status.NOT_RUN, f"not run: {reason}")
            continue
        early = before_running(qid, config[qid], submission)
        if early is not None:
            item.by_id[qid] = early
        else:
            item.waiting.add(qid)
    return item


def _note_load_errors(item: _Pending, outcome: RawOutcome) -> None:
    observed = outcome.observations.get("__load_errors__") if outcome.observations else None
    for error in observed or []:
        note = f"while loading, {error} (the statements after it still loaded)"
        if note not in item.warnings:
            item.warnings.append(note)


def _result(item: _Pending, single: bool) -> SubmissionResult:
    result = SubmissionResult(
        item.name,
        str(item.path),
        [item.by_id[qid] for qid in QUESTION_IDS],
        load_error=item.load_error,
        warnings=list(item.warnings),
    )
    result.wall_seconds = time.monotonic() - item.started if single else item.worker_seconds
    return result
