"""Part 2 reference losses against the handout's formulas written independently in NumPy."""

from __future__ import annotations

import numpy as np
import pytest

from tp_ae.losses import kl_divergence, reconstruction_loss, vae_loss


def kl_numpy(mu: np.ndarray, log_var: np.ndarray) -> np.ndarray:
    """KL( N(mu, diag(exp(lv))) || N(0, I) ) per row, from the general Gaussian KL."""
    var = np.exp(log_var)
    k = mu.shape[1]
    # 1/2 [ tr(S) + mu^T mu - k - log det S ]
    return 0.5 * (var.sum(1) + (mu**2).sum(1) - k - np.log(var).sum(1))


def bernoulli_nll_numpy(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """-log prod_pixels y^x (1-y)^(1-x), per image."""
    x, y = x.reshape(len(x), -1).astype(np.float64), y.reshape(len(y), -1).astype(np.float64)
    return -(x * np.log(y) + (1 - x) * np.log(1 - y)).sum(1)


@pytest.mark.parametrize("scale", [0.1, 1.0, 3.0])
def test_kl_matches_numpy_on_random_inputs(rng, scale):
    """Does kl_divergence equal the closed-form Gaussian KL, per sample?"""
    mu = rng.normal(0, scale, (16, 10)).astype("float32")
    log_var = rng.normal(0, scale, (16, 10)).astype("float32")
    got = np.asarray(kl_divergence(mu, log_var))
    assert got.shape == (16,)
    np.testing.assert_allclose(got, kl_numpy(mu, log_var), rtol=1e-5, atol=1e-5)


def test_kl_is_zero_for_the_prior_and_positive_otherwise():
    """Is KL exactly 0 at mu=0, log_var=0, and > 0 away from it?"""
    zeros = np.zeros((3, 10), dtype="float32")
    np.testing.assert_allclose(np.asarray(kl_divergence(zeros, zeros)), 0.0, atol=1e-7)
    assert (np.asarray(kl_divergence(zeros + 0.1, zeros)) > 0).all()
    assert (np.asarray(kl_divergence(zeros, zeros - 0.5)) > 0).all()


def test_kl_is_finite_for_large_log_variance():
    """Does a log-variance of +-20 give a finite, correct KL?"""
    mu = np.zeros((2, 4), dtype="float32")
    log_var = np.array([[20.0] * 4, [-20.0] * 4], dtype="float32")
    got = np.asarray(kl_divergence(mu, log_var))
    assert np.isfinite(got).all()
    np.testing.assert_allclose(got, kl_numpy(mu, log_var), rtol=1e-5)


def test_reconstruction_loss_matches_bernoulli_nll(rng):
    """Is reconstruction_loss the summed per-pixel Bernoulli negative log-likelihood?"""
    x = (rng.random((8, 28, 28, 1)) > 0.5).astype("float32")
    y = rng.uniform(0.01, 0.99, (8, 28, 28, 1)).astype("float32")
    got = np.asarray(reconstruction_loss(x, y))
    assert got.shape == (8,)
    np.testing.assert_allclose(got, bernoulli_nll_numpy(x, y), rtol=1e-4)


def test_reconstruction_loss_accepts_grey_targets(rng):
    """With x in [0, 1] (not binary) is the loss still the cross-entropy sum?"""
    x = rng.random((4, 28, 28, 1)).astype("float32")
    y = rng.uniform(0.05, 0.95, (4, 28, 28, 1)).astype("float32")
    np.testing.assert_allclose(
        np.asarray(reconstruction_loss(x, y)), bernoulli_nll_numpy(x, y), rtol=1e-4
    )


def test_reconstruction_loss_is_finite_when_y_is_exactly_0_or_1():
    """Does y exactly 0 or 1 give a finite loss, ~0 when y = x and large when y = 1 - x?"""
    x = np.zeros((2, 28, 28, 1), dtype="float32")
    x[1] = 1.0
    perfect = np.asarray(reconstruction_loss(x, x.copy()))
    worst = np.asarray(reconstruction_loss(x, 1.0 - x))
    assert np.isfinite(perfect).all() and np.isfinite(worst).all()
    assert (perfect < 1e-3).all()
    assert (worst > 784 * 10).all()  # each pixel costs -log(eps) ~ 16 nats


def test_vae_loss_is_batch_mean_of_reconstruction_plus_kl(rng):
    """Is vae_loss the scalar batch mean of the two per-sample terms?"""
    x = (rng.random((6, 28, 28, 1)) > 0.5).astype("float32")
    y = rng.uniform(0.05, 0.95, (6, 28, 28, 1)).astype("float32")
    mu = rng.normal(size=(6, 10)).astype("float32")
    log_var = rng.normal(size=(6, 10)).astype("float32")
    got = np.asarray(vae_loss(x, y, mu, log_var))
    assert got.shape == ()
    expected = np.mean(bernoulli_nll_numpy(x, y) + kl_numpy(mu, log_var))
    np.testing.assert_allclose(got, expected, rtol=1e-5)


@pytest.mark.parametrize("beta", [0.0, 0.1, 4.0])
def test_vae_loss_weighs_the_kl_term_by_beta(rng, beta):
    """Is vae_loss(..., beta=b) the batch mean of reconstruction + b * KL, and beta=1 the
    default (so that the four-argument call of the specification is unchanged)?"""
    x = (rng.random((5, 28, 28, 1)) > 0.5).astype("float32")
    y = rng.uniform(0.05, 0.95, (5, 28, 28, 1)).astype("float32")
    mu = rng.normal(size=(5, 10)).astype("float32")
    log_var = rng.normal(size=(5, 10)).astype("float32")
    got = float(np.asarray(vae_loss(x, y, mu, log_var, beta=beta)))
    expected = np.mean(bernoulli_nll_numpy(x, y) + beta * kl_numpy(mu, log_var))
    np.testing.assert_allclose(got, expected, rtol=1e-5)
    np.testing.assert_allclose(
        np.asarray(vae_loss(x, y, mu, log_var)),
        np.mean(bernoulli_nll_numpy(x, y) + kl_numpy(mu, log_var)),
        rtol=1e-5,
    )
