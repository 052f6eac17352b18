"""sample_images(decoder, n_images, z_dim=10, seed=None): decode z ~ N(0, I).

Returns an ``np.ndarray`` (n_images, 28, 28, 1) float32 in [0, 1]; the decoder is fed z of
shape (n_images, z_dim) with mean 0, sd 1, Gaussian; same seed, same images; other seeds, other
images.

The decoder handed to the student's function is a probe: a ``keras.Model`` whose image carries
sigmoid(z) in its first z_dim pixels (and 0.5 elsewhere), so the grader reads back exactly which
z were decoded, however the decoder was called (``predict``, ``__call__``, in batches).
"""

from __future__ import annotations

import numpy as np

from grader.checks._common import check, error_text, shape_text
from grader.collect.sample_images import KEPT_PIXELS, N_IMAGES, Z_DIM
from grader.observations import Observations

QUESTION_ID = "sample_images"
MAIN_KEYS = ("seed7", "seed7.again", "seed8", "default")
CALL = f"sample_images(decoder, {N_IMAGES}, z_dim={Z_DIM}, seed=7)"
GAUSS_WITHIN_1SD = 0.6827


def make_inputs(rng: np.random.Generator) -> dict[str, np.ndarray]:
    return {}  # the probe decoder is the input


def score(inputs: dict[str, np.ndarray], obs: Observations) -> list:
    """Returned images (0.3), z ~ N(0, I) of the right size (0.4), seeding (0.3)."""
    return [_returned(obs), _latents(obs), _seeding(obs)]


def _error(obs: Observations, key: str, call: str = CALL) -> str:
    return error_text(obs, key, call) or error_text(obs, key + ".all", call)


def _returned(obs: Observations):
    name = "returns an np.ndarray (n_images, 28, 28, 1), float32, in [0, 1]"
    parts, messages, hints = [], [], []
    for key, n in (("seed7", N_IMAGES), ("default", 5)):
        shape = obs.get(f"{key}.shape")
        if shape is None:
            parts.append(0.0)
            messages.append(_error(obs, key) or "no images returned")
            continue
        kind, dtype = obs.get(f"{key}.type"), obs.get(f"{key}.dtype")
        low, high = obs.get(f"{key}.range")
        conditions = {
            "type": kind == "numpy.ndarray",
            "shape": tuple(shape) == (n, 28, 28, 1),
            "dtype": dtype == "float32",
            "range": 0.0 <= low and high <= 1.0,
        }
        parts.append(sum(conditions.values()) / len(conditions))
        if not conditions["type"]:
            messages.append(f"got a {kind}, expected numpy.ndarray")
            hints.append("convert with np.asarray(...) (decoder.predict returns an ndarray)")
        if not conditions["shape"]:
            messages.append(f"got shape {shape_text(shape)}, expected {shape_text((n, 28, 28, 1))}")
            hints.append("decode exactly n_images codes")
        if not conditions["dtype"]:
            messages.append(f"got dtype {dtype}, expected float32")
            hints.append("return float32 images: .astype(np.float32)")
        if not conditions["range"]:
            messages.append(f"got values in [{low:.3g}, {high:.3g}], expected [0, 1]")
            hints.append("return the decoder's output as it is")
    return check(
        name,
        0.3,
        float(np.mean(parts)),
        "; ".join(dict.fromkeys(messages)),
        "; ".join(dict.fromkeys(hints)),
    )


def _latents(obs: Observations):
    name = f"the decoder is fed z ~ N(0, I) of shape (n_images, z_dim) ({N_IMAGES} draws, z_dim=3)"
    pixels = obs.array("seed7")
    if pixels is None or pixels.shape != (N_IMAGES, KEPT_PIXELS):
        message = _error(obs, "seed7") or "no images to read z from"
        hint = "use z_dim: z = rng.standard_normal((n_images, z_dim))" if "z_dim" in message else ""
        return check(name, 0.4, False, message, hint)
    y = np.clip(pixels[:, :Z_DIM], 1e-7, 1 - 1e-7)
    z = np.log(y) - np.log1p(-y)  # logit, inverse of the probe's sigmoid
    rest_ok = np.allclose(pixels[:, Z_DIM:], 0.5, atol=1e-3)
    mean, sd = float(z.mean()), float(z.std())
    within = float(np.mean(np.abs(z - mean) < sd)) if sd > 0 else 0.0
    problems, hint = [], ""
    if not rest_ok:
        problems.append("the images are not the decoder's output")
        hint = "return the decoder's output for z as it is (no post-processing)"
    elif abs(mean) > 0.15:
        problems.append(f"z has mean {mean:.3g}, expected 0")
        hint = (
            "draw z from the standard normal N(0, I) (rng.standard_normal), not uniform in [0, 1)"
            if 0.35 < mean < 0.65
            else "z must have mean 0: z ~ N(0, I)"
        )
    elif abs(sd - 1) > 0.12:
        problems.append(f"z has sd {sd:.3g}, expected 1")
        hint = "z ~ N(0, I) has unit variance: do not scale it"
    elif abs(within - GAUSS_WITHIN_1SD) > 0.06:
        problems.append(f"{within:.0%} of z within one sd, expected 68% (Gaussian)")
        hint = "draw z from a Gaussian (rng.standard_normal), not a uniform"
    if problems:
        return check(name, 0.4, False, "; ".join(problems), hint)
    return check(name, 0.4, True)


def _seeding(obs: Observations):
    name = "same seed, same images; another seed, other images"
    first, again, other = (obs.array(k) for k in ("seed7", "seed7.again", "seed8"))
    if first is None:
        return check(name, 0.3, False, _error(obs, "seed7") or "no images returned")
    same = again is not None and np.array_equal(first, again)
    differ = other is not None and not np.array_equal(first, other)
    messages, hints = [], []
    if not same:
        messages.append("two calls with seed=7 gave different images")
        hints.append("draw z with np.random.default_rng(seed)")
    if not differ:
        messages.append("seed=7 and seed=8 gave the same images")
        hints.append("pass the seed argument to the generator")
    return check(name, 0.3, 0.5 * same + 0.5 * differ, "; ".join(messages), "; ".join(hints))
