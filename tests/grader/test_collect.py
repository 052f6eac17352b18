"""grader/collect: what the child records is read off the data, not off what objects claim."""

from __future__ import annotations

import numpy as np

from grader.checks import add_noise as noise_check
from grader.collect import add_noise as noise_collect
from grader.observations import Observations
from grader.probe import Probe

from .checks.helpers import checked


class _ClaimsFloat32:
    """A float64 array that says it is float32 (its .dtype lies)."""

    dtype = np.dtype("float32")

    def __init__(self, array: np.ndarray):
        self._array = np.asarray(array, dtype=np.float64)

    def __array__(self, dtype=None, copy=None):
        return self._array if dtype is None else self._array.astype(dtype)


def _noise(x, sigma=20 / 255, seed=None):
    rng = np.random.default_rng(seed)
    return np.clip(x + sigma * rng.standard_normal(x.shape), 0, 1)


def test_a_float64_array_claiming_float32_is_recorded_as_float64():
    """Does the dtype check see float64 when the returned object's .dtype says float32?"""
    inputs = noise_check.make_inputs(np.random.default_rng(0))
    obs = Observations()
    lying = lambda x, **kw: _ClaimsFloat32(_noise(x, **kw))  # noqa: E731
    noise_collect.collect(lying, inputs, Probe(obs, set()))
    assert obs.get("grey.seed0.dtype") == "float64"
    honest = Observations()
    noise_collect.collect(
        lambda x, **kw: _noise(x, **kw).astype(np.float32), inputs, Probe(honest, set())
    )
    assert honest.get("grey.seed0.dtype") == "float32"
    shape_dtype = checked(noise_check, inputs, obs)[0]
    assert not shape_dtype.passed and "float64" in shape_dtype.message
