"""grader/observations.py: the plain values a worker sends back, and what it may not send."""

from __future__ import annotations

import numpy as np
import pytest

from grader.observations import ErrorInfo, Observations, load_observations


def test_observations_round_trip_and_refuse_pickles(tmp_path):
    """Do arrays, JSON values and errors come back as sent, and is a pickled array refused?"""
    obs = Observations({"a": np.arange(3.0), "meta": {"n": 1}, "flag": True})
    obs.put_error("b", ErrorInfo("ValueError", "bad", "part2_vae.py, line 3"))
    path = tmp_path / "r.npz"
    obs.save(path)
    back = load_observations(path)
    np.testing.assert_array_equal(back.array("a"), [0.0, 1.0, 2.0])
    assert back.get("meta") == {"n": 1} and back.get("flag") is True
    assert str(back.error("b")) == "ValueError: bad (part2_vae.py, line 3)"
    np.savez(path, __meta__=np.frombuffer(b"{}", np.uint8), **{"array:x": np.array([object()])})
    with pytest.raises(ValueError):
        load_observations(path)
