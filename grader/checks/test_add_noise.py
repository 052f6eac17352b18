"""The checks of ``add_noise(x, sigma=20/255, seed=None)``, one pytest test per check.

Each test reads what the student's function returned on the grader's inputs (``answer``,
collected in the sandbox by ``grader.collect.add_noise``: noisy copies of a mid-grey, a black
and a white batch under several seeds and sigmas, their dtypes, x after a call) and measures
the noise ``got - 0.5`` of the mid-grey batch, where clipping cannot bite. A check made of
several conditions earns an equal part per condition met (``Partial``); each condition's
message is the "got ..., expected ..." the student reads, and its hint sits next to it. A
mistake whose output is unmistakable (one value for the whole batch, masking, noise multiplied
by the image) is named by that fingerprint instead of its symptoms.
"""

from __future__ import annotations

import numpy as np
import pytest

from grader.checks._common import error_text, fmt, shape_text
from grader.checks.add_noise import CALL, GAUSS_WITHIN_1SD, SIGMA, looks_uniform
from grader.pytest_plugin import Partial
from tp_ae.selfcheck.noise import clipping

pytestmark = pytest.mark.question("add_noise")


def _error(answer, key: str, call: str) -> str:
    """What the call raised (or, with no record of it, that nothing came back)."""
    return error_text(answer, key, call) or f"{call}: no value returned"


def _noise(answer, key: str) -> np.ndarray | None:
    """The noise added to the mid-grey image: got - 0.5, float64 (None when nothing came back)."""
    got = answer.array(key)
    return None if got is None else np.float64(got) - 0.5


def _settle(fraction: float, messages: list[str], hints: list[str]) -> None:
    """Full marks, or the fraction earned with what went wrong and what to change."""
    if fraction < 1:
        raise Partial(fraction, "; ".join(messages), "; ".join(hints))


def _fingerprint(answer, noise: np.ndarray) -> str:
    """The hint for a mistake whose output has an unmistakable shape, else ""."""
    sd = float(noise.std())
    if sd < 1e-7 and abs(float(noise.mean())) > 1e-7:  # every pixel moved by the same amount
        return (
            f"one noise value ({float(noise.mean()):.3g}) for the whole batch: draw one per "
            "pixel, noise of shape x.shape"
        )
    zeroed = float(np.mean(np.isclose(noise, -0.5)))
    unchanged = float(np.mean(noise == 0))
    if zeroed > 0.02 and zeroed + unchanged > 0.98:  # pixels at 0 or untouched, nothing else
        return (
            f"{zeroed:.0%} of the pixels are set to 0 and the rest left as they are (masking "
            "noise): add Gaussian noise, x + sigma * N(0, 1)"
        )
    black = answer.array("black")
    if sd > 1e-7 and black is not None and float(np.abs(np.float64(black)).max()) == 0.0:
        return (
            "the noise is multiplied by the image (a black image stays black): add it, "
            "x + sigma * N(0, 1)"
        )
    return ""


def _sd_hint(sd: float) -> str:
    """What a noise sd other than sigma = 20/255 says about how it was scaled."""
    if sd < 1e-6:
        return "no noise was added"
    if abs(sd / SIGMA**2 - 1) < 0.1:
        return "sigma is the standard deviation: multiply N(0, 1) by sigma, not sigma^2"
    if abs(sd / np.sqrt(SIGMA) - 1) < 0.1:
        return "sigma is the standard deviation: multiply N(0, 1) by sigma, not sqrt(sigma)"
    if sd > 0.3:  # the sd*255 fingerprint: sigma = 20 on images in [0, 1]
        return "images are in [0, 1]: the default sigma is 20/255, not 20"
    return "scale standard normal noise by sigma: x + sigma * rng.standard_normal(x.shape)"


@pytest.mark.weight(0.15)
def test_returns_float32_of_the_shape_of_x(answer, inputs):
    """returns float32 of x's shape"""
    got = answer.array("grey.seed0")
    assert got is not None, _error(answer, "grey.seed0", CALL)
    parts, messages, hints = [], [], []
    want_shape = inputs["grey"].shape
    parts.append(got.shape == want_shape)
    if got.shape != want_shape:
        messages.append(f"got shape {shape_text(got.shape)}, expected {shape_text(want_shape)}")
        hints.append("draw one noise value per pixel: rng.standard_normal(x.shape)")
    dtype = answer.get("grey.seed0.dtype")
    parts.append(dtype == "float32")
    if dtype != "float32":
        messages.append(f"got dtype {dtype}, expected float32")
        hints.append("return .astype(np.float32): NumPy's random draws are float64")
    _settle(float(np.mean(parts)), messages, hints)


