"""build_vae(z_dim, hidden_dim), child side: shared with build_conv_vae (``_vae``)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from grader.collect import _vae
from grader.probe import Probe

BUILDS: _vae.Builds = ((2, {"z_dim": 2, "hidden_dim": 64}), (10, {"z_dim": 10}))


def collect(fn: Callable, inputs: dict[str, np.ndarray], probe: Probe) -> None:
    _vae.collect(BUILDS, fn, inputs, probe)
