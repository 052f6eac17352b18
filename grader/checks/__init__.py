"""The grader's side of each question, outside the sandbox: one pair of files per question id.

- ``grader/checks/<question_id>.py``, with NumPy only at import time: ``QUESTION_ID``,
  ``MAIN_KEYS`` (the observation keys of its plain calls: when every one of them raised
  NotImplementedError, the question is "not implemented"), ``make_inputs(rng) -> dict[str,
  np.ndarray]`` (the seeded test inputs, drawn by the parent) and the grader's own NumPy
  formulas (``expected_kl``...) and known mistakes;
- ``grader/checks/test_<question_id>.py``: the checks, one pytest test per check, run by
  :mod:`grader.pytest_plugin` in the trusted parent on what the sandboxed child collected
  (``grader/collect/<question_id>.py``; this package never exists inside the sandbox, so the
  grader's formulas stay out of the student's reach); the tests' weights add up to 1.
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
