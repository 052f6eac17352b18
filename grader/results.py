"""The results model: plain dataclasses that every writer takes in memory.

A question is scored by a list of :class:`CheckResult` whose ``weight`` values add up to 1; the
question earns ``points_possible * sum(weight * fraction)``. Every check that loses points
carries a message ("got ..., expected ...") and a hint saying what to change.

The gradebook, ``feedback.md``, the class report and Gradescope's ``results.json`` are all made
from :class:`SubmissionResult` objects. ``to_json``/``from_json`` round-trip a result exactly
(``results.json`` carries it in ``extra_data``, so a later run can reuse it without regrading).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import Enum
from typing import Any

RESULT_SCHEMA = 1  # version of SubmissionResult.to_json's layout
_ROUND = 4  # points are rounded to this many decimals


class Status(str, Enum):
    """What happened to one question of one submission."""

    GRADED = "graded"  # the checks ran; points follow from them
    MISSING = "missing"  # the function is not defined in the submission
    NOT_IMPLEMENTED = "not_implemented"  # the stub still raises NotImplementedError
    LOAD_ERROR = "load_error"  # the file holding the question could not be loaded
    TIMEOUT = "timeout"  # the question's checks ran past the configured timeout
    MEMORY = "memory"  # the checked code went over the memory cap
    EXITED = "exited"  # the checked code ended the process (os._exit, a signal, a crash)
    INTEGRITY = "integrity"  # the answer calls or copies the reference implementation
    NOT_RUN = "not_run"  # hidden by the course config, or its part not handed in
    GRADER_ERROR = "grader_error"  # a bug in the grader itself; the traceback is kept hidden

    def __str__(self) -> str:
        return self.value


# The short word feedback.md and the report show for a status.
STATUS_WORDS: dict[Status, str] = {
    Status.GRADED: "",
    Status.MISSING: "missing",
    Status.NOT_IMPLEMENTED: "not implemented",
    Status.LOAD_ERROR: "file not loadable",
    Status.TIMEOUT: "time limit",
    Status.MEMORY: "memory limit",
    Status.EXITED: "process ended",
    Status.INTEGRITY: "calls the reference",
    Status.NOT_RUN: "not run",
    Status.GRADER_ERROR: "grader error",
}

GRADER_FAILED_MESSAGE = "the autograder failed on this question (not your fault)"


@dataclass
class CheckResult:
    """One check of a question: its share of the question's points and what it found."""

    name: str  # what was checked, e.g. "per-sample shape (N,)"
    weight: float  # share of the question's points; a question's weights add up to 1
    fraction: float  # share of this check earned, in [0, 1]
    message: str = ""  # "got ..., expected ..." when points were lost (or a note when not)
    hint: str = ""  # what to change, when points were lost

    @property
    def passed(self) -> bool:
        return self.fraction >= 1.0


@dataclass
class QuestionResult:
    """The outcome of one question for one submission."""

    question_id: str
    points_possible: float  # the question's points in the course config
    bonus: bool  # counts in the score, not in max_score
    visibility: str  # Gradescope visibility from the course config
    status: Status = Status.GRADED
    checks: list[CheckResult] = field(default_factory=list)
    message: str = ""  # why no checks ran (missing, timeout, ...), one or two sentences
    seconds: float = 0.0  # wall-clock time of this question's checks
    grader_traceback: str = ""  # for GRADER_ERROR: shown to the instructor only

    @property
    def fraction(self) -> float:
        if self.status != Status.GRADED:
            return 0.0
        earned = sum(c.weight * min(max(c.fraction, 0.0), 1.0) for c in self.checks)
        return min(max(earned, 0.0), 1.0)

    @property
    def points_earned(self) -> float:
        return round(self.points_possible * self.fraction, _ROUND)

    @property
    def hints(self) -> list[str]:
        """The hints of the checks that lost points, in order, without repeats."""
        seen: list[str] = []
        for check in self.checks:
            if not check.passed and check.hint and check.hint not in seen:
                seen.append(check.hint)
        return seen

    def output_text(self) -> str:
        """Plain text for Gradescope's ``output`` field and the console."""
        lines = []
        if self.bonus:
            lines.append(
                f"Bonus question: up to {format_points(self.points_possible)} extra point(s)."
            )
        if self.message:
            lines.append(self.message)
        for check in self.checks:
            mark = "PASS" if check.passed else ("PART" if check.fraction > 0 else "FAIL")
            lines.append(f"[{mark}] {check.name}")
            if check.message:
                lines.append(f"       {check.message}")
            if check.hint and not check.passed:
                lines.append(f"       hint: {check.hint}")
        return "\n".join(lines)


