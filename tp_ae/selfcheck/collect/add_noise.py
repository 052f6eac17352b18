"""add_noise(x, sigma, seed): noisy copies of the test images under several seeds and sigmas."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from tp_ae.selfcheck.collect import Recording

SIGMA_TEST = 0.1  # the sigma argument's own test (the default is 20/255)


def collect(fn: Callable, inputs: dict[str, np.ndarray], rec: Recording) -> None:
    """Noisy copies of a mid-grey image (seeds 0, 0 again, 1, none twice; sigma=0.1), of black
    and white images, each with the dtype of its data; then x after a call (left unchanged?)."""
    grey = inputs["grey"]
    calls = {
        "grey.seed0": (grey, {"seed": 0}),
        "grey.seed0.again": (grey, {"seed": 0}),
        "grey.seed1": (grey, {"seed": 1}),
        "grey.none1": (grey, {}),
        "grey.none2": (grey, {}),
        "sigma": (grey, {"sigma": SIGMA_TEST, "seed": 3}),
        "black": (inputs["black"], {"seed": 4}),
        "white": (inputs["white"], {"seed": 5}),
    }
    for key, (x, kwargs) in calls.items():
        ok, value = rec.call(key, fn, x.copy(), **kwargs)
        if ok:
            array = rec.record_array(key, lambda value=value: value)
            if array is not None:  # the data's own dtype, not what a .dtype attribute claims
                rec.put(f"{key}.dtype", array.dtype.name)
    x = inputs["random"].copy()
    if rec.call("inplace", fn, x, seed=6)[0]:
        rec.record_array("inplace", lambda: x)
