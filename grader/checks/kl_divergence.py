"""kl_divergence(z_mean, z_log_var): per-sample KL( N(mu, diag(exp(lv))) || N(0, I) ), nats.

Checked against the grader's NumPy formula KL = 1/2 sum_k (exp(lv_k) + mu_k^2 - 1 - lv_k) on
random inputs with two latent sizes, zeros, and log-variances in [-8, 8]; and called on symbolic
tensors inside a compiled function, as ``vae.fit`` does.
"""

from __future__ import annotations

import numpy as np

from grader.checks._common import (
    Case,
    Mistake,
    check,
    compiled_check,
    error_text,
    fmt,
    judge_values,
    shape_and_values,
)
from grader.collect.kl_divergence import CASES
from grader.observations import Observations

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
        Mistake(terms.sum(axis=-1), "missing factor 1/2: KL = 1/2 sum_k (...)"),
        Mistake(-0.5 * terms.sum(axis=-1), "wrong sign: KL = +1/2 sum_k (...) is >= 0"),
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


def score(inputs: dict[str, np.ndarray], obs: Observations) -> list:
    """Parent side: shape (0.2), values (0.4), edge cases (0.2), compiled call (0.2)."""
    cases = []
    for key in ("random", "small"):
        mu, lv = inputs[f"{key}.mu"], inputs[f"{key}.lv"]
        cases.append(Case(key, f"inputs {mu.shape}", expected_kl(mu, lv), mistakes(mu, lv)))
    shape, values, formula_right = shape_and_values(
        obs,
        cases,
        CALL,
        shape_name="returns one value per sample, shape (N,), for z_dim = 10 and z_dim = 2",
        values_name="values match 1/2 sum_k (exp(lv) + mu^2 - 1 - lv) on random inputs",
        generic_hint="check the formula 1/2 sum_k (exp(lv) + mu^2 - 1 - lv), summed over axis -1",
        weights=(0.2, 0.4),
    )
    return [
        shape,
        values,
        _edge_check(inputs, obs, formula_right),
        compiled_check(
            obs,
            "works on symbolic tensors inside a compiled function (as vae.fit calls it)",
            0.2,
            "kl_divergence on symbolic tensors",
            "use keras.ops (ops.exp, ops.square, ops.sum), not NumPy: vae.fit calls "
            "kl_divergence on symbolic tensors",
        ),
    ]


def _edge_check(inputs, obs: Observations, formula_right: bool):
    """Zero at mu = 0, lv = 0; finite for |lv| <= 8 (and right, when the formula is)."""
    parts, messages = [], []
    zeros = obs.array("zeros")
    if zeros is None:
        parts.append(0.0)
        messages.append(error_text(obs, "zeros", CALL) or "no value returned")
    else:
        ok = bool(np.all(np.abs(np.float64(zeros)) < 1e-5))
        parts.append(float(ok))
        if not ok:
            messages.append(f"mu = 0, lv = 0: got {fmt(zeros)}, expected 0 for every sample")
    large = obs.array("large")
    want = expected_kl(inputs["large.mu"], inputs["large.lv"])
    if large is None:
        parts.append(0.0)
        messages.append(error_text(obs, "large", CALL) or "no value returned")
    elif not np.all(np.isfinite(np.float64(large))):
        parts.append(0.0)
        messages.append(f"lv in [-8, 8]: got {fmt(large)}, expected finite values")
    elif formula_right and not judge_values(large, want, [], rtol=1e-3)[0]:
        parts.append(0.0)
        messages.append(f"lv in [-8, 8]: got {fmt(large)}, expected {fmt(want)}")
    else:
        parts.append(1.0)
    return check(
        "0 when mu = 0 and lv = 0; finite and right for lv in [-8, 8]",
        0.2,
        float(np.mean(parts)),
        "; ".join(messages),
        ""
        if all(parts)
        else "KL is exactly 0 at mu = 0, lv = 0 and must stay finite for "
        "large |lv|: use exp(lv) directly, no division by exp(lv)",
    )
