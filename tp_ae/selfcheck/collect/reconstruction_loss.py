"""reconstruction_loss(x, y): the student's function on every case, then compiled."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from tp_ae.selfcheck.collect import Recording
from tp_ae.selfcheck.collect._losses import on_every_case

CASES = ("random", "binary", "perfect", "opposite")


def collect(fn: Callable, inputs: dict[str, np.ndarray], rec: Recording) -> None:
    """``<case>``: fn(x, y) of each case; ``compiled``: the random case in a tf.function."""
    on_every_case(fn, inputs, rec, CASES, ("x", "y"))
