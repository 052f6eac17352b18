"""sample_images (parent side, NumPy only): z read back through the probe decoder, N(0, I)
accepted and U[0, 1) named."""

from __future__ import annotations

import numpy as np
import pytest

from grader.checks import sample_images as sample_check
from grader.collect.sample_images import KEPT_PIXELS, N_IMAGES, Z_DIM
from grader.observations import Observations

from .helpers import checked, fraction, hints


def sample_observations(draw) -> Observations:
    """What the probe decoder would send back for z drawn by ``draw(seed)``: sigmoid(z) in the
    first pixels, 0.5 elsewhere."""
    obs = Observations()
    for key, seed in (("seed7", 7), ("seed7.again", 7), ("seed8", 8)):
        z = draw(seed)
        pixels = np.full((len(z), KEPT_PIXELS), 0.5)
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
    shape = (N_IMAGES, Z_DIM)
    right = sample_observations(lambda s: np.random.default_rng(s).standard_normal(shape))
    assert fraction(checked(sample_check, {}, right)) == pytest.approx(1.0)
    uniform = sample_observations(lambda s: np.random.default_rng(s).random(shape))
    checks = checked(sample_check, {}, uniform)
    assert "not uniform" in hints(checks)
    assert fraction(checks) == pytest.approx(0.6)


def test_images_from_unseeded_z_lose_half_of_the_seeding_check():
    """z drawn without the seed: is half of the seeding check lost (same seed, other images),
    with its message and hint, and the other half (other seed, other images) kept?"""
    shape = (N_IMAGES, Z_DIM)
    unseeded = sample_observations(lambda s: np.random.default_rng(None).standard_normal(shape))
    checks = checked(sample_check, {}, unseeded)
    lost = [c for c in checks if not c.passed]
    assert [(c.name, c.fraction) for c in lost] == [(checks[2].name, 0.5)]
    assert lost[0].message == "two calls with seed=7 gave different images"
    assert lost[0].hint == "draw z with np.random.default_rng(seed)"


def test_the_latents_check_names_the_draws_and_z_dim_the_child_uses():
    """Does the z check's name state the collector's N_IMAGES draws and z_dim (its docstring is
    written out, not computed)?"""
    names = [c.name for c in checked(sample_check, {}, Observations())]
    assert f"({N_IMAGES} draws, z_dim={Z_DIM})" in names[1]


def test_every_check_says_what_is_missing_when_nothing_came_back():
    """With no observation at all, does every check fail with a message (never crash)?"""
    checks = checked(sample_check, {}, Observations())
    assert len(checks) == 3
    assert all(c.fraction == 0 and c.message for c in checks)
