"""vae_loss(x, y, z_mean, z_log_var, beta=1.0): eagerly, compiled, then with beta.

Whoever runs it stands in for the submission's ``reconstruction_loss`` and ``kl_divergence``
meanwhile, so that a mistake in them is not charged here: the grader's child with relays to its
trusted reference process (``grader.collect._relay``), the release's self-check with tables of
the reference's outputs on these inputs, prepared at release time.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from tp_ae.selfcheck.collect import Recording
from tp_ae.selfcheck.collect._losses import run_compiled

CASES = ("random",)
BETAS = (0.0, 0.5, 4.0)  # the KL weights vae_loss is called with, besides its default


def beta_key(beta: float) -> str:
    """The record of ``vae_loss(..., beta=beta)``: ``beta_0``, ``beta_0.5``, ``beta_4``."""
    return f"beta_{beta:g}"


def collect(fn: Callable, inputs: dict[str, np.ndarray], rec: Recording) -> None:
    """The student's vae_loss eagerly (its default beta; ``random``), then compiled
    (``compiled``), then eagerly with ``beta=b`` (by keyword, as the handout calls it) for each
    b of BETAS, on the same inputs."""
    args = tuple(inputs[k] for k in ("x", "y", "mu", "lv"))
    rec.record_array("random", lambda: fn(*(a.copy() for a in args)))
    rec.record_array("compiled", lambda: run_compiled(fn, *args))
    for beta in BETAS:
        rec.record_array(beta_key(beta), lambda beta=beta: fn(*(a.copy() for a in args), beta=beta))
