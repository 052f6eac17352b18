"""The two autoencoder builders (MLP and convolutional): built with z_dim = 2 and 10, the three
models described (facts and layer graph), then run eagerly."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from tp_ae.selfcheck.collect import Recording

Z_DIMS = (2, 10)
N = 6
IMAGE = (28, 28, 1)
NAMES = ("encoder", "decoder", "autoencoder")


def collect(fn: Callable, inputs: dict[str, np.ndarray], rec: Recording) -> None:
    """Build for each z_dim; describe the three models; encode x, decode the prepared z,
    reconstruct x twice (random at inference?) and compose decoder(encoder(x))."""
    from tp_ae.selfcheck.keras_facts import collect_models

    x = inputs["x"]
    for z_dim in Z_DIMS:
        key = f"z{z_dim}"
        parts = collect_models(rec, key, fn, {"z_dim": z_dim}, NAMES)
        if parts is None:
            continue
        encoder, decoder, autoencoder = parts
        rec.record_array(f"{key}.encoded", lambda e=encoder: e(x))
        rec.record_array(f"{key}.decoded", lambda d=decoder, k=key: d(inputs[k]))
        rec.record_array(f"{key}.reconstructed", lambda a=autoencoder: a(x))
        rec.record_array(f"{key}.reconstructed.again", lambda a=autoencoder: a(x))
        rec.record_array(f"{key}.composed", lambda e=encoder, d=decoder: d(e(x)))
