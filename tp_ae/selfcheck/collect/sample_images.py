"""sample_images(decoder, n_images, z_dim, seed): calls on probe decoders.

The decoder handed to the student's function is a probe, not a trained model
(:func:`tp_ae.selfcheck.keras_facts.probe_decoder`): a ``keras.Model`` whose image carries
sigmoid(z) in its first z_dim pixels (and 0.5 elsewhere), so that which z were decoded can be
read back exactly, however the decoder was called (``predict``, ``__call__``, in batches).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from tp_ae.selfcheck.collect import Recording
from tp_ae.selfcheck.recorder import as_array

Z_DIM = 3
N_IMAGES = 600
KEPT_PIXELS = 16  # pixels of each image recorded (the first z_dim carry z)


def collect(fn: Callable, inputs: dict[str, np.ndarray], rec: Recording) -> None:
    """Calls on probe decoders (seed 7 twice, seed 8, the defaults): each result's type, dtype,
    shape and range, and the first 16 pixels of each image (``<key>``). A result that is not
    an array of numbers is recorded as an error under ``<key>.all``."""
    from tp_ae.selfcheck.keras_facts import probe_decoder

    decoder = probe_decoder(Z_DIM)
    calls = {
        "seed7": (decoder, N_IMAGES, {"z_dim": Z_DIM, "seed": 7}),
        "seed7.again": (decoder, N_IMAGES, {"z_dim": Z_DIM, "seed": 7}),
        "seed8": (decoder, N_IMAGES, {"z_dim": Z_DIM, "seed": 8}),
        "default": (probe_decoder(10), 5, {}),
    }
    for key, (dec, n, kwargs) in calls.items():
        ok, images = rec.call(key, fn, dec, n, **kwargs)
        if not ok:
            continue
        rec.put(f"{key}.type", type(images).__module__ + "." + type(images).__name__)
        ok, array = rec.attempt(key + ".all", lambda images=images: as_array(images))
        if ok:  # the data's own dtype, not what a .dtype attribute claims
            rec.put(f"{key}.dtype", array.dtype.name)
            rec.put(f"{key}.shape", list(array.shape))
            rec.put(f"{key}.range", [float(np.min(array)), float(np.max(array))])
            flat = np.asarray(array, dtype=np.float64).reshape(len(array), -1)
            rec.put(key, flat[:, :KEPT_PIXELS].copy())
