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

import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from grader import isolation
from grader.checks import check_module
from grader.config import QUESTION_IDS, QUESTION_PART, CourseConfig
from grader.cpus import available_cpus
from grader.results import QuestionResult, Status, SubmissionResult
from grader.sandbox import RawOutcome, Task, run_child
from grader.scoring import before_running, new_result, settle, with_checks
from grader.submission import Submission, SubmissionError, read_submission
from tp_ae.errors import TpAeError
from tp_ae.questions import question

DEFAULT_SEED = 0


def default_parallelism(jobs: int = 1) -> tuple[int, int]:
    """(questions run at once in one child, TensorFlow threads per question) for ``jobs``
    children running side by side."""
    cores = int(available_cpus()) or 1  # affinity and cgroup quota, not the machine (issue 15)
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
    checks: Sequence[Path] | None = None,
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
        checks=checks,
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
    to_check: dict[str, RawOutcome] = field(default_factory=dict)  # questions awaiting checks
    custom: list[QuestionResult] = field(default_factory=list)  # the course's own questions
    isolation: str = ""  # the sandbox's level its code ran under (grader.isolation.LEVELS)
    done: threading.Event = field(default_factory=threading.Event)  # every question back


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
    checks: Sequence[Path] | None = None,
) -> dict[str, SubmissionResult]:
    """Grade name -> path submissions in one child and one pytest session. ``questions``
    limits which are run, for all submissions or per submission name (the others get status
    ``not_run``). The child runs in a thread while the session, in this one, checks each
    question as it comes back (``grader/checks/test_<id>.py``, plus ``checks``, default the
    course config's folders): the submissions are the parameters of the same tests, and each
    result is reported (``on_result``) once all its questions are checked. A bad submission is
    graded, never raised; GraderError is raised only when the child cannot start. ``wall_seconds``
    is the elapsed time for a single submission, and the seconds its questions ran for several."""
    from grader.pytest_plugin import CheckSession, custom_questions, run_checks

    results: dict[str, SubmissionResult] = {}
    single = len(paths) == 1
    checks = config.checks if checks is None else tuple(checks)
    custom = custom_questions(checks)
    for extra in custom:
        if extra.id in QUESTION_IDS or extra.uses not in QUESTION_IDS:
            raise TpAeError(
                f"course check {extra.id!r}: give it a new id and uses= one of "
                + ", ".join(QUESTION_IDS)
            )
    plan = _plan(paths, config, questions, seed)
    by_name = {item.name: item for item in plan.pending}

    def finish(name: str, session: CheckSession | None = None, crash: str = "") -> None:
        item = by_name[name]
        _settle_checked(item, config, session, crash, custom)
        result = _result(item, single)
        results[name] = result
        if on_result is not None:
            on_result(result)

    for item in plan.pending:
        if not item.waiting:
            finish(item.name)
    if not plan.tasks:
        return results
    cancel = cancel or threading.Event()
    child = _ChildThread(plan, config, parallel, threads, seed, cancel)
    session = CheckSession(
        child.cases,
        on_done=lambda name: finish(name, session),
        ready=lambda name: by_name[name].done.is_set(),
    )
    child.start()
    crash = ""
    try:
        run_checks(session, checks)
    except KeyboardInterrupt:
        cancel.set()
        child.join()
        raise
    except Exception:  # noqa: BLE001 - a broken check sinks no submission: grader errors
        if session.handover_error is not None:  # a result could not be kept: stop, say so
            cancel.set()
            child.join()
            raise
        import traceback

        crash = traceback.format_exc(limit=20)
    child.join()
    for item in plan.pending:  # what the session could not hand over (it crashed, or ended)
        if item.name not in results and item.done.is_set() and not cancel.is_set():
            finish(item.name, session, crash)
    if child.error is not None:
        raise child.error
    return results


def observe_submissions(
    paths: Mapping[str, Path], config: CourseConfig, *, seed: int = DEFAULT_SEED
) -> list:
    """Run the child on every question of every submission and return one
    ``grader.pytest_plugin.Case`` each, for running the checks directly with pytest: a
    question that could not run (missing, stub, time limit...) carries its message as
    ``error``."""
    from grader.pytest_plugin import Case

    plan = _plan(paths, config, None, seed)
    child = _ChildThread(plan, config, None, None, seed, threading.Event())
    child.run()
    if child.error is not None:
        raise child.error
    cases: list[Case] = []
    for item in plan.pending:
        for qid, result in item.by_id.items():
            cases.append(Case(item.name, qid, {}, None, f"{qid}: {result.message}"))
        for qid, outcome in item.to_check.items():
            cases.append(Case(item.name, qid, plan.inputs[qid], outcome.observations))
    return cases


