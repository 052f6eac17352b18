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
    from grader.collect._keras import model_facts

    x = inputs["x"]
    for z_dim in Z_DIMS:
        key = f"z{z_dim}"
        ok, built = probe.call(f"{key}.build", fn, z_dim=z_dim)
        if not ok:
            continue
        ok, parts = probe.attempt(f"{key}.returned", lambda built=built: tuple(built))
        probe.put(f"{key}.returned", {"type": type(built).__name__, "len": len(parts or ())})
        if not ok or len(parts) != 3:
            continue
        encoder, decoder, autoencoder = parts
        for name, model in zip(("encoder", "decoder", "autoencoder"), parts, strict=True):
            ok, facts = probe.attempt(f"{key}.{name}.facts", lambda m=model: model_facts(m))
            if ok:
                probe.put(f"{key}.{name}.facts", facts)
        probe.array(f"{key}.encoded", lambda e=encoder: e(x))
        probe.array(f"{key}.decoded", lambda d=decoder, k=key: d(inputs[k]))
        probe.array(f"{key}.reconstructed", lambda a=autoencoder: a(x))
        probe.array(f"{key}.reconstructed.again", lambda a=autoencoder: a(x))
        probe.array(f"{key}.composed", lambda e=encoder, d=decoder: d(e(x)))
