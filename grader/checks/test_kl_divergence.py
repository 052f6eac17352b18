"""The checks of ``kl_divergence(z_mean, z_log_var)``, one pytest test per check.

Each test reads what the student's function returned on the grader's seeded inputs
(``answer``, collected in the sandbox by ``grader.checks.kl_divergence.collect``) and compares
it with the grader's NumPy formula 1/2 sum_k (exp(lv_k) + mu_k^2 - 1 - lv_k). A failed assert
loses the test's weight; its message is the "got ..., expected ..." the student reads, and a
recognised classic mistake sets the hint.
"""

from __future__ import annotations

import numpy as np
import pytest

from grader.checks._common import error_text, fmt, judge_values, shape_text
from grader.checks.kl_divergence import CALL, expected_kl, mistakes

pytestmark = pytest.mark.question("kl_divergence")

SUMMED = (
    "your values differ from the closed-form KL of question 2.1: check your derivation term by "
    "term, and sum over the latent axis (-1)"
)
FINITE = (
    "KL is exactly 0 at mu = 0, lv = 0 and must stay finite for large |lv|: "
    "use exp(lv) directly, no division by exp(lv)"
)
CASES = ("random", "small")  # z_dim = 10 and z_dim = 2


def _judged(answer, inputs, case: str):
    """(got, expected, (values right, message, hint, shape hint)) for one case."""
    mu, lv = inputs[f"{case}.mu"], inputs[f"{case}.lv"]
    got, want = answer.array(case), expected_kl(mu, lv)
    assert got is not None, error_text(answer, case, CALL) or "no value returned"
    return got, want, judge_values(got, want, mistakes(mu, lv))


@pytest.mark.weight(0.1)
@pytest.mark.parametrize("case_name", CASES)
def test_one_value_per_sample(answer, inputs, hint, case_name):
    """returns one value per sample, shape (N,)"""
    got, want, (_, _, _, shape_hint) = _judged(answer, inputs, case_name)
    hint(shape_hint)
    mu = inputs[f"{case_name}.mu"]
    assert not shape_hint, (
        f"inputs {mu.shape}: got shape {shape_text(np.shape(got))}, "
        f"expected {shape_text((len(mu),))}"
    )


@pytest.mark.weight(0.2)
@pytest.mark.parametrize("case_name", CASES)
def test_values_match_the_closed_form(answer, inputs, hint, case_name):
    """values match the closed-form KL (question 2.1) on random inputs"""
    _, _, (right, message, found, _) = _judged(answer, inputs, case_name)
    hint(found or SUMMED)
    assert right, f"inputs {inputs[case_name + '.mu'].shape}: {message}"


@pytest.mark.weight(0.1)
@pytest.mark.hint(FINITE)
def test_zero_when_the_posterior_is_the_prior(answer):
    """0 when mu = 0 and lv = 0"""
    got = answer.array("zeros")
    assert got is not None, error_text(answer, "zeros", CALL) or "no value returned"
    assert np.all(np.abs(np.float64(got)) < 1e-5), (
        f"mu = 0, lv = 0: got {fmt(got)}, expected 0 for every sample"
    )


@pytest.mark.weight(0.1)
@pytest.mark.hint(FINITE)
def test_finite_and_right_for_large_log_variances(answer, inputs):
    """finite, and right when the formula is, for lv in [-8, 8]"""
    got = answer.array("large")
    want = expected_kl(inputs["large.mu"], inputs["large.lv"])
    assert got is not None, error_text(answer, "large", CALL) or "no value returned"
    assert np.all(np.isfinite(np.float64(got))), f"lv in [-8, 8]: got {fmt(got)}, expected finite"
    formula_right = all(_judged(answer, inputs, case)[2][0] for case in CASES)
    if formula_right:
        right = judge_values(got, want, [], rtol=1e-3)[0]
        assert right, f"lv in [-8, 8]: got {fmt(got)}, expected {fmt(want)}"


@pytest.mark.weight(0.2)
@pytest.mark.hint(
    "use keras.ops (ops.exp, ops.square, ops.sum), not NumPy: vae.fit calls kl_divergence "
    "on symbolic tensors"
)
def test_works_inside_a_compiled_function(answer):
    """works on symbolic tensors inside a compiled function (as vae.fit calls it)"""
    compiled, eager = answer.array("compiled"), answer.array("random")
    assert compiled is not None, (
        error_text(answer, "compiled", "kl_divergence on symbolic tensors") or "no value returned"
    )
    if eager is not None:
        agree = np.allclose(np.float64(compiled), np.float64(eager), rtol=1e-3, atol=1e-3)
        assert agree, f"got {fmt(compiled)}, eagerly {fmt(eager)}"
