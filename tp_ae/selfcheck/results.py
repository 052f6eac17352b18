"""Results of the self-check: the same words as the grader's feedback.

A question is scored by checks whose weights add up to 1; it earns
``points * sum(weight * fraction)``. A check that loses points says "got ..., expected ..." and
carries a hint.
"""

from __future__ import annotations

from dataclasses import dataclass, field

GRADED = "graded"
MISSING = "missing"
NOT_IMPLEMENTED = "not_implemented"
LOAD_ERROR = "load_error"
INTEGRITY = "integrity"  # the answer is the reference implementation: the grader gives 0
TIMEOUT = "timeout"
NOT_RUN = "not_run"
CHECK_ERROR = "check_error"  # the self-check itself failed: a bug to report to the instructor


@dataclass
class CheckResult:
    """One check of a question: its share of the points and what it found."""

    name: str
    weight: float
    fraction: float
    message: str = ""
    hint: str = ""

    @property
    def passed(self) -> bool:
        return self.fraction >= 1.0


@dataclass
class QuestionResult:
    """One question: its checks, or why none ran (``status`` and ``message``)."""

    question_id: str
    points_possible: float
    bonus: bool
    status: str = GRADED
    checks: list[CheckResult] = field(default_factory=list)
    message: str = ""
    notes: list[str] = field(default_factory=list)  # how this check differs from the grader's

    @property
    def fraction(self) -> float:
        if self.status != GRADED:
            return 0.0
        earned = sum(c.weight * min(max(c.fraction, 0.0), 1.0) for c in self.checks)
        return min(max(earned, 0.0), 1.0)

    @property
    def points_earned(self) -> float:
        return round(self.points_possible * self.fraction, 4)

    @property
    def hints(self) -> list[str]:
        """The hints of the checks that lost points, in order, without repeats."""
        return list(dict.fromkeys(c.hint for c in self.checks if not c.passed and c.hint))

    def text(self) -> str:
        """The question's block of feedback, as the grader prints it."""
        title = f"{self.question_id}: {format_points(self.points_earned)} / "
        title += format_points(self.points_possible) + (" (bonus)" if self.bonus else "")
        lines = [title]
        if self.message:
            lines.append(self.message)
        for check in self.checks:
            mark = "PASS" if check.passed else ("PART" if check.fraction > 0 else "FAIL")
            lines.append(f"[{mark}] {check.name}")
            if check.message:
                lines.append(f"       {check.message}")
            if check.hint and not check.passed:
                lines.append(f"       hint: {check.hint}")
        lines += [f"note: {note}" for note in self.notes]
        return "\n".join(lines)

    def to_json(self) -> dict:
        return {
            "question_id": self.question_id,
            "points_earned": self.points_earned,
            "points_possible": self.points_possible,
            "bonus": self.bonus,
            "status": self.status,
            "message": self.message,
            "hints": self.hints,
            "notes": self.notes,
            "checks": [vars(c) for c in self.checks],
        }


def format_points(value: float) -> str:
    """2 -> '2', 2.5 -> '2.5', 2.3333 -> '2.33'."""
    return f"{value:.2f}".rstrip("0").rstrip(".")
