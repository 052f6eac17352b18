"""Assertions shared by the losses' pytest checks (``test_reconstruction_loss.py``,
``test_vae_loss.py``): one case of a loss, its shape, its values, its compiled call.

Each asserts on what the sandboxed child observed and says "got ..., expected ..."; a shape
fault that a known reduction explains (per-pixel terms, a per-sample vector where the batch
mean is due) costs the shape check only, its values are judged once reduced. Parent side,
NumPy only.
"""

from __future__ import annotations

import numpy as np

from grader.checks._common import Case, close, error_text, fmt, judge_values, shape_text
from grader.observations import Observations
from grader.pytest_plugin import Hint, Partial


def observed(answer: Observations, key: str, call: str) -> np.ndarray:
    """The array the student's call returned under ``key``; a failed assert (the error it
    raised, or "no value returned") when there is none."""
    got = answer.array(key)
    assert got is not None, error_text(answer, key, call) or "no value returned"
    return got


def assert_shape(answer: Observations, case: Case, call: str, hint: Hint) -> None:
    """The case's result has the expected shape (a known reduction mistake sets the hint)."""
    got = observed(answer, case.key, call)
    shape_hint = judge_values(got, case.expected, case.mistakes)[3]
    hint(shape_hint)
    assert not shape_hint, (
        f"{case.label}: got shape {shape_text(np.shape(got))}, "
        f"expected {shape_text(np.shape(case.expected))}"
    )


def assert_values(
    answer: Observations, case: Case, call: str, hint: Hint, generic_hint: str
) -> None:
    """The case's values are the expected ones, once reduced as expected; a known mistake
    names itself in the hint, else ``generic_hint``. Right values of the wrong shape pass
    with a note (the shape check already lost its points)."""
    got = observed(answer, case.key, call)
    right, message, found, _ = judge_values(got, case.expected, case.mistakes)
    if not right:
        hint(found or generic_hint)
    assert right, f"{case.label}: {message}"
    if message:
        raise Partial(1.0, f"{case.label}: {message}")


def assert_compiled(answer: Observations, call: str) -> None:
    """The result on symbolic tensors (``compiled``) exists and agrees with the eager
    ``random`` result."""
    compiled, eager = observed(answer, "compiled", call), answer.array("random")
    if eager is not None:
        agree = close(compiled, eager, rtol=1e-3, atol=1e-3)
        assert agree, f"got {fmt(compiled)}, eagerly {fmt(eager)}"
