"""Running the prepared checks of each visible question on a submission, in this process.

Per question: fresh modules from the submission's files (only imports, definitions and
constants run), the same seed as the grader, the question's ``collect`` under its time limit,
then its ``score``. A question whose function is missing, still a stub, or too slow gets the
grader's status and message; the other questions are checked as usual.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass, field
from pathlib import Path

from tp_ae.questions import CODE_QUESTIONS, REFERENCE_MODULES, question
from tp_ae.selfcheck import results as r
from tp_ae.selfcheck.checks import Environment, check_module
from tp_ae.selfcheck.data import PreparedChecks, QuestionData
from tp_ae.selfcheck.loading import (
    Submission,
    find_function,
    load_modules,
    read_submission,
    reference_import,
    unload_modules,
)
from tp_ae.selfcheck.recorder import Recorder
from tp_ae.selfcheck.results import CheckResult, QuestionResult
from tp_ae.selfcheck.timer import TimeLimit, time_limit

SIGNATURE_WEIGHT = 0.1  # as the grader: a refused keyword argument costs 10% of the question


@dataclass
class CheckedSubmission:
    path: str
    questions: list[QuestionResult]
    not_given: list[str] = field(default_factory=list)  # parts absent from the submission
    warnings: list[str] = field(default_factory=list)
    time_limit_enforced: bool = True

    @property
    def points_earned(self) -> float:
        return round(sum(q.points_earned for q in self.questions), 4)

    @property
    def points_possible(self) -> float:
        return round(sum(q.points_possible for q in self.questions if not q.bonus), 4)

    def to_json(self) -> dict:
        return {
            "path": self.path,
            "points_earned": self.points_earned,
            "points_possible": self.points_possible,
            "not_given": self.not_given,
            "warnings": self.warnings,
            "questions": {q.question_id: q.to_json() for q in self.questions},
        }


def check_submission(path: Path, prepared: PreparedChecks) -> CheckedSubmission:
    """Every prepared (visible) question whose part is in the submission, checked."""
    submission = read_submission(path)
    given = {f.module for f in submission.files}
    checked = CheckedSubmission(str(path), [], warnings=list(submission.warnings))
    for q in CODE_QUESTIONS:
        data = prepared.questions.get(q.id)
        if data is None:
            continue  # hidden by the course: not in the release
        if submission.file_for(q.id) is None:
            if q.part not in checked.not_given:
                checked.not_given.append(q.part)
            continue
        seed = int(prepared.course.get("seed", 0))
        result, enforced = check_question(q.id, data, submission, seed)
        checked.time_limit_enforced &= enforced
        checked.questions.append(result)
    if given and not checked.questions and not checked.not_given:
        checked.warnings.append("no visible question to check")
    return checked


def check_question(
    qid: str, data: QuestionData, submission: Submission, seed: int
) -> tuple[QuestionResult, bool]:
    """One question's result, and whether its time limit could be enforced here."""
    result = QuestionResult(qid, float(data.spec["points"]), bool(data.spec["bonus"]))
    source = submission.file_for(qid)
    if source.error:
        result.status, result.message = r.LOAD_ERROR, f"not graded: {source.error}"
        return result, True
    reference = reference_import(source, qid)
    if reference:
        result.status = r.INTEGRITY
        result.message = (
            f"Your {qid} is imported from {reference}, the reference implementation that "
            "ships with the course package (the grader has it; this release does not). "
            "Answers must be your own code: the grader gives 0 points for this question."
        )
        return result, True
    modules, load_errors = load_modules(submission)
    result.notes += [
        f"while loading, {error} (the statements after it still ran)" for error in load_errors
    ]
    try:
        fn = find_function(qid, modules)
        if fn is None:
            result.status = r.MISSING
            result.message = (
                f"{qid} is not defined in your submission (expected in {source.name}, "
                "with the name and signature of the handout)"
            )
            if load_errors:
                result.message += f"; loading reported: {'; '.join(load_errors)}"
            return result, True
        return _run(qid, fn, data, modules, result, seed)
    finally:
        unload_modules(modules)


def _run(qid, fn, data, modules, result: QuestionResult, seed: int):
    import keras

    keras.utils.set_random_seed(seed)
    module = check_module(qid)
    rec = Recorder({f.__file__ for f in modules.values()} | _chunk_names(modules))
    env = Environment(modules)
    timeout = float(data.spec["timeout_seconds"])
    try:
        with time_limit(timeout) as enforced:
            module.collect(fn, data, rec, env)
    except TimeLimit:
        result.status = r.TIMEOUT
        result.message = (
            f"stopped after {timeout:g} s, the time limit of this question: "
            f"look for an endless loop or long training inside {qid}"
        )
        return result, True
    result.notes = list(dict.fromkeys(env.notes))
    errors = [rec.error(key) for key in module.MAIN_KEYS]
    if errors and all(e is not None and e.type == "NotImplementedError" for e in errors):
        result.status = r.NOT_IMPLEMENTED
        result.message = f"not implemented: {qid} still raises NotImplementedError (the stub)"
        return result, enforced
    try:
        checks = module.score(data, rec)
    except Exception:  # noqa: BLE001 - a bug of the self-check must not stop the others
        result.status = r.CHECK_ERROR
        result.message = (
            "the self-check failed on this question (not your fault); tell your instructor:\n"
            + traceback.format_exc(limit=5)
        )
        return result, enforced
    signature = rec.get("__signature__")
    if signature:
        checks = [_scaled(c, 1 - SIGNATURE_WEIGHT) for c in checks]
        checks.append(
            CheckResult(
                "parameters named as in the handout",
                SIGNATURE_WEIGHT,
                0.0,
                f"calling with keyword arguments failed: {signature}",
                "keep the handout's parameter names (they are called by name)",
            )
        )
    result.checks = [_with_hint(c) for c in checks]
    return result, enforced


def _chunk_names(modules) -> set[str]:
    """The filenames the student's code was compiled under ("part2_vae.ipynb, cell 7")."""
    names = set()
    for module in modules.values():
        for value in module.__dict__.values():
            code = getattr(value, "__code__", None)
            if code is not None:
                names.add(code.co_filename)
    return names


def _scaled(check: CheckResult, factor: float) -> CheckResult:
    return CheckResult(check.name, check.weight * factor, check.fraction, check.message, check.hint)


def _with_hint(check: CheckResult) -> CheckResult:
    """Every check that lost points says what to do (as the grader)."""
    if check.passed or check.hint:
        return check
    text = check.message
    reference = next((m for m in REFERENCE_MODULES if f"No module named '{m}'" in text), None)
    if reference:
        hint = (
            f"{reference} is the reference implementation, not in this release: answers must "
            "be your own code (the grader gives 0 to an answer that uses it)"
        )
    elif "raised SystemExit" in text:
        hint = "graded functions must return a value: do not call sys.exit() or exit()"
    elif "raised NotImplementedError" in text and "symbolic" not in text:
        hint = "the stub still raises NotImplementedError: write the function"
    elif " raised " in text:
        hint = "your code raised an error: fix the line named above (try the call yourself)"
    else:
        hint = "compare what you return with what is expected above"
    return CheckResult(check.name, check.weight, check.fraction, check.message, hint)


def part_of(qid: str) -> str:
    return question(qid).part
