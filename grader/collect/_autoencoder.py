"""Child side of the two autoencoder builders (MLP and convolutional): build, describe, run."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from grader.probe import Probe

Z_DIMS = (2, 10)
N = 6
IMAGE = (28, 28, 1)


def collect(fn: Callable, inputs: dict[str, np.ndarray], probe: Probe) -> None:
    """Build for each z_dim; describe the three models; run them eagerly."""
    from tp_ae.selfcheck.keras_facts import collect_models

    x = inputs["x"]
    for z_dim in Z_DIMS:
        key = f"z{z_dim}"
        parts = collect_models(
            probe, key, fn, {"z_dim": z_dim}, ("encoder", "decoder", "autoencoder")
        )
        if parts is None:
            continue
        encoder, decoder, autoencoder = parts
        probe.array(f"{key}.encoded", lambda e=encoder: e(x))
        probe.array(f"{key}.decoded", lambda d=decoder, k=key: d(inputs[k]))
        probe.array(f"{key}.reconstructed", lambda a=autoencoder: a(x))
        probe.array(f"{key}.reconstructed.again", lambda a=autoencoder: a(x))
        probe.array(f"{key}.composed", lambda e=encoder, d=decoder: d(e(x)))
