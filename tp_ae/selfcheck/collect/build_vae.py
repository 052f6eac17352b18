"""build_vae(z_dim, hidden_dim): shared with build_conv_vae (:mod:`._vae`)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from tp_ae.selfcheck.collect import Recording, _vae

BUILDS: _vae.Builds = ((2, {"z_dim": 2, "hidden_dim": 64}), (10, {"z_dim": 10}))


def collect(
    fn: Callable,
    inputs: dict[str, np.ndarray],
    rec: Recording,
    vae_loss: _vae.VaeLoss | None = None,
) -> None:
    _vae.collect(BUILDS, fn, inputs, rec, vae_loss)
