"""vae_loss(x, y, z_mean, z_log_var), child side: eagerly, then compiled.

The submission's ``reconstruction_loss`` and ``kl_divergence`` are relays to the grader's
trusted reference process meanwhile (:mod:`grader.collect._relay`)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from grader.probe import Probe

CASES = ("random",)


def collect(fn: Callable, inputs: dict[str, np.ndarray], probe: Probe) -> None:
    """The student's vae_loss eagerly, then compiled."""
    from grader.collect._keras import run_compiled

    args = (inputs["x"], inputs["y"], inputs["mu"], inputs["lv"])
    probe.array("random", lambda: fn(*(a.copy() for a in args)))
    probe.array("compiled", lambda: run_compiled(fn, *args))
