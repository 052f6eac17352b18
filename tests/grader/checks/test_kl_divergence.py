"""kl_divergence (parent side, NumPy only): the grader's KL against hand-computed values,
full marks for the formula, and each classic mistake named by its own hint."""

from __future__ import annotations

import numpy as np
import pytest

from grader.checks import kl_divergence as kl_check
from grader.observations import ErrorInfo, Observations

from .helpers import checked, fraction, hints


def test_expected_kl_matches_hand_computed_values():
    """Is the grader's KL 0.5 for mu = 1, lv = 0 and 0.5 (2 - 1 - ln 2) for mu = 0, lv = ln 2?"""
    mu = np.array([[1.0, 0.0], [0.0, 0.0]])
    lv = np.array([[0.0, 0.0], [np.log(2.0), 0.0]])
    np.testing.assert_allclose(kl_check.expected_kl(mu, lv), [0.5, 0.5 * (1 - np.log(2))])


def kl_observations(inputs, fn) -> Observations:
    obs = Observations()
    for case in kl_check.CASES:
        obs.put(case, np.asarray(fn(inputs[f"{case}.mu"], inputs[f"{case}.lv"])))
    obs.put("compiled", obs.get("random"))
    return obs


def test_right_kl_gets_full_marks(rng):
    """Does the formula itself, in float32, pass every check?"""
    inputs = kl_check.make_inputs(rng)
    obs = kl_observations(inputs, lambda m, v: kl_check.expected_kl(m, v).astype(np.float32))
    assert fraction(checked(kl_check, inputs, obs)) == pytest.approx(1.0)


@pytest.mark.parametrize("index", range(9))
def test_each_classic_kl_mistake_gets_its_own_hint(rng, index):
    """Is each wrong formula recognised and named by its own hint?"""
    inputs = kl_check.make_inputs(rng)

    def wrong(mu, lv):
        return kl_check.mistakes(mu, lv)[index].values

    mistake = kl_check.mistakes(inputs["random.mu"], inputs["random.lv"])[index]
    checks = checked(kl_check, inputs, kl_observations(inputs, wrong))
    assert mistake.hint in hints(checks)
    assert fraction(checks) < 1


def test_kl_without_the_sum_costs_the_shape_check_only(rng):
    """Returning (N, z_dim) terms: is the shape check the only one lost (one mistake, once)?"""
    inputs = kl_check.make_inputs(rng)

    def terms(mu, lv):
        return 0.5 * (np.exp(lv) + mu**2 - 1 - lv)

    checks = checked(kl_check, inputs, kl_observations(inputs, terms))
    lost = [c for c in checks if not c.passed]
    assert {c.name for c in lost} == {checks[0].name}
    assert "sum over every axis but the first" in lost[0].hint
    assert "got shape (16, 10), expected (16,)" in lost[0].message


def test_kl_failing_on_symbolic_tensors_says_use_keras_ops(rng):
    """NumPy code that fails inside a compiled function: does only that check fail, hinting
    keras.ops?"""
    inputs = kl_check.make_inputs(rng)
    obs = kl_observations(inputs, kl_check.expected_kl)
    del obs.values["compiled"]
    obs.put_error("compiled", ErrorInfo("NotImplementedError", "Cannot convert a symbolic Tensor"))
    checks = checked(kl_check, inputs, obs)
    assert fraction(checks) == pytest.approx(0.8)
    assert "keras.ops" in hints(checks)
