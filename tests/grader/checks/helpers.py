"""Shared by the check tests: a question's earned fraction and its hints, read off its checks."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import ModuleType

from grader.observations import Observations
from grader.pytest_plugin import Case, run_checks
from grader.results import CheckResult


def fraction(checks: Iterable[CheckResult]) -> float:
    """The question's earned fraction: the checks' weighted fractions summed (0 to 1)."""
    return sum(c.weight * c.fraction for c in checks)


def hints(checks: Iterable[CheckResult]) -> str:
    """The hints of the checks that lost points, joined with " | "."""
    return " | ".join(c.hint for c in checks if not c.passed)


def checked(module: ModuleType, inputs: Mapping, obs: Observations) -> list[CheckResult]:
    """The CheckResults of one question's pytest checks (``grader/checks/test_<id>.py``) on
    ``obs``, as the grader records them; a check that crashes (not a failed assert) fails the
    calling test, since in grading it would be a grader error."""
    qid = module.QUESTION_ID
    session = run_checks([Case("submission", qid, inputs, obs)])
    crash = session.recorder.crashes.get(("submission", qid))
    assert crash is None, crash
    return session.recorder.results.get(("submission", qid), [])
