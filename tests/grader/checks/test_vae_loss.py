"""vae_loss (parent side, NumPy only): mean(reconstruction + KL) gets full marks, each wrong
combination its own hint, the per-sample vector a shape fault only, NumPy code inside a
compiled function only the compiled check (the grader's pytest file, run through its plugin)."""

from __future__ import annotations

import numpy as np
import pytest

from grader.checks import kl_divergence as kl_check
from grader.checks import reconstruction_loss as recon_check
from grader.checks import vae_loss as vae_loss_check
from grader.observations import ErrorInfo, Observations

from .helpers import checked, fraction, hints


def vae_loss_observations(inputs, fn) -> Observations:
    value = np.asarray(fn(inputs["x"], inputs["y"], inputs["mu"], inputs["lv"]))
    return Observations({"random": value, "compiled": value})


def test_vae_loss_is_the_mean_of_reconstruction_plus_kl(rng):
    """Is the right answer mean(recon + KL), and is the per-sample vector only a shape fault?"""
    inputs = vae_loss_check.make_inputs(rng)
    right = checked(
        vae_loss_check, inputs, vae_loss_observations(inputs, vae_loss_check.expected_vae_loss)
    )
    assert fraction(right) == pytest.approx(1.0)

    def per_sample(x, y, mu, lv):
        return recon_check.expected_loss(x, y) + kl_check.expected_kl(mu, lv)

    checks = checked(vae_loss_check, inputs, vae_loss_observations(inputs, per_sample))
    assert [c.passed for c in checks] == [False, True, True]  # one mistake, charged once
    assert "batch mean, a scalar" in checks[0].hint
    assert "got shape (8,), expected ()" in checks[0].message


@pytest.mark.parametrize("index", range(8))
def test_each_classic_vae_loss_mistake_gets_its_own_hint(rng, index):
    """Is each wrong combination (sum, minus KL, missing term, swapped arguments) named?"""
    inputs = vae_loss_check.make_inputs(rng)
    args = inputs["x"], inputs["y"], inputs["mu"], inputs["lv"]
    mistake = vae_loss_check.mistakes(*args)[index]
    value = np.asarray(mistake.values)
    obs = Observations({"random": value, "compiled": value})
    checks = checked(vae_loss_check, inputs, obs)
    assert mistake.hint in hints(checks)
    assert fraction(checks) == pytest.approx(0.5)  # the value check only


def test_vae_loss_failing_on_symbolic_tensors_says_use_keras_ops(rng):
    """NumPy code that fails inside a compiled function: does only that check fail, hinting
    keras.ops?"""
    inputs = vae_loss_check.make_inputs(rng)
    obs = vae_loss_observations(inputs, vae_loss_check.expected_vae_loss)
    del obs.values["compiled"]
    obs.put_error("compiled", ErrorInfo("NotImplementedError", "Cannot convert a symbolic Tensor"))
    checks = checked(vae_loss_check, inputs, obs)
    assert fraction(checks) == pytest.approx(0.75)
    assert [c.passed for c in checks] == [True, True, False]
    assert "keras.ops" in checks[2].hint
