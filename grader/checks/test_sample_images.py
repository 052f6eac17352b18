"""The checks of ``sample_images(decoder, n_images, z_dim=10, seed=None)``, one pytest test per
check.

Each test reads what the student's function returned when handed a probe decoder (``answer``,
collected in the sandbox by ``grader.collect.sample_images``: the type, shape, dtype and range
of the images, and the first pixels of each, which carry sigmoid(z)), so the z that were decoded
are read back exactly and judged against N(0, I). A check made of several conditions earns an
equal part per condition met (``Partial``); each condition's message is the "got ...,
expected ..." the student reads, and its hint sits next to it.
"""

from __future__ import annotations

import numpy as np
import pytest

from grader.checks._common import error_text, shape_text
from grader.checks.sample_images import (
    CALL,
    GAUSS_WITHIN_1SD,
    N_IMAGES,
    SENT_BACK,
    Z_DIM,
    decoded_z,
)
from grader.pytest_plugin import Partial

pytestmark = pytest.mark.question("sample_images")


def _error(answer, key: str, call: str = CALL) -> str:
    """What the call raised, or what converting its result to an array raised, or ""."""
    return error_text(answer, key, call) or error_text(answer, key + ".all", call)


@pytest.mark.weight(0.3)
def test_returns_a_float32_ndarray_of_images_in_0_1(answer):
    """returns an np.ndarray (n_images, 28, 28, 1), float32, in [0, 1]"""
    parts, messages, hints = [], [], []
    for key, n in (("seed7", N_IMAGES), ("default", 5)):
        shape = answer.get(f"{key}.shape")
        if shape is None:
            parts.append(0.0)
            messages.append(_error(answer, key) or "no images returned")
            continue
        kind, dtype = answer.get(f"{key}.type"), answer.get(f"{key}.dtype")
        low, high = answer.get(f"{key}.range")
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
    earned = float(np.mean(parts))
    if earned < 1:
        message, hint = "; ".join(dict.fromkeys(messages)), "; ".join(dict.fromkeys(hints))
        raise Partial(earned, message, hint)


@pytest.mark.weight(0.4)
def test_the_decoder_is_fed_standard_normal_z_of_shape_n_images_by_z_dim(answer, hint):
    """the decoder is fed z ~ N(0, I) of shape (n_images, z_dim) (600 draws, z_dim=3)"""
    pixels = answer.array("seed7")
    readable = pixels is not None and pixels.shape == SENT_BACK
    message = "" if readable else _error(answer, "seed7") or "no images to read z from"
    if "z_dim" in message:  # the call with z_dim=3 raised: the argument is not accepted
        hint("use z_dim: z = rng.standard_normal((n_images, z_dim))")
    assert readable, message
    z = decoded_z(pixels)
    kept = np.allclose(pixels[:, Z_DIM:], 0.5, atol=1e-3)  # the probe's other pixels are 0.5
    if not kept:
        hint("return the decoder's output for z as it is (no post-processing)")
    assert kept, "the images are not the decoder's output"
    mean, sd = float(z.mean()), float(z.std())
    off_mean = abs(mean) > 0.15
    if off_mean:  # a mean near 1/2 is the fingerprint of U[0, 1)
        uniform = 0.35 < mean < 0.65
        hint(
            "draw z from the standard normal N(0, I) (rng.standard_normal), not uniform in [0, 1)"
            if uniform
            else "z must have mean 0: z ~ N(0, I)"
        )
    assert not off_mean, f"z has mean {mean:.3g}, expected 0"
    off_sd = abs(sd - 1) > 0.12
    if off_sd:
        hint("z ~ N(0, I) has unit variance: do not scale it")
    assert not off_sd, f"z has sd {sd:.3g}, expected 1"
    within = float(np.mean(np.abs(z - mean) < sd)) if sd > 0 else 0.0
    gaussian = abs(within - GAUSS_WITHIN_1SD) <= 0.06
    if not gaussian:
        hint("draw z from a Gaussian (rng.standard_normal), not a uniform")
    assert gaussian, f"{within:.0%} of z within one sd, expected 68% (Gaussian)"


@pytest.mark.weight(0.3)
def test_the_seed_fixes_the_images(answer):
    """same seed, same images; another seed, other images"""
    first, again, other = (answer.array(k) for k in ("seed7", "seed7.again", "seed8"))
    assert first is not None, _error(answer, "seed7") or "no images returned"
    same = again is not None and np.array_equal(first, again)
    differ = other is not None and not np.array_equal(first, other)
    messages, hints = [], []
    if not same:
        messages.append("two calls with seed=7 gave different images")
        hints.append("draw z with np.random.default_rng(seed)")
    if not differ:
        messages.append("seed=7 and seed=8 gave the same images")
        hints.append("pass the seed argument to the generator")
    earned = 0.5 * same + 0.5 * differ
    if earned < 1:
        raise Partial(earned, "; ".join(messages), "; ".join(hints))
