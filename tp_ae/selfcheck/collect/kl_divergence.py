"""kl_divergence(z_mean, z_log_var): the student's function on every case, then compiled."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from tp_ae.selfcheck.collect import Recording
from tp_ae.selfcheck.collect._losses import on_every_case

CASES = ("random", "small", "zeros", "large")


def collect(fn: Callable, inputs: dict[str, np.ndarray], rec: Recording) -> None:
    """``<case>``: fn(mu, lv) of each case; ``compiled``: the random case in a tf.function."""
    on_every_case(fn, inputs, rec, CASES, ("mu", "lv"))