@dataclass
class _Plan:
    """The submissions of one child, read; the tasks it must run; the seeded inputs."""

    pending: list[_Pending]
    tasks: list[Task]
    inputs: dict[str, dict]


def _plan(paths, config, questions, seed: int) -> _Plan:
    """Read the submissions (settling what needs no run) and order their tasks: heavy
    questions early, in blocks of 8 submissions."""
    level = isolation.isolation_level()
    pending = [
        _prepare(name, Path(path), config, _wanted(questions, name)) for name, path in paths.items()
    ]
    tasks: list[Task] = []
    for index, item in enumerate(pending):
        item.isolation = level
        if not item.waiting:
            item.done.set()
        for qid in sorted(item.waiting, key=_task_order):
            tasks.append((index, qid))
    inputs = {
        qid: check_module(qid).make_inputs(np.random.default_rng([seed, i]))
        for i, qid in enumerate(QUESTION_IDS)
        if any(q == qid for _, q in tasks)
    }
    tasks.sort(key=lambda t: (t[0] // 8, _task_order(t[1]), t[0]))
    return _Plan(pending, tasks, inputs)


class _ChildThread(threading.Thread):
    """Runs a plan's tasks in the sandboxed child and hands each outcome over as it comes:
    settled at once (time limit, stub...) or to its awaiting case (``cases``), whose checks
    the session runs meanwhile. When the child stops early (cancel, or it cannot start:
    ``error``), the cases still awaited are released as not run."""

    def __init__(self, plan: _Plan, config, parallel, threads, seed, cancel) -> None:
        super().__init__(name="tp-ae-child", daemon=True)
        from grader.pytest_plugin import Case

        self.plan, self.config, self.seed, self.cancel = plan, config, seed, cancel
        default_parallel, default_threads = default_parallelism()
        self.parallel, self.threads = parallel or default_parallel, threads or default_threads
        self.error: BaseException | None = None
        self.awaited = {
            (index, qid): Case.awaited(plan.pending[index].name, qid, plan.inputs[qid])
            for index, qid in plan.tasks
        }
        self.cases = [self.awaited[task] for task in plan.tasks]

    def on_outcome(self, task: Task, outcome: RawOutcome) -> None:
        index, qid = task
        item = self.plan.pending[index]
        settled = settle(qid, self.config[qid], outcome)
        if settled is None:
            item.to_check[qid] = outcome
        else:
            item.by_id[qid] = settled
        item.worker_seconds += outcome.seconds
        _note_load_errors(item, outcome)
        item.waiting.discard(qid)
        if not item.waiting:
            item.done.set()
        self.awaited[task].arrive(
            outcome.observations, skip="" if settled is None else "settled without checks"
        )

    def run(self) -> None:
        try:
            run_child(
                [item.submission for item in self.plan.pending],
                self.plan.tasks,
                self.config,
                self.plan.inputs,
                parallel=self.parallel,
                threads=self.threads,
                seed=self.seed,
                cancel=self.cancel,
                on_outcome=self.on_outcome,
            )
        except BaseException as err:  # noqa: BLE001 - raised again in the grading thread
            self.error = err
        finally:
            for case in self.awaited.values():
                if case.arrived is not None and not case.arrived.is_set():
                    case.arrive(skip="not run: the child stopped")


def _settle_checked(item: _Pending, config: CourseConfig, session, crash: str, custom) -> None:
    """Give each question of ``item`` that awaited its checks its result from the session's
    records (a crash of the checks is a grader error on it), then the course's own questions
    (``custom``) from the same records."""
    for qid, outcome in item.to_check.items():
        found, bug = session.results_of(item.name, qid) if session else ([], "")
        item.by_id[qid] = with_checks(qid, config[qid], outcome, found, bug or crash or None)
    item.to_check.clear()
    for extra in custom:
        found = session.results_of(item.name, extra.id)[0] if session else []
        result = QuestionResult(extra.id, extra.points, False, "visible")
        if found:
            result.checks = found
        else:
            result.status = Status.NOT_RUN
            result.message = f"not run: it reads {extra.uses}, which could not be checked"
        item.custom.append(result)


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
                else f"{QUESTION_PART[qid]} is not in what was given (not handed in)"
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
        [item.by_id[qid] for qid in QUESTION_IDS] + item.custom,
        load_error=item.load_error,
        warnings=list(item.warnings),
    )
    result.isolation = item.isolation
    result.wall_seconds = time.monotonic() - item.started if single else item.worker_seconds
    return result
