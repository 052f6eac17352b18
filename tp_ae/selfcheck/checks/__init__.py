"""One module per question id: ``tp_ae/selfcheck/checks/<question_id>.py``.

Each defines ``MAIN_KEYS`` (when every one of them raised NotImplementedError, the question is
"not implemented"), ``collect(fn, data, rec, env)`` that calls the student's function on the
prepared inputs and records what came back, and ``score(data, rec) -> list[CheckResult]`` that
compares it with the prepared expected outputs (``data``). The names and weights of the checks,
and every hint, come from ``data``: they are the grader's.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from types import ModuleType


@dataclass
class Environment:
    """What a check may need beyond the student's function: the student's modules, and notes
    saying where this check differs from the grader's (shown with the feedback)."""

    modules: dict[str, ModuleType]
    notes: list[str] = field(default_factory=list)


def check_module(question_id: str) -> ModuleType:
    return importlib.import_module(f"tp_ae.selfcheck.checks.{question_id}")
