"""reconstruction_loss (parent side, NumPy only): -log p(x | z) against hand-computed values,
the per-pixel mean, swapped arguments and sign each named, the per-pixel shape a shape fault,
y exactly 0 or 1 and the compiled call judged by their own checks (the grader's pytest file,
run through its plugin)."""

from __future__ import annotations

import numpy as np
import pytest

from grader.checks import reconstruction_loss as recon_check
from grader.observations import ErrorInfo, Observations

from .helpers import checked, fraction, hints

EDGES = "finite when y is exactly 0 or 1 (about 0 where y == x)"


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
    obs = recon_observations(inputs, recon_check.expected_loss)
    checks = checked(recon_check, inputs, obs)
    assert fraction(checks) == pytest.approx(1.0)
    assert all(c.passed and not c.message for c in checks)


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
    checks = checked(recon_check, inputs, recon_observations(inputs, wrong))
    assert hint in hints(checks)
    assert fraction(checks) < 1


def test_per_pixel_reconstruction_costs_the_shape_check_only(rng):
    """Keras's binary_crossentropy shape (N, 28, 28): values right once summed, shape lost?"""
    inputs = recon_check.make_inputs(rng)

    def per_pixel(x, y):
        y = np.clip(y, 1e-7, 1 - 1e-7)
        return -(x * np.log(y) + (1 - x) * np.log(1 - y))[..., 0]

    checks = checked(recon_check, inputs, recon_observations(inputs, per_pixel))
    lost = [c for c in checks if not c.passed]
    assert {c.name for c in lost} == {"returns one value per image, shape (N,)"}
    assert fraction(checks) == pytest.approx(0.8)
    assert all("one value per sample" in c.hint for c in lost)
    assert "got shape (6, 28, 28), expected (6,)" in lost[0].message
    values = [c for c in checks if c.name.startswith("values match")]
    assert all("values right once reduced as expected" in c.message for c in values)


def test_unclipped_logs_cost_the_edge_check_with_the_clipping_hint(rng):
    """log(0) where y is exactly 0 or 1 (inf/NaN): does only the edge check fail, hinting the
    clip, and each of y == x and y == 1 - x count half of it?"""
    inputs = recon_check.make_inputs(rng)

    def unclipped(x, y):
        with np.errstate(divide="ignore", invalid="ignore"):
            terms = np.float64(x) * np.log(y) + (1 - np.float64(x)) * np.log(1 - y)
        return -terms.reshape(len(x), -1).sum(axis=1)

    checks = checked(recon_check, inputs, recon_observations(inputs, unclipped))
    lost = [c for c in checks if not c.passed]
    assert {c.name for c in lost} == {EDGES}
    assert len(lost) == 2 and all(c.weight == pytest.approx(0.1) for c in lost)
    assert all("clip y to [eps, 1 - eps]" in c.hint for c in lost)
    assert any("expected finite values" in c.message for c in lost)


def test_reconstruction_failing_on_symbolic_tensors_says_use_keras_ops(rng):
    """NumPy code that fails inside a compiled function: does only that check fail, with the
    error in its message and keras.ops in its hint?"""
    inputs = recon_check.make_inputs(rng)
    obs = recon_observations(inputs, recon_check.expected_loss)
    del obs.values["compiled"]
    obs.put_error("compiled", ErrorInfo("NotImplementedError", "Cannot convert a symbolic Tensor"))
    checks = checked(recon_check, inputs, obs)
    assert fraction(checks) == pytest.approx(0.8)
    (lost,) = [c for c in checks if not c.passed]
    assert "keras.ops" in lost.hint
    assert "reconstruction_loss on symbolic tensors raised NotImplementedError" in lost.message


def test_a_scalar_reconstruction_loses_points_without_crashing(rng):
    """The loss reduced over the batch too (one scalar): is it graded (shape lost, the edges
    still judged) rather than a grader error?"""
    inputs = recon_check.make_inputs(rng)
    obs = recon_observations(inputs, lambda x, y: recon_check.expected_loss(x, y).sum())
    checks = checked(recon_check, inputs, obs)
    assert 0 < fraction(checks) < 1
    assert any("reduced over the batch" in c.hint for c in checks if not c.passed)
