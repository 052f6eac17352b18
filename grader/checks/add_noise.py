"""add_noise(x, sigma=20/255, seed=None): x + N(0, sigma^2) per pixel, clipped to [0, 1].

The inputs and constants of its checks (the checks themselves are the tests of
``grader/checks/test_add_noise.py``): on a mid-grey image (0.5, where clipping cannot bite) the
noise must have mean 0, standard deviation sigma, a Gaussian shape, and be independent from
image to image; on black and white images the result must be clipped; float32 and x's shape;
the same seed gives the same noise, other seeds other noise; ``x`` is left unchanged.
"""

from __future__ import annotations

import numpy as np

QUESTION_ID = "add_noise"
SIGMA = 20 / 255
MAIN_KEYS = ("grey.seed0", "grey.seed0.again", "grey.seed1", "sigma", "black", "white")
CALL = "add_noise(x, seed=0)"
GAUSS_WITHIN_1SD = 0.6827  # P(|n| < sigma) for a Gaussian (0.577 for a uniform of that sd)


def make_inputs(rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Mid-grey (32, 28, 28, 1), black and white (8, 28, 28, 1), random (4, 28, 28, 1)."""
    f32 = np.float32
    return {
        "grey": np.full((32, 28, 28, 1), 0.5, f32),
        "black": np.zeros((8, 28, 28, 1), f32),
        "white": np.ones((8, 28, 28, 1), f32),
        "random": rng.random((4, 28, 28, 1)).astype(f32),
    }


def looks_uniform(noise: np.ndarray) -> bool:
    """Excess kurtosis near a uniform's -1.2 (a Gaussian: 0; 25,088 draws, se 0.03)."""
    centred = (noise - noise.mean()) / noise.std()
    return abs(float(np.mean(centred**4)) - 3 + 1.2) < 0.3
