"""build_conv_autoencoder(z_dim), child side: shared with the MLP one (``_autoencoder``)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from grader.collect import _autoencoder
from grader.probe import Probe


def collect(fn: Callable, inputs: dict[str, np.ndarray], probe: Probe) -> None:
    _autoencoder.collect(fn, inputs, probe)
