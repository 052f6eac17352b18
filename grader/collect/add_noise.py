"""add_noise(x, sigma, seed), child side: noisy copies under several seeds and sigmas."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from grader.probe import Probe


def collect(fn: Callable, inputs: dict[str, np.ndarray], probe: Probe) -> None:
    """Noisy copies under several seeds and sigmas; their dtypes; x after the call."""
    grey = inputs["grey"]
    calls = {
        "grey.seed0": (grey, {"seed": 0}),
        "grey.seed0.again": (grey, {"seed": 0}),
        "grey.seed1": (grey, {"seed": 1}),
        "grey.none1": (grey, {}),
        "grey.none2": (grey, {}),
        "sigma": (grey, {"sigma": 0.1, "seed": 3}),
        "black": (inputs["black"], {"seed": 4}),
        "white": (inputs["white"], {"seed": 5}),
    }
    for key, (x, kwargs) in calls.items():
        ok, value = probe.call(key, fn, x.copy(), **kwargs)
        if ok:
            array = probe.array(key, lambda value=value: value)
            if array is not None:  # the data's own dtype, not what a .dtype attribute claims
                probe.put(f"{key}.dtype", array.dtype.name)
    x = inputs["random"].copy()
    if probe.call("inplace", fn, x, seed=6)[0]:
        probe.array("inplace", lambda: x)
