"""sample_images(decoder, n_images, z_dim, seed), child side: calls on probe decoders.

The decoder handed to the student's function is a probe, not a trained model: a
``keras.Model`` whose image carries sigmoid(z) in its first z_dim pixels (and 0.5 elsewhere), so
the grader reads back exactly which z were decoded, however the decoder was called
(``predict``, ``__call__``, in batches).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from grader.probe import Probe

Z_DIM = 3
N_IMAGES = 600
KEPT_PIXELS = 16  # pixels of each image sent back (the first z_dim carry z)


def collect(fn: Callable, inputs: dict[str, np.ndarray], probe: Probe) -> None:
    """Several calls on probe decoders; first 16 pixels of each image, type, range."""
    from tp_ae.selfcheck.keras_facts import probe_decoder

    decoder = probe_decoder(Z_DIM)
    calls = {
        "seed7": (decoder, N_IMAGES, {"z_dim": Z_DIM, "seed": 7}),
        "seed7.again": (decoder, N_IMAGES, {"z_dim": Z_DIM, "seed": 7}),
        "seed8": (decoder, N_IMAGES, {"z_dim": Z_DIM, "seed": 8}),
        "default": (probe_decoder(10), 5, {}),
    }
    for key, (dec, n, kwargs) in calls.items():
        ok, images = probe.call(key, fn, dec, n, **kwargs)
        if not ok:
            continue
        probe.put(f"{key}.type", type(images).__module__ + "." + type(images).__name__)
        array = probe.array(key + ".all", lambda images=images: images)
        if array is not None:  # the data's own dtype, not what a .dtype attribute claims
            probe.put(f"{key}.dtype", array.dtype.name)
            probe.put(f"{key}.shape", list(array.shape))
            probe.put(f"{key}.range", [float(np.min(array)), float(np.max(array))])
            flat = np.asarray(array, dtype=np.float64).reshape(len(array), -1)
            probe.put(key, flat[:, :KEPT_PIXELS].copy())
            del probe.observations.values[key + ".all"]
