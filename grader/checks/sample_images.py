"""sample_images(decoder, n_images, z_dim=10, seed=None): decode z ~ N(0, I).

The inputs and constants of its checks (the checks themselves are the tests of
``grader/checks/test_sample_images.py``): it returns an ``np.ndarray`` (n_images, 28, 28, 1)
float32 in [0, 1]; the decoder is fed z of shape (n_images, z_dim) with mean 0, sd 1, Gaussian;
same seed, same images; other seeds, other images.

The decoder handed to the student's function is a probe: a ``keras.Model`` whose image carries
sigmoid(z) in its first z_dim pixels (and 0.5 elsewhere), so the grader reads back exactly which
z were decoded, however the decoder was called (``predict``, ``__call__``, in batches).
"""

from __future__ import annotations

import numpy as np

from grader.collect.sample_images import KEPT_PIXELS, N_IMAGES, Z_DIM

QUESTION_ID = "sample_images"
MAIN_KEYS = ("seed7", "seed7.again", "seed8", "default")
CALL = f"sample_images(decoder, {N_IMAGES}, z_dim={Z_DIM}, seed=7)"
GAUSS_WITHIN_1SD = 0.6827
SENT_BACK = (N_IMAGES, KEPT_PIXELS)  # the first pixels of each image of a seeded call


def make_inputs(rng: np.random.Generator) -> dict[str, np.ndarray]:
    """None: the probe decoder, built in the sandbox, is the input."""
    return {}


def decoded_z(pixels: np.ndarray) -> np.ndarray:
    """The z a probe decoder was fed, (n, Z_DIM) float64, from the first pixels of its images
    (n, KEPT_PIXELS): the logit of sigmoid(z), clipped away from 0 and 1."""
    y = np.clip(pixels[:, :Z_DIM], 1e-7, 1 - 1e-7)
    return np.log(y) - np.log1p(-y)
