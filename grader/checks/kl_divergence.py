"""kl_divergence(z_mean, z_log_var): per-sample KL( N(mu, diag(exp(lv))) || N(0, I) ), nats.

Checked against the grader's NumPy formula KL = 1/2 sum_k (exp(lv_k) + mu_k^2 - 1 - lv_k) on
random inputs with two latent sizes, zeros, and log-variances in [-8, 8]; and called on symbolic
tensors inside a compiled function, as ``vae.fit`` does.
"""

from __future__ import annotations

import numpy as np

from grader.checks._common import (
    Mistake,
)
from grader.collect.kl_divergence import CASES

QUESTION_ID = "kl_divergence"
MAIN_KEYS = CASES  # the eager calls (the compiled one may fail for other reasons)
CALL = "kl_divergence(z_mean, z_log_var)"


def make_inputs(rng: np.random.Generator) -> dict[str, np.ndarray]:
    """z_mean and z_log_var pairs, float32: (16, 10), (5, 2), zeros (4, 10), lv in [-8, 8]."""
    f32 = np.float32
    return {
        "random.mu": rng.normal(size=(16, 10)).astype(f32),
        "random.lv": (1.5 * rng.normal(size=(16, 10))).astype(f32),
        "small.mu": rng.normal(size=(5, 2)).astype(f32),
        "small.lv": rng.normal(size=(5, 2)).astype(f32),
        "zeros.mu": np.zeros((4, 10), f32),
        "zeros.lv": np.zeros((4, 10), f32),
        "large.mu": rng.normal(size=(4, 10)).astype(f32),
        "large.lv": rng.uniform(-8, 8, size=(4, 10)).astype(f32),
    }


def expected_kl(mu: np.ndarray, lv: np.ndarray) -> np.ndarray:
    """KL = 1/2 sum_k (exp(lv_k) + mu_k^2 - 1 - lv_k), per sample (N,), float64."""
    mu, lv = np.float64(mu), np.float64(lv)
    return 0.5 * np.sum(np.exp(lv) + mu**2 - 1.0 - lv, axis=-1)


def mistakes(mu: np.ndarray, lv: np.ndarray) -> list[Mistake]:
    """Classic wrong KL formulas and the hint each deserves."""
    mu, lv = np.float64(mu), np.float64(lv)
    terms = np.exp(lv) + mu**2 - 1.0 - lv
    with np.errstate(invalid="ignore", divide="ignore"):
        as_variance = 0.5 * np.sum(lv + mu**2 - 1.0 - np.log(lv), axis=-1)
    return [
        Mistake(
            0.5 * terms.mean(axis=-1),
            "per-sample KL must be summed over the latent dimensions, you returned the mean",
        ),
        Mistake(terms.sum(axis=-1), "missing factor 1/2: your values are exactly twice the KL"),
        Mistake(
            -0.5 * terms.sum(axis=-1), "wrong sign: a KL divergence is never negative, yours is"
        ),
        Mistake(
            as_variance,
            "you used the variance where the log-variance is expected: z_log_var is "
            "log(sigma^2), so the variance is exp(z_log_var)",
        ),
        Mistake(
            0.5 * np.sum(lv + mu**2 - 1.0 - np.exp(lv), axis=-1),
            "exp(lv) and lv are swapped: the formula has + exp(lv) and - lv",
        ),
        Mistake(
            0.5 * np.sum(np.exp(0.5 * lv) + mu**2 - 1.0 - lv, axis=-1),
            "exp(0.5 * lv) is the standard deviation; the formula needs the variance exp(lv)",
        ),
        Mistake(
            0.5 * np.sum(np.exp(lv) + mu**2 - lv, axis=-1),
            "the -1 inside the sum is missing (KL must be 0 when mu = 0 and lv = 0)",
        ),
        Mistake(0.5 * np.sum(np.exp(lv) - 1.0 - lv, axis=-1), "the mu^2 term is missing"),
        Mistake(
            0.5 * np.sum(np.exp(lv) + mu - 1.0 - lv, axis=-1),
            "square the mean: the term is mu^2, not mu",
        ),
    ]
