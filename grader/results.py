"""The results model: plain dataclasses, turned into Gradescope's dict at one edge.

A question is scored by a list of :class:`CheckResult` whose ``weight`` values add up to 1; the
question earns ``points * sum(weight * fraction)``. Every check that loses points carries a
message ("got ..., expected ...") and a hint saying what to change.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# QuestionResult.status values
GRADED = "graded"  # the checks ran; points follow from them
MISSING = "missing"  # the function is not defined in the submission
NOT_IMPLEMENTED = "not_implemented"  # the stub still raises NotImplementedError
LOAD_ERROR = "load_error"  # the file holding the question could not be loaded
TIMEOUT = "timeout"  # the question's checks ran past the configured timeout
MEMORY = "memory"  # the checked code went over the memory cap
EXITED = "exited"  # the checked code ended the process (os._exit, a signal, a crash)
INTEGRITY = "integrity"  # the answer calls the reference implementation shipped in tp_ae
NOT_RUN = "not_run"  # hidden by the course config (tp-ae check only)
GRADER_ERROR = "grader_error"  # a bug in the grader itself; the traceback is kept hidden

_ROUND = 4  # points are rounded to this many decimals


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
    max_points: float  # the question's points in the course config
    bonus: bool  # counts in the score, not in max_score
    visibility: str  # Gradescope visibility from the course config
    status: str = GRADED
    checks: list[CheckResult] = field(default_factory=list)
    message: str = ""  # why no checks ran (missing, timeout, ...), one or two sentences
    seconds: float = 0.0  # wall-clock time of this question's checks
    grader_traceback: str = ""  # for GRADER_ERROR: shown to the instructor only

    @property
    def fraction(self) -> float:
        if self.status != GRADED:
            return 0.0
        earned = sum(c.weight * min(max(c.fraction, 0.0), 1.0) for c in self.checks)
        return min(max(earned, 0.0), 1.0)

    @property
    def points(self) -> float:
        return round(self.max_points * self.fraction, _ROUND)

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
            lines.append(f"Bonus question: up to {format_points(self.max_points)} extra point(s).")
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

    @property
    def score(self) -> float:
        return round(sum(q.points for q in self.questions), _ROUND)

    @property
    def max_score(self) -> float:
        return round(sum(q.max_points for q in self.questions if not q.bonus), _ROUND)

    def question(self, question_id: str) -> QuestionResult | None:
        return next((q for q in self.questions if q.question_id == question_id), None)

    def hints(self) -> list[str]:
        """Every hint of the submission, question by question."""
        return [hint for q in self.questions for hint in q.hints]

    def to_gradescope_dict(self) -> dict:
        """Gradescope's results.json: score, execution_time, output, tests, extra_data.

        A bonus question's test has max_score 0 (Gradescope shows earned points as extra
        credit). A grader failure adds a hidden test holding the traceback for the instructor.
        """
        tests = []
        for q in self.questions:
            tests.append(
                {
                    "name": q.question_id,
                    "score": q.points,
                    "max_score": 0.0 if q.bonus else q.max_points,
                    "output": q.output_text(),
                    "visibility": q.visibility,
                    # the question's real points, also for a bonus (whose max_score is 0)
                    "extra_data": {"points": q.max_points, "bonus": q.bonus},
                }
            )
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
        output = [f"Score: {format_points(self.score)} / {format_points(self.max_score)}"]
        if self.load_error:
            output.append(f"Could not load: {self.load_error}")
        output += [f"Warning: {w}" for w in self.warnings]
        if self.grader_error:
            output.append(
                "The autograder failed on this submission; your instructor has the details."
            )
        return {
            "score": self.score,
            "execution_time": round(self.wall_seconds, 2),
            "output": "\n".join(output),
            "tests": tests,
            "extra_data": {
                "load_error": self.load_error,
                "hints": self.hints(),
                "wall_seconds": round(self.wall_seconds, 2),
                "max_score": self.max_score,
                "status": {q.question_id: q.status for q in self.questions},
                "warnings": list(self.warnings),
            },
        }


def format_points(value: float) -> str:
    """2 -> '2', 2.5 -> '2.5', 2.3333 -> '2.33'."""
    return f"{value:.2f}".rstrip("0").rstrip(".")
