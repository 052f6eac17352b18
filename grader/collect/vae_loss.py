"""vae_loss(x, y, z_mean, z_log_var, beta=1.0), child side: eagerly, compiled, then with beta.

The submission's ``reconstruction_loss`` and ``kl_divergence`` are relays to the grader's
trusted reference process meanwhile (:mod:`grader.collect._relay`)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from grader.probe import Probe

CASES = ("random",)
BETAS = (0.0, 0.5, 4.0)  # the KL weights vae_loss is called with, besides its default


def beta_key(beta: float) -> str:
    """The observation key of ``vae_loss(..., beta=beta)``: ``beta_0``, ``beta_0.5``, ``beta_4``."""
    return f"beta_{beta:g}"


def collect(fn: Callable, inputs: dict[str, np.ndarray], probe: Probe) -> None:
    """The student's vae_loss eagerly (its default beta), then compiled, then eagerly with
    ``beta=b`` (by keyword, as the handout calls it) for each b of BETAS, on the same inputs."""
    from grader.collect._keras import run_compiled

    args = (inputs["x"], inputs["y"], inputs["mu"], inputs["lv"])
    probe.array("random", lambda: fn(*(a.copy() for a in args)))
    probe.array("compiled", lambda: run_compiled(fn, *args))
    for beta in BETAS:
        probe.array(beta_key(beta), lambda beta=beta: fn(*(a.copy() for a in args), beta=beta))
