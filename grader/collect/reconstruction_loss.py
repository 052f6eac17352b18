"""reconstruction_loss(x, y), child side: the student's function on every case."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from grader.probe import Probe

CASES = ("random", "binary", "perfect", "opposite")


def collect(fn: Callable, inputs: dict[str, np.ndarray], probe: Probe) -> None:
    """The student's function on every case, eagerly, then compiled."""
    from grader.collect._keras import run_compiled

    for case in CASES:
        x, y = inputs[f"{case}.x"], inputs[f"{case}.y"]
        probe.array(case, lambda x=x, y=y: fn(x.copy(), y.copy()))
    x, y = inputs["random.x"], inputs["random.y"]
    probe.array("compiled", lambda: run_compiled(fn, x, y))
