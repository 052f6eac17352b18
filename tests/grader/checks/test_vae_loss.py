"""vae_loss (parent side, NumPy only): mean(reconstruction + KL) gets full marks, each wrong
combination its own hint."""

from __future__ import annotations

import numpy as np
import pytest

from grader.checks import kl_divergence as kl_check
from grader.checks import reconstruction_loss as recon_check
from grader.checks import vae_loss as vae_loss_check
from grader.observations import Observations

from .helpers import fraction, hints


def vae_loss_observations(inputs, fn) -> Observations:
    value = np.asarray(fn(inputs["x"], inputs["y"], inputs["mu"], inputs["lv"]))
    return Observations({"random": value, "compiled": value})


def test_vae_loss_is_the_mean_of_reconstruction_plus_kl(rng):
    """Is the right answer mean(recon + KL), and is the per-sample vector only a shape fault?"""
    inputs = vae_loss_check.make_inputs(rng)
    right = vae_loss_check.score(
        inputs, vae_loss_observations(inputs, vae_loss_check.expected_vae_loss)
    )
    assert fraction(right) == pytest.approx(1.0)

    def per_sample(x, y, mu, lv):
        return recon_check.expected_loss(x, y) + kl_check.expected_kl(mu, lv)

    checks = vae_loss_check.score(inputs, vae_loss_observations(inputs, per_sample))
    assert [c.passed for c in checks] == [False, True, True]  # one mistake, charged once
    assert "batch mean, a scalar" in checks[0].hint


@pytest.mark.parametrize("index", range(8))
def test_each_classic_vae_loss_mistake_gets_its_own_hint(rng, index):
    """Is each wrong combination (sum, minus KL, missing term, swapped arguments) named?"""
    inputs = vae_loss_check.make_inputs(rng)
    args = inputs["x"], inputs["y"], inputs["mu"], inputs["lv"]
    mistake = vae_loss_check.mistakes(*args)[index]
    obs = Observations({"random": np.asarray(mistake.values), "compiled": mistake.values})
    assert mistake.hint in hints(vae_loss_check.score(inputs, obs))
