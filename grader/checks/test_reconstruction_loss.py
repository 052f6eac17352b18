"""The checks of ``reconstruction_loss(x, y)``, one pytest test per check.

Each test reads what the student's function returned on the grader's seeded inputs
(``answer``, collected in the sandbox by ``grader.collect.reconstruction_loss``) and compares
it with the grader's NumPy formula -sum_pixels [x log y + (1 - x) log(1 - y)]
(``grader.checks.reconstruction_loss.expected_loss``). A failed assert loses the test's weight;
its message is the "got ..., expected ..." the student reads, and a recognised classic mistake
(per-pixel mean, swapped arguments, sign, squared error) sets the hint.
"""

from __future__ import annotations

import numpy as np
import pytest

from grader.checks._common import Case, error_text, fmt
from grader.checks._loss_checks import assert_compiled, assert_shape, assert_values
from grader.checks.reconstruction_loss import CALL, expected_loss, mistakes

pytestmark = pytest.mark.question("reconstruction_loss")

GENERIC = (
    "compute the Bernoulli negative log-likelihood of question 2.3 (x the image, y the "
    "decoder's output), summed over all pixels, one value per image"
)
CLIP = "clip y to [eps, 1 - eps] (eps = 1e-7) before taking logs"
LABELS = {"random": "grey x", "binary": "binary x"}  # the cases judged against the formula


def _case(inputs, key: str) -> Case:
    x, y = inputs[f"{key}.x"], inputs[f"{key}.y"]
    return Case(key, LABELS[key], expected_loss(x, y), mistakes(x, y))


@pytest.mark.weight(0.1)
@pytest.mark.parametrize("key", LABELS)
def test_one_value_per_image(answer, inputs, hint, key):
    """returns one value per image, shape (N,)"""
    assert_shape(answer, _case(inputs, key), CALL, hint)


@pytest.mark.weight(0.2)
@pytest.mark.parametrize("key", LABELS)
def test_values_match_the_bernoulli_log_likelihood(answer, inputs, hint, key):
    """values match the Bernoulli negative log-likelihood summed over pixels"""
    assert_values(answer, _case(inputs, key), CALL, hint, GENERIC)


@pytest.mark.weight(0.1)
@pytest.mark.hint(CLIP)
@pytest.mark.parametrize("key", ("perfect", "opposite"))  # y == x, y == 1 - x, exactly 0 or 1
def test_finite_when_y_is_exactly_0_or_1(answer, key):
    """finite when y is exactly 0 or 1 (about 0 where y == x)"""
    got = answer.array(key)
    assert got is not None, error_text(answer, key, CALL) or "no value returned"
    got = np.float64(got)
    what = "y == x" if key == "perfect" else "y == 1 - x"
    assert np.all(np.isfinite(got)), (
        f"{what} (exactly 0 and 1): got {fmt(got)}, expected finite values"
    )
    per_image = got.sum(axis=tuple(range(1, got.ndim)))  # a scalar stays itself
    if key == "perfect":
        assert np.all(np.abs(per_image) <= 0.5), (
            f"y == x (exactly 0 and 1): got {fmt(got)}, expected about 0"
        )
    else:
        assert np.all(per_image > 0), f"y == 1 - x: got {fmt(got)}, expected large positive values"


@pytest.mark.weight(0.2)
@pytest.mark.hint(
    "use keras.ops (ops.log, ops.clip, ops.sum), not NumPy: vae.fit calls reconstruction_loss "
    "on symbolic tensors"
)
def test_works_inside_a_compiled_function(answer):
    """works on symbolic tensors inside a compiled function (as vae.fit calls it)"""
    assert_compiled(answer, "reconstruction_loss on symbolic tensors")
