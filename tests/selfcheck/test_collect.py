"""tp_ae/selfcheck/collect: one collector per question, run by the grader's sandboxed child
(through grader.probe.Probe) and by the release's self-check (through its Recorder)."""

from __future__ import annotations

import importlib

import numpy as np
import pytest

from grader.observations import Observations
from grader.probe import Probe
from tp_ae.questions import QUESTION_IDS
from tp_ae.selfcheck.collect import add_noise
from tp_ae.selfcheck.recorder import Recorder


def _inputs() -> dict[str, np.ndarray]:
    from grader.checks import add_noise as noise_check

    return noise_check.make_inputs(np.random.default_rng(0))


def _noise(x, sigma=20 / 255, seed=None):
    rng = np.random.default_rng(seed)
    return np.clip(x + sigma * rng.standard_normal(x.shape), 0, 1).astype(np.float32)


def _both(fn) -> tuple[Observations, Recorder]:
    """The add_noise collector on the same inputs through a Probe and through a Recorder."""
    inputs = _inputs()
    obs, rec = Observations(), Recorder(set())
    add_noise.collect(fn, inputs, Probe(obs, set()))
    add_noise.collect(fn, inputs, rec)
    return obs, rec


def test_a_probe_and_a_recorder_record_the_same_values():
    """Does one collector record the same keys and values through either recorder (the seeded
    calls equal, the unseeded ones of the same shape)?"""
    obs, rec = _both(_noise)
    assert set(obs.values) == set(rec.values) and "grey.seed0.dtype" in rec.values
    for key, value in rec.values.items():
        if isinstance(value, np.ndarray):
            assert value.shape == obs.values[key].shape, key
            if "none" not in key:
                np.testing.assert_array_equal(value, obs.values[key], err_msg=key)
        else:
            assert value == obs.values[key], key


def test_a_probe_and_a_recorder_record_the_same_errors():
    """A function that raises: is the error recorded under the same keys, with the same type
    and message, on both sides?"""

    def broken(x, sigma=0.1, seed=None):
        raise ValueError("no noise today")

    obs, rec = _both(broken)
    assert set(obs.errors) == set(rec.errors) and "grey.seed0" in rec.errors
    for key, error in rec.errors.items():
        assert (error.type, error.message) == (obs.errors[key].type, obs.errors[key].message)


@pytest.mark.parametrize("qid", QUESTION_IDS)
def test_the_grader_child_runs_the_shared_collector(qid):
    """Is grader.collect.<qid>.collect the answer-free tp_ae.selfcheck.collect.<qid>.collect
    (one collector per question, not a twin)?"""
    grader_side = importlib.import_module(f"grader.collect.{qid}")
    shared = importlib.import_module(f"tp_ae.selfcheck.collect.{qid}")
    assert grader_side.collect is shared.collect
