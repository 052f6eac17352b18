"""tp_ae/selfcheck/draws.py: the sampler's draws judged in NumPy, for the grader and the
self-check alike: the right sampler passes, each known slip is named by what its draws show."""

from __future__ import annotations

import numpy as np
import pytest

from tp_ae.selfcheck.draws import sampler_finding

N, Z_DIM = 2048, 2


def _heads(rng) -> tuple[np.ndarray, np.ndarray]:
    mu = rng.normal(0.0, 1.0, (N, Z_DIM)) + 3.0
    lv = rng.uniform(-2.0, 1.5, (N, Z_DIM))
    return mu, lv


def test_the_handouts_sampler_gives_no_finding(rng):
    """Is z = z_mean + exp(0.5 z_log_var) eps, eps ~ N(0, I), accepted as it is?"""
    mu, lv = _heads(rng)
    z = mu + np.exp(0.5 * lv) * rng.normal(size=mu.shape)
    assert sampler_finding(mu, lv, z, shifted=True) is None


@pytest.mark.parametrize(
    ("slip", "draw"),
    [
        ("not_sampled", lambda mu, lv, eps, u: mu),
        ("one_eps", lambda mu, lv, eps, u: mu + np.exp(0.5 * lv) * eps[:1]),
        ("variance_used", lambda mu, lv, eps, u: mu + np.exp(lv) * eps),
        ("exp2_used", lambda mu, lv, eps, u: mu + np.exp(2 * lv) * eps),
        ("uniform_eps", lambda mu, lv, eps, u: mu + np.exp(0.5 * lv) * u),
    ],
)
def test_each_known_slip_is_named_by_its_draws(rng, slip, draw):
    """Is each classic sampler mistake recognised from the draws alone, with a got/expected
    message and the measured sd for the hint?"""
    mu, lv = _heads(rng)
    eps = rng.normal(size=mu.shape)
    uniform = rng.uniform(-np.sqrt(3), np.sqrt(3), mu.shape)  # mean 0, sd 1, flat
    found = sampler_finding(mu, lv, draw(mu, lv, eps, uniform), shifted=True)
    assert found is not None and found.slip == slip
    assert "expected 0 and 1" in found.message
    assert found.hint(lambda key: f"{key}: sd {{sd}}").startswith(f"{slip}: sd ")


def test_unshifted_heads_are_said_in_the_message(rng):
    """When the heads' biases could not be shifted, does the message say so?"""
    mu, lv = _heads(rng)
    found = sampler_finding(mu, lv, mu, shifted=False)
    assert found is not None and "could not shift" in found.message