@pytest.mark.weight(0.3)
def test_grey_image_gets_gaussian_noise_of_mean_0_and_sd_sigma_for_every_pixel(answer, inputs):
    """mid-grey image: noise mean 0, sd 20/255, Gaussian, new for every pixel and image"""
    noise = _noise(answer, "grey.seed0")
    assert noise is not None, _error(answer, "grey.seed0", CALL)
    assert noise.shape == inputs["grey"].shape, (
        f"got shape {shape_text(noise.shape)}, cannot compare"
    )
    mean, sd = float(noise.mean()), float(noise.std())
    parts, messages, hints = [], [], []
    mean_ok = abs(mean) < 0.003  # se = sigma / sqrt(25088) = 0.0005
    parts.append(mean_ok)
    if not mean_ok:
        messages.append(f"noise mean: got {mean:.4g}, expected 0")
        hints.append("the noise must have mean 0: x + sigma * N(0, 1)")
    sd_ok = abs(sd / SIGMA - 1) < 0.05
    parts.append(sd_ok)
    if not sd_ok:
        messages.append(f"noise sd: got {sd:.4g}, expected sigma = 20/255 = {SIGMA:.4g}")
        hints.append(_sd_hint(sd))
    if sd > 0:
        within = float(np.mean(np.abs(noise - mean) < sd))
        gaussian = abs(within - GAUSS_WITHIN_1SD) < 0.02
        parts.append(gaussian)
        if not gaussian:
            messages.append(
                f"share of the noise within one sd: got {within:.3f}, "
                f"expected {GAUSS_WITHIN_1SD:.3f} for Gaussian noise"
            )
            if sd_ok and looks_uniform(noise):  # the uniform-noise fingerprint: flat-topped
                hints.append("draw Gaussian noise (rng.normal / standard_normal), not uniform")
        per_pixel_sd = float(noise.std(axis=0).mean())
        independent = abs(per_pixel_sd / sd - 1) < 0.1
        parts.append(independent)
        if not independent:
            messages.append(
                f"noise sd across images at a fixed pixel: got {per_pixel_sd:.4g}, "
                f"expected {sd:.4g}"
            )
            hints.append("draw new noise for every image: noise of shape x.shape, not (28, 28, 1)")
    else:
        parts.append(False)  # no noise at all: neither Gaussian nor independent
    fingerprint = _fingerprint(answer, noise)  # names the mistake itself: its only hint
    _settle(float(np.mean(parts)), messages, [fingerprint] if fingerprint else hints)


@pytest.mark.weight(0.1)
def test_the_sigma_argument_is_used(answer, hint):
    """the sigma argument is used (sigma = 0.1 gives sd 0.1)"""
    noise = _noise(answer, "sigma")
    assert noise is not None, _error(answer, "sigma", "add_noise(x, sigma=0.1, seed=3)")
    sd = float(noise.std())
    ok = abs(sd / 0.1 - 1) < 0.05
    default = _noise(answer, "grey.seed0")
    default_sd = float(default.std()) if default is not None else float("nan")
    # evidence of a hard-coded sigma: the default gives sd 20/255 and sigma=0.1 gives it too
    if not ok and abs(default_sd / SIGMA - 1) < 0.05 and abs(sd / default_sd - 1) < 0.05:
        hint("use the sigma argument, not a hard-coded 20/255")
    assert ok, f"noise sd with sigma=0.1: got {sd:.4g}, expected 0.1"


@pytest.mark.weight(0.2)
def test_black_and_white_images_are_clipped_to_0_and_1(answer):
    """clipped to [0, 1] (about half the pixels of a black or white image stay at 0 or 1)"""

    def clip_only() -> str:
        grey = _noise(answer, "grey.seed0")
        if grey is None or not _fingerprint(answer, grey):  # else the noise is the slip
            return "clip (np.clip); do not rescale the image or take absolute values"
        return ""

    _settle(
        *clipping(
            answer,
            lambda key: _error(answer, key, f"add_noise({key} image)"),
            "clip the result to [0, 1]: np.clip(x + noise, 0, 1)",
            clip_only,
        )
    )


@pytest.mark.weight(0.2)
def test_the_seed_fixes_the_noise_and_none_draws_fresh_noise(answer):
    """same seed, same noise; another seed or seed=None, other noise"""
    keys = ("grey.seed0", "grey.seed0.again", "grey.seed1", "grey.none1", "grey.none2")
    first, again, other, none1, none2 = (answer.array(k) for k in keys)
    parts, messages, hints = [], [], []
    same = first is not None and again is not None and np.array_equal(first, again)
    parts.append(0.5 * same)
    if not same:
        messages.append("two calls with seed=0 gave different noise")
        hints.append("seed a generator from the argument: rng = np.random.default_rng(seed)")
    differ = first is not None and other is not None and not np.array_equal(first, other)
    parts.append(0.25 * differ)
    if not differ:
        messages.append("seed=0 and seed=1 gave the same noise")
        hints.append("pass the seed to the generator instead of a fixed one")
    fresh = none1 is not None and none2 is not None and not np.array_equal(none1, none2)
    parts.append(0.25 * fresh)
    if not fresh:
        messages.append("two calls with seed=None gave the same noise")
        hints.append("seed=None must draw fresh noise: np.random.default_rng(None)")
    _settle(sum(parts), messages, hints)


@pytest.mark.weight(0.05)
def test_x_itself_is_left_unchanged(answer, inputs, hint):
    """x itself is left unchanged"""
    after = answer.array("inplace")
    assert after is not None, _error(answer, "inplace", "add_noise(x, seed=6)")
    unchanged = np.array_equal(after, inputs["random"])
    if not unchanged:
        hint("return a new array (x + noise), do not modify x in place (x += ...)")
    assert unchanged, f"x changed after the call: {fmt(after)}"
