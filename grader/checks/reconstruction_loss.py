"""reconstruction_loss(x, y): per-sample -log p(x | z) for a pixel-wise Bernoulli(y), in nats.

Checked against the grader's NumPy formula -sum_pixels [x log y + (1 - x) log(1 - y)] on grey
and binary images, on y exactly 0 or 1 (finite; about 0 where y == x), and on symbolic tensors
inside a compiled function.

This module holds the inputs, the formula and the classic mistakes; the checks themselves are
the pytest tests of ``grader/checks/test_reconstruction_loss.py``.
"""

from __future__ import annotations

import numpy as np

from grader.checks._common import Mistake
from grader.collect.reconstruction_loss import CASES

QUESTION_ID = "reconstruction_loss"
MAIN_KEYS = CASES
CALL = "reconstruction_loss(x, y)"
PIXELS = 28 * 28
EPSILON = 1e-7  # the grader clips y to [eps, 1 - eps] only where a log would be infinite


def make_inputs(rng: np.random.Generator) -> dict[str, np.ndarray]:
    """x and y pairs (N, 28, 28, 1) float32: grey x and y in (0.02, 0.98); binary x; y == x and
    y == 1 - x exactly (0 and 1)."""
    f32 = np.float32
    shape = (6, 28, 28, 1)
    binary = (rng.random(shape) < 0.3).astype(f32)
    return {
        "random.x": rng.uniform(0.02, 0.98, shape).astype(f32),
        "random.y": rng.uniform(0.02, 0.98, shape).astype(f32),
        "binary.x": binary,
        "binary.y": rng.uniform(0.02, 0.98, shape).astype(f32),
        "perfect.x": binary,
        "perfect.y": binary.copy(),
        "opposite.x": binary,
        "opposite.y": 1.0 - binary,
    }


def expected_loss(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """-sum_pixels [x log y + (1 - x) log(1 - y)] per sample (N,), float64."""
    x, y = np.float64(x), np.clip(np.float64(y), EPSILON, 1 - EPSILON)
    log_likelihood = x * np.log(y) + (1 - x) * np.log(1 - y)
    return -log_likelihood.reshape(len(x), -1).sum(axis=1)


def mistakes(x: np.ndarray, y: np.ndarray) -> list[Mistake]:
    """Classic wrong reconstruction losses and the hint each deserves."""
    right = expected_loss(x, y)
    flat = len(x), -1
    squared = ((np.float64(x) - np.float64(y)) ** 2).reshape(flat)
    return [
        Mistake(
            right / PIXELS,
            "reconstruction must be summed over pixels, not averaged (Keras's "
            "binary_crossentropy returns the per-pixel mean: multiply by 784 or sum yourself)",
        ),
        Mistake(
            expected_loss(y, x),
            "arguments in the wrong order: reconstruction_loss(x, y) has the image x first "
            "and the decoder's output y second (x log y, not y log x)",
        ),
        Mistake(-right, "wrong sign: the loss is -log p(x | z), which is >= 0"),
        Mistake(
            squared.sum(axis=1),
            "the squared error is a Gaussian decoder's loss; the Bernoulli decoder needs "
            "its negative log-likelihood (question 2.3), summed over pixels",
        ),
        Mistake(squared.mean(axis=1), "the squared error is not the Bernoulli log-likelihood"),
    ]
