"""From what the child reported for a question to its QuestionResult (parent side).

The check module scores plain observations; this module handles everything around it: a
missing function, an unimplemented stub, a timeout, the memory cap, a process that exited, an
answer that calls the reference implementation, a signature that differs from the handout, and
the grader's own failures (a hidden traceback, never a crash).
"""

from __future__ import annotations

import numpy as np

from grader import protocol
from grader.checks import check_module
from grader.config import QUESTION_PART, QuestionConfig
from grader.protocol import MEMORY, OK, TIMEOUT
from grader.results import CheckResult, QuestionResult, Status
from grader.sandbox import RawOutcome
from grader.submission import Submission
from tp_ae.questions import question

SIGNATURE_WEIGHT = 0.1
# the child's outcome statuses, as grader.protocol declares them (in this order)


def new_result(qid: str, config: QuestionConfig, status: str, message: str = "") -> QuestionResult:
    return QuestionResult(
        question_id=qid,
        points_possible=config.points_possible,
        bonus=config.bonus,
        visibility=config.visibility,
        status=status,
        message=message,
    )


def before_running(
    qid: str, config: QuestionConfig, submission: Submission
) -> QuestionResult | None:
    """The result when the question cannot run at all (file not loadable, name not defined)."""
    source = submission.file_for(qid)
    part = QUESTION_PART[qid]
    if source is not None and source.error:
        return new_result(qid, config, Status.LOAD_ERROR, f"not graded: {source.error}")
    if qid not in submission.defined_names():
        where = source.display_name if source else f"{part}.py or {part}.ipynb"
        return new_result(
            qid,
            config,
            Status.MISSING,
            f"{qid} is not defined in your submission (expected in {where}, "
            "with the name and signature of the handout)",
        )
    return None


def score_question(
    qid: str, config: QuestionConfig, outcome: RawOutcome, inputs: dict[str, np.ndarray]
) -> QuestionResult:
    """Turn the child's outcome for one question into points, checks and messages (the
    question's pytest checks run in a session of their own; grading a batch runs one session
    per submission instead, through :func:`settle` and :func:`with_checks`)."""
    settled = settle(qid, config, outcome)
    if settled is not None:
        return settled
    from grader.pytest_plugin import Case, run_checks

    session = run_checks([Case("submission", qid, inputs, outcome.observations)])
    key = ("submission", qid)
    return with_checks(
        qid,
        config,
        outcome,
        session.recorder.results.get(key, []),
        session.recorder.crashes.get(key),
    )


def settle(qid: str, config: QuestionConfig, outcome: RawOutcome) -> QuestionResult | None:
    """The result of a question that needs no check run (trip-wire, limits, missing, stub,
    harness error); None when its checks must run on the observations."""
    result = new_result(qid, config, Status.GRADED)
    result.seconds = outcome.seconds
    if outcome.tripped:
        result.status = Status.INTEGRITY
        how = "reads the source of" if all(":source" in t for t in outcome.tripped) else "calls"
        result.message = (
            f"Your {qid} {how} the reference implementation {question(qid).reference}.{qid} "
            "that ships with the course package. Answers must be your own code: "
            "0 points for this question."
        )
        return result
    if outcome.status != OK or outcome.observations is None:
        result.status, result.message = _failure(qid, config, outcome)
        return result
    obs = outcome.observations
    harness_error = obs.get(protocol.HARNESS_ERROR)
    if harness_error:
        return _grader_error(result, str(harness_error))
    load_errors = obs.get(protocol.LOAD_ERRORS) or []
    if obs.get(protocol.FOUND_IN) is None:
        result.status = Status.MISSING
        result.message = f"{qid} is not defined (or not callable) once your file is loaded" + (
            f"; loading reported: {'; '.join(load_errors)}" if load_errors else ""
        )
        return result
    errors = [obs.error(key) for key in check_module(qid).MAIN_KEYS]
    if errors and all(e is not None and e.type == "NotImplementedError" for e in errors):
        result.status = Status.NOT_IMPLEMENTED
        result.message = f"not implemented: {qid} still raises NotImplementedError (the stub)"
        return result
    return None


def with_checks(
    qid: str,
    config: QuestionConfig,
    outcome: RawOutcome,
    checks: list[CheckResult],
    crash: str | None = None,
) -> QuestionResult:
    """The result of a question whose checks ran: their CheckResults (a renamed parameter
    costs SIGNATURE_WEIGHT), or a grader error when a check crashed or none ran."""
    result = new_result(qid, config, Status.GRADED)
    result.seconds = outcome.seconds
    if crash or not checks:
        return _grader_error(result, crash or f"no check of {qid} ran")
    signature = outcome.observations.get(protocol.SIGNATURE)
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
    result.checks = [_with_hint(check) for check in checks]
    return result


def _with_hint(check: CheckResult) -> CheckResult:
    """Every check that lost points says what to do; an error raised by the student's code
    gets a hint from its kind."""
    if check.passed or check.hint:
        return check
    text = check.message
    if "raised SystemExit" in text:
        hint = "graded functions must return a value: do not call sys.exit() or exit()"
    elif "raised NotImplementedError" in text and "symbolic" not in text:
        hint = "the stub still raises NotImplementedError: write the function"
    elif " raised " in text:
        hint = "your code raised an error: fix the line named above (try the call yourself)"
    else:
        hint = "compare what you return with what is expected above"
    return CheckResult(check.name, check.weight, check.fraction, check.message, hint)


def _scaled(check: CheckResult, factor: float) -> CheckResult:
    return CheckResult(check.name, check.weight * factor, check.fraction, check.message, check.hint)


def _failure(qid: str, config: QuestionConfig, outcome: RawOutcome) -> tuple[str, str]:
    if outcome.status == TIMEOUT:
        return Status.TIMEOUT, (
            f"stopped after {config.timeout_seconds:g} s, the time limit of this question: "
            f"look for an endless loop or long training inside {qid}"
        )
    if outcome.status == MEMORY:
        return Status.MEMORY, (
            f"{outcome.detail or 'went over the memory limit'} (limit {config.memory_mb} MB): "
            f"look for huge arrays or models built inside {qid}"
        )
    if "could not be read back" in outcome.detail:
        return Status.EXITED, (f"{outcome.detail}: graded code must not patch NumPy or the grader")
    return Status.EXITED, (
        f"{outcome.detail or 'the process ended'}: graded code must return, not call "
        "sys.exit/os._exit or crash the interpreter"
    )


def _grader_error(result: QuestionResult, trace: str) -> QuestionResult:
    result.status = Status.GRADER_ERROR
    result.checks = []
    result.message = (
        "the autograder failed on this question (not your fault); your instructor has the details"
    )
    result.grader_traceback = trace
    return result
