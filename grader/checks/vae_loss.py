"""vae_loss(x, y, z_mean, z_log_var, beta=1.0): batch mean of reconstruction_loss + beta * KL, nats.

While it is checked, the submission's ``reconstruction_loss`` and ``kl_divergence`` are the
reference ones, so a mistake there is not charged twice. Checked against the grader's NumPy
negative ELBO on random inputs, with beta = 0, 0.5 and 4 (the KL term alone weighted), and on
symbolic tensors inside a compiled function.

This module holds the inputs, the formula and the classic mistakes; the checks themselves are
the pytest tests of ``grader/checks/test_vae_loss.py``.
"""

from __future__ import annotations

import numpy as np

from grader.checks._common import Mistake
from grader.checks.kl_divergence import expected_kl
from grader.checks.reconstruction_loss import expected_loss
from grader.collect.vae_loss import CASES

QUESTION_ID = "vae_loss"
MAIN_KEYS = CASES
CALL = "vae_loss(x, y, z_mean, z_log_var)"


def make_inputs(rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Grey x and y (8, 28, 28, 1) in (0.02, 0.98); z_mean, z_log_var (8, 10); float32."""
    f32 = np.float32
    shape = (8, 28, 28, 1)
    return {
        "x": rng.uniform(0.02, 0.98, shape).astype(f32),
        "y": rng.uniform(0.02, 0.98, shape).astype(f32),
        "mu": rng.normal(size=(8, 10)).astype(f32),
        "lv": rng.normal(size=(8, 10)).astype(f32),
    }


def expected_vae_loss(x, y, mu, lv, beta: float = 1.0) -> np.ndarray:
    """mean_batch( reconstruction_loss(x, y) + beta * kl_divergence(mu, lv) ), a scalar,
    float64 (beta = 1: the negative ELBO)."""
    return np.mean(expected_loss(x, y) + beta * expected_kl(mu, lv))


def mistakes(x, y, mu, lv, beta: float = 1.0) -> list[Mistake]:
    """Classic wrong combinations of the two terms and the hint each deserves; with ``beta``,
    the same mistakes with the KL term weighted right (a mistake is charged once)."""
    recon, kl = expected_loss(x, y), beta * expected_kl(mu, lv)
    return [
        Mistake(
            np.sum(recon + kl),
            "vae_loss is the batch mean of reconstruction + KL, not the batch sum",
        ),
        Mistake(
            np.mean(recon - kl),
            "the KL term is added, not subtracted: the loss is the negative ELBO, "
            "reconstruction + KL",
        ),
        Mistake(-np.mean(recon + kl), "wrong sign: minimise the negative ELBO, recon + KL"),
        Mistake(np.mean(recon), "the KL term is missing: loss = mean(reconstruction + KL)"),
        Mistake(
            np.mean(kl), "the reconstruction term is missing: loss = mean(reconstruction + KL)"
        ),
        Mistake(
            np.mean(expected_loss(y, x) + kl),
            "arguments in the wrong order: reconstruction_loss(x, y) takes the image first",
        ),
        Mistake(
            np.mean(recon + beta * expected_kl(lv, mu)),
            "arguments in the wrong order: kl_divergence(z_mean, z_log_var)",
        ),
        Mistake(
            np.mean(recon) + np.sum(kl),
            "take the batch mean of both terms (the KL was summed over the batch)",
        ),
    ]


def beta_mistakes(x, y, mu, lv, beta: float) -> list[Mistake]:
    """Classic wrong uses of ``beta`` (it weighs the KL term only) and the hint each deserves.
    (Ignoring beta is recognised from the student's own default value, not from a formula.)"""
    recon, kl = expected_loss(x, y), expected_kl(mu, lv)
    return [
        Mistake(
            np.mean(beta * recon + kl),
            "beta weighs the KL term, not the reconstruction: mean(reconstruction + beta * KL)",
        ),
        Mistake(
            beta * np.mean(recon + kl),
            "beta weighs the KL term only, not the whole loss: mean(reconstruction + beta * KL)",
        ),
    ]
