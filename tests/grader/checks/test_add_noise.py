"""add_noise (parent side, NumPy only): right Gaussian noise gets full marks; each wrong noise
loses points with the hint its output proves, never the hint of another mistake."""

from __future__ import annotations

import numpy as np
import pytest

from grader.checks import add_noise as noise_check
from grader.observations import Observations

from .helpers import checked, fraction, hints


def noise_observations(inputs, fn) -> Observations:
    obs = Observations()
    calls = {
        "grey.seed0": ("grey", {"seed": 0}),
        "grey.seed0.again": ("grey", {"seed": 0}),
        "grey.seed1": ("grey", {"seed": 1}),
        "grey.none1": ("grey", {}),
        "grey.none2": ("grey", {}),
        "sigma": ("grey", {"sigma": 0.1, "seed": 3}),
        "black": ("black", {"seed": 4}),
        "white": ("white", {"seed": 5}),
    }
    for key, (name, kwargs) in calls.items():
        value = fn(inputs[name].copy(), **kwargs)
        obs.put(key, np.asarray(value))
        obs.put(f"{key}.dtype", str(np.asarray(value).dtype))
    obs.put("inplace", inputs["random"].copy())
    return obs


def right_noise(x, sigma=20 / 255, seed=None):
    rng = np.random.default_rng(seed)
    return np.clip(x + sigma * rng.standard_normal(x.shape), 0, 1).astype(np.float32)


@pytest.mark.parametrize(
    ("wrong", "hint"),
    [
        (right_noise, None),
        (
            lambda x, sigma=20 / 255, seed=None: right_noise(x, sigma**2, seed),
            "not sigma^2",
        ),
        (
            lambda x, sigma=20 / 255, seed=None: (
                x + sigma * np.random.default_rng(seed).standard_normal(x.shape)
            ).astype(np.float32),
            "clip the result to [0, 1]",
        ),
        (
            lambda x, sigma=20 / 255, seed=None: np.clip(
                x + np.random.default_rng(seed).uniform(-1, 1, x.shape) * sigma * 3**0.5, 0, 1
            ).astype(np.float32),
            "Gaussian",
        ),
        (
            lambda x, sigma=20 / 255, seed=None: np.clip(
                x + sigma * np.random.default_rng(seed).standard_normal(x.shape[1:]), 0, 1
            ).astype(np.float32),
            "new noise for every image",
        ),
        (
            lambda x, sigma=20 / 255, seed=None: right_noise(x, sigma, seed).astype(np.float64),
            "float32",
        ),
        (lambda x, sigma=20 / 255, seed=None: right_noise(x, sigma, 0), "seed=None"),
    ],
    ids=["right", "variance", "unclipped", "uniform", "one_noise_image", "float64", "fixed_seed"],
)
def test_add_noise_statistics_and_hints(rng, wrong, hint):
    """Does right noise pass, and does each wrong one lose points with its hint?"""
    inputs = noise_check.make_inputs(rng)
    checks = checked(noise_check, inputs, noise_observations(inputs, wrong))
    if hint is None:
        assert fraction(checks) == pytest.approx(1.0), [c.message for c in checks]
    else:
        assert fraction(checks) < 1
        assert hint in hints(checks)


def _gen(seed):
    return np.random.default_rng(seed)


@pytest.mark.parametrize(
    ("wrong", "hint", "not_hint"),
    [
        (  # Gaussian noise of sd sigma * 255: clipped to 0/1, not uniform
            lambda x, sigma=20 / 255, seed=None: np.clip(
                x + sigma * 255 * _gen(seed).standard_normal(x.shape), 0, 1
            ).astype(np.float32),
            "not 20",
            "sigma argument",
        ),
        (  # uniform noise that does use sigma
            lambda x, sigma=20 / 255, seed=None: np.clip(
                x + sigma * _gen(seed).uniform(-1, 1, x.shape), 0, 1
            ).astype(np.float32),
            "",
            "sigma argument",
        ),
        (  # masking ignores sigma but its sd is not 20/255: no "hard-coded" claim either
            lambda x, sigma=20 / 255, seed=None: (x * (_gen(seed).random(x.shape) > 0.1)).astype(
                np.float32
            ),
            "masking noise",
            "sigma argument",
        ),
        (
            lambda x, sigma=20 / 255, seed=None: np.clip(
                x * (1 + sigma * _gen(seed).standard_normal(x.shape)), 0, 1
            ).astype(np.float32),
            "multiplied by the image",
            "scale standard normal",
        ),
        (
            lambda x, sigma=20 / 255, seed=None: (x * (_gen(seed).random(x.shape) > 0.1)).astype(
                np.float32
            ),
            "masking noise",
            "mean 0",
        ),
        (
            lambda x, sigma=20 / 255, seed=None: np.clip(
                x + sigma * _gen(seed).standard_normal(), 0, 1
            ).astype(np.float32),
            "one noise value",
            "no noise was added",
        ),
    ],
    ids=[
        "sd_times_255",
        "uniform_with_sigma",
        "masking_no_sigma_claim",
        "multiplicative",
        "masking",
        "one_per_batch",
    ],
)
def test_add_noise_hints_only_with_evidence(rng, wrong, hint, not_hint):
    """Does each mistake get the hint its output proves, and never the hint of another one?"""
    inputs = noise_check.make_inputs(rng)
    checks = checked(noise_check, inputs, noise_observations(inputs, wrong))
    assert fraction(checks) < 1
    if hint:
        assert hint in hints(checks)
    assert not_hint not in hints(checks)


def test_float64_noise_loses_half_of_the_shape_and_dtype_check_only(rng):
    """Right noise returned as float64: is half of "returns float32 of x's shape" the only loss,
    with the dtype's message and hint?"""
    inputs = noise_check.make_inputs(rng)

    def float64_noise(x, sigma=20 / 255, seed=None):
        return right_noise(x, sigma, seed).astype(np.float64)

    checks = checked(noise_check, inputs, noise_observations(inputs, float64_noise))
    lost = [c for c in checks if not c.passed]
    assert [(c.name, c.fraction) for c in lost] == [(checks[0].name, 0.5)]
    assert lost[0].message == "got dtype float64, expected float32"
    assert lost[0].hint == "return .astype(np.float32): NumPy's random draws are float64"


def test_every_check_says_what_is_missing_when_nothing_came_back(rng):
    """With no observation at all, does every check fail with a message (never crash)?"""
    checks = checked(noise_check, noise_check.make_inputs(rng), Observations())
    assert len(checks) == 6
    assert all(c.fraction == 0 and c.message for c in checks)
