"""sample_images (parent side, NumPy only): z read back through the probe decoder, N(0, I)
accepted and U[0, 1) named."""

from __future__ import annotations

import numpy as np
import pytest

from grader.checks import sample_images as sample_check
from grader.observations import Observations

from .helpers import fraction, hints


def sample_observations(draw) -> Observations:
    """What the probe decoder would send back for z drawn by ``draw(seed)``: sigmoid(z) in the
    first pixels, 0.5 elsewhere."""
    obs = Observations()
    for key, seed in (("seed7", 7), ("seed7.again", 7), ("seed8", 8)):
        z = draw(seed)
        pixels = np.full((len(z), sample_check.KEPT_PIXELS), 0.5)
        pixels[:, : z.shape[1]] = 1 / (1 + np.exp(-z))
        obs.put(key, pixels)
        obs.put(f"{key}.shape", [len(z), 28, 28, 1])
        obs.put(f"{key}.type", "numpy.ndarray")
        obs.put(f"{key}.dtype", "float32")
        obs.put(f"{key}.range", [0.0, 1.0])
    for name in ("shape", "type", "dtype", "range"):
        obs.put(f"default.{name}", obs.get(f"seed7.{name}"))
    obs.put("default.shape", [5, 28, 28, 1])
    return obs


def test_sample_images_reads_back_standard_normal_z():
    """Is z ~ N(0, I) accepted and z ~ U[0, 1) named as uniform?"""
    shape = (sample_check.N_IMAGES, sample_check.Z_DIM)
    right = sample_observations(lambda s: np.random.default_rng(s).standard_normal(shape))
    assert fraction(sample_check.score({}, right)) == pytest.approx(1.0)
    uniform = sample_observations(lambda s: np.random.default_rng(s).random(shape))
    checks = sample_check.score({}, uniform)
    assert "not uniform" in hints(checks)
    assert fraction(checks) == pytest.approx(0.6)
