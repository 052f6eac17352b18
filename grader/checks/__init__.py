"""One check module per question id: ``grader/checks/<question_id>.py``.

Each defines, with NumPy only at import time:

- ``QUESTION_ID`` and ``MAIN_KEYS`` (the observation keys of its plain calls: when every one of
  them raised NotImplementedError, the question is "not implemented");
- ``make_inputs(rng) -> dict[str, np.ndarray]``: the test inputs, drawn by the parent;
- (what the sandboxed child gathers is in ``grader/collect/<question_id>.py``: this package
  never exists inside the sandbox, the grader's formulas stay out of the student's reach);
- ``score(inputs, observations) -> list[CheckResult]``: runs in the parent, compares what came
  back with the grader's own NumPy formulas; the checks' weights add up to 1.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from grader.config import QUESTION_IDS


def check_module(question_id: str) -> ModuleType:
    """The check module of a question id (``grader.checks.<question_id>``)."""
    if question_id not in QUESTION_IDS:
        raise KeyError(f"unknown question id {question_id!r}")
    return importlib.import_module(f"grader.checks.{question_id}")
