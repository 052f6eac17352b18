"""kl_divergence(z_mean, z_log_var), child side: the student's function on every case."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from grader.probe import Probe

CASES = ("random", "small", "zeros", "large")


def collect(fn: Callable, inputs: dict[str, np.ndarray], probe: Probe) -> None:
    """The student's function on every case, eagerly, then compiled (as ``vae.fit`` calls it)."""
    from grader.collect._keras import run_compiled

    for case in CASES:
        mu, lv = inputs[f"{case}.mu"], inputs[f"{case}.lv"]
        probe.array(case, lambda mu=mu, lv=lv: fn(mu.copy(), lv.copy()))
    mu, lv = inputs["random.mu"], inputs["random.lv"]
    probe.array("compiled", lambda: run_compiled(fn, mu, lv))
