"""Shared by the check tests: a question's earned fraction and its hints, read off its checks."""

from __future__ import annotations

from collections.abc import Iterable

from grader.results import CheckResult


def fraction(checks: Iterable[CheckResult]) -> float:
    """The question's earned fraction: the checks' weighted fractions summed (0 to 1)."""
    return sum(c.weight * c.fraction for c in checks)


def hints(checks: Iterable[CheckResult]) -> str:
    """The hints of the checks that lost points, joined with " | "."""
    return " | ".join(c.hint for c in checks if not c.passed)
