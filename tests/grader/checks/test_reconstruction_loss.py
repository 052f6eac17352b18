"""reconstruction_loss (parent side, NumPy only): -log p(x | z) against hand-computed values,
the per-pixel mean, swapped arguments and sign each named, the per-pixel shape a shape fault."""

from __future__ import annotations

import numpy as np
import pytest

from grader.checks import reconstruction_loss as recon_check
from grader.observations import Observations

from .helpers import fraction, hints


def test_expected_reconstruction_matches_hand_computed_values():
    """Is -log p(x | z) 784 ln 2 for y = 1/2 everywhere, and about 0 for y == x binary?"""
    x = np.zeros((2, 28, 28, 1))
    x[1] = 1.0
    np.testing.assert_allclose(
        recon_check.expected_loss(x, np.full_like(x, 0.5)), [784 * np.log(2)] * 2
    )
    assert np.all(recon_check.expected_loss(x, x) < 1e-3)


def recon_observations(inputs, fn) -> Observations:
    obs = Observations()
    for case in recon_check.CASES:
        obs.put(case, np.asarray(fn(inputs[f"{case}.x"], inputs[f"{case}.y"])))
    obs.put("compiled", obs.get("random"))
    return obs


def test_right_reconstruction_gets_full_marks(rng):
    """Does the formula with clipping pass every check, edge cases included?"""
    inputs = recon_check.make_inputs(rng)
    checks = recon_check.score(inputs, recon_observations(inputs, recon_check.expected_loss))
    assert fraction(checks) == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("wrong", "hint"),
    [
        (lambda x, y: recon_check.expected_loss(x, y) / 784, "summed over pixels, not averaged"),
        (lambda x, y: recon_check.expected_loss(y, x), "arguments in the wrong order"),
        (lambda x, y: -recon_check.expected_loss(x, y), "wrong sign"),
    ],
    ids=["pixel_mean", "swapped", "sign"],
)
def test_classic_reconstruction_mistakes_get_their_hint(rng, wrong, hint):
    """Are the per-pixel mean, swapped arguments and sign each named?"""
    inputs = recon_check.make_inputs(rng)
    checks = recon_check.score(inputs, recon_observations(inputs, wrong))
    assert hint in hints(checks)


def test_per_pixel_reconstruction_costs_the_shape_check_only(rng):
    """Keras's binary_crossentropy shape (N, 28, 28): values right once summed, shape lost?"""
    inputs = recon_check.make_inputs(rng)

    def per_pixel(x, y):
        y = np.clip(y, 1e-7, 1 - 1e-7)
        return -(x * np.log(y) + (1 - x) * np.log(1 - y))[..., 0]

    checks = recon_check.score(inputs, recon_observations(inputs, per_pixel))
    assert [c.passed for c in checks] == [False, True, True, True]
    assert "one value per sample" in checks[0].hint