@dataclass
class SubmissionResult:
    """Every question's result for one submission, and what happened while loading it."""

    name: str
    path: str
    questions: list[QuestionResult]
    load_error: str | None = None  # files that could not be loaded (syntax errors...)
    warnings: list[str] = field(default_factory=list)
    wall_seconds: float = 0.0
    grader_error: str | None = None  # traceback of a grader failure (instructor only)
    isolation: str = ""  # how student code was isolated (the sandbox's level), "" if unknown
    content_hash: str = ""  # of the submission's files: a rerun regrades only what changed

    @classmethod
    def grader_failed(cls, name: str, path: str, config, details: str) -> SubmissionResult:
        """The one shape of "the grader could not grade this": every question GRADER_ERROR,
        a visible notice for the student, ``details`` for the instructor only."""
        from tp_ae.questions import QUESTION_IDS

        questions = [
            QuestionResult(
                qid,
                config[qid].points_possible,
                config[qid].bonus,
                config[qid].visibility,
                Status.GRADER_ERROR,
                message=GRADER_FAILED_MESSAGE,
            )
            for qid in QUESTION_IDS
        ]
        return cls(name, str(path), questions, grader_error=details or "unknown failure")

    @property
    def score(self) -> float:
        return round(sum(q.points_earned for q in self.questions), _ROUND)

    @property
    def max_score(self) -> float:
        return round(sum(q.points_possible for q in self.questions if not q.bonus), _ROUND)

    @property
    def failed(self) -> bool:
        """True when the grader itself failed somewhere in this submission."""
        return bool(self.grader_error) or any(
            q.status == Status.GRADER_ERROR for q in self.questions
        )

    def question(self, question_id: str) -> QuestionResult | None:
        return next((q for q in self.questions if q.question_id == question_id), None)

    def hints(self) -> list[tuple[str, str]]:
        """Every hint of the submission as (question id, hint) pairs, question by question."""
        return [(q.question_id, hint) for q in self.questions for hint in q.hints]

    # -- the model as JSON ------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        """Plain JSON data holding every field; :meth:`from_json` reads it back."""
        data = asdict(self)
        data["schema"] = RESULT_SCHEMA
        for q in data["questions"]:
            q["status"] = str(q["status"])
        return data

    @classmethod
    def from_json(cls, data: Any) -> SubmissionResult:
        """Read :meth:`to_json`'s data back; ValueError when it is not that layout."""
        if not isinstance(data, dict) or data.get("schema") != RESULT_SCHEMA:
            raise ValueError("not a tp-ae result (or one of another schema version)")
        try:
            questions = [
                QuestionResult(
                    **{
                        **q,
                        "status": Status(q["status"]),
                        "checks": [CheckResult(**c) for c in q["checks"]],
                    }
                )
                for q in data["questions"]
            ]
            fields = {k: v for k, v in data.items() if k not in ("schema", "questions")}
            return cls(questions=questions, **fields)
        except (KeyError, TypeError, ValueError) as err:
            raise ValueError(f"malformed tp-ae result: {err}") from None

    def to_gradescope_dict(self) -> dict[str, Any]:
        """Gradescope's results.json: score, execution_time, output, tests, extra_data.

        A bonus question's test has max_score 0 (Gradescope shows earned points as extra
        credit). A grader failure adds a hidden test holding the traceback for the instructor.
        ``extra_data["result"]`` holds :meth:`to_json`.
        """
        tests = [
            {
                "name": q.question_id,
                "score": q.points_earned,
                "max_score": 0.0 if q.bonus else q.points_possible,
                "output": q.output_text(),
                "visibility": q.visibility,
                "status": "passed" if q.fraction >= 1.0 else "failed",
                # the question's real points, also for a bonus (whose max_score is 0)
                "extra_data": {"points_possible": q.points_possible, "bonus": q.bonus},
            }
            for q in self.questions
        ]
        tracebacks = [q.grader_traceback for q in self.questions if q.grader_traceback]
        if self.grader_error:
            tracebacks.insert(0, self.grader_error)
        if tracebacks:
            tests.append(
                {
                    "name": "grader internal error (instructor only)",
                    "score": 0.0,
                    "max_score": 0.0,
                    "output": "\n\n".join(tracebacks),
                    "visibility": "hidden",
                }
            )
        return {
            "score": self.score,
            "execution_time": round(self.wall_seconds, 2),
            "output": self.summary_text(),
            "tests": tests,
            "extra_data": {"result": self.to_json()},
        }

    def summary_text(self) -> str:
        """The few lines above the per-question results: score, load errors, warnings."""
        output = [f"Score: {format_points(self.score)} / {format_points(self.max_score)}"]
        if self.load_error:
            output.append(f"Could not load: {self.load_error}")
        output += [f"Warning: {w}" for w in self.warnings]
        if self.grader_error:
            output.append(
                "The autograder failed on this submission; your instructor has the details."
            )
        return "\n".join(output)


def format_points(value: float) -> str:
    """2 -> '2', 2.5 -> '2.5', 2.3333 -> '2.33'."""
    return f"{value:.2f}".rstrip("0").rstrip(".")
