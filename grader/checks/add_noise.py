"""add_noise(x, sigma=20/255, seed=None): x + N(0, sigma^2) per pixel, clipped to [0, 1].

On a mid-grey image (0.5, where clipping cannot bite) the noise must have mean 0, standard
deviation sigma, a Gaussian shape, and be independent from image to image; on black and white
images the result must be clipped; float32 and x's shape; the same seed gives the same noise,
other seeds other noise; ``x`` is left unchanged.
"""

from __future__ import annotations

import numpy as np

from grader.checks._common import check, error_text, fmt, shape_text
from grader.observations import Observations

QUESTION_ID = "add_noise"
SIGMA = 20 / 255
MAIN_KEYS = ("grey.seed0", "grey.seed0.again", "grey.seed1", "sigma", "black", "white")
CALL = "add_noise(x, seed=0)"
GAUSS_WITHIN_1SD = 0.6827  # P(|n| < sigma) for a Gaussian (0.577 for a uniform of that sd)


def make_inputs(rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Mid-grey (32, 28, 28, 1), black and white (8, 28, 28, 1), random (4, 28, 28, 1)."""
    f32 = np.float32
    return {
        "grey": np.full((32, 28, 28, 1), 0.5, f32),
        "black": np.zeros((8, 28, 28, 1), f32),
        "white": np.ones((8, 28, 28, 1), f32),
        "random": rng.random((4, 28, 28, 1)).astype(f32),
    }


def score(inputs: dict[str, np.ndarray], obs: Observations) -> list:
    """Shape/dtype (0.15), grey statistics (0.3), sigma used (0.1), clipping (0.2),
    seeding (0.2), x unchanged (0.05)."""
    return [
        _shape_dtype(inputs, obs),
        _statistics(inputs, obs),
        _sigma(inputs, obs),
        _clipping(obs),
        _seeding(obs),
        _unchanged(inputs, obs),
    ]


def _shape_dtype(inputs, obs: Observations):
    got = obs.array("grey.seed0")
    name = "returns float32 of x's shape"
    if got is None:
        return check(name, 0.15, False, error_text(obs, "grey.seed0", CALL))
    messages, hints, parts = [], [], []
    want_shape = inputs["grey"].shape
    parts.append(got.shape == want_shape)
    if got.shape != want_shape:
        messages.append(f"got shape {shape_text(got.shape)}, expected {shape_text(want_shape)}")
        hints.append("draw one noise value per pixel: rng.standard_normal(x.shape)")
    dtype = obs.get("grey.seed0.dtype")
    parts.append(dtype == "float32")
    if dtype != "float32":
        messages.append(f"got dtype {dtype}, expected float32")
        hints.append("return .astype(np.float32): NumPy's random draws are float64")
    return check(name, 0.15, float(np.mean(parts)), "; ".join(messages), "; ".join(hints))


def _noise(obs: Observations, key: str) -> np.ndarray | None:
    got = obs.array(key)
    return None if got is None else np.float64(got) - 0.5


def _statistics(inputs, obs: Observations):
    name = "mid-grey image: noise mean 0, sd 20/255, Gaussian, new for every pixel and image"
    noise = _noise(obs, "grey.seed0")
    if noise is None:
        return check(name, 0.3, False, error_text(obs, "grey.seed0", CALL))
    if noise.shape != inputs["grey"].shape:
        return check(name, 0.3, False, f"got shape {shape_text(noise.shape)}, cannot compare")
    mean, sd = float(noise.mean()), float(noise.std())
    parts, messages, hints = [], [], []
    fingerprint = _fingerprint(obs, noise)
    if fingerprint:
        hints.append(fingerprint)
    mean_ok = abs(mean) < 0.003  # se = sigma / sqrt(25088) = 0.0005
    parts.append(mean_ok)
    if not mean_ok:
        messages.append(f"noise mean: got {mean:.4g}, expected 0")
        if not fingerprint:
            hints.append("the noise must have mean 0: x + sigma * N(0, 1)")
    sd_ok = abs(sd / SIGMA - 1) < 0.05
    parts.append(sd_ok)
    if not sd_ok:
        messages.append(f"noise sd: got {sd:.4g}, expected sigma = 20/255 = {SIGMA:.4g}")
        if not fingerprint:
            hints.append(_sd_hint(sd))
    if sd > 0:
        within = float(np.mean(np.abs(noise - mean) < sd))
        shape_ok = abs(within - GAUSS_WITHIN_1SD) < 0.02
        parts.append(shape_ok)
        if not shape_ok:
            messages.append(
                f"share of the noise within one sd: got {within:.3f}, "
                f"expected {GAUSS_WITHIN_1SD:.3f} for Gaussian noise"
            )
            if not fingerprint and sd_ok and _looks_uniform(noise):  # unclipped, flat-topped
                hints.append("draw Gaussian noise (rng.normal / standard_normal), not uniform")
        per_pixel_sd = float(noise.std(axis=0).mean())
        independent = abs(per_pixel_sd / sd - 1) < 0.1
        parts.append(independent)
        if not independent:
            messages.append(
                f"noise sd across images at a fixed pixel: got {per_pixel_sd:.4g}, "
                f"expected {sd:.4g}"
            )
            if not fingerprint:
                hints.append(
                    "draw new noise for every image: noise of shape x.shape, not (28, 28, 1)"
                )
    else:
        parts.append(False)
    return check(name, 0.3, float(np.mean(parts)), "; ".join(messages), "; ".join(hints))


def _looks_uniform(noise: np.ndarray) -> bool:
    """Excess kurtosis near a uniform's -1.2 (a Gaussian: 0; 25,088 draws, se 0.03)."""
    centred = (noise - noise.mean()) / noise.std()
    return abs(float(np.mean(centred**4)) - 3 + 1.2) < 0.3


def _fingerprint(obs: Observations, noise: np.ndarray) -> str:
    """A hint for a mistake whose output has an unmistakable shape, else ""."""
    sd = float(noise.std())
    if sd < 1e-7 and abs(float(noise.mean())) > 1e-7:
        return (
            f"one noise value ({float(noise.mean()):.3g}) for the whole batch: draw one per "
            "pixel, noise of shape x.shape"
        )
    zeroed = float(np.mean(np.isclose(noise, -0.5)))
    unchanged = float(np.mean(noise == 0))
    if zeroed > 0.02 and zeroed + unchanged > 0.98:
        return (
            f"{zeroed:.0%} of the pixels are set to 0 and the rest left as they are (masking "
            "noise): add Gaussian noise, x + sigma * N(0, 1)"
        )
    black = obs.array("black")
    if sd > 1e-7 and black is not None and float(np.abs(np.float64(black)).max()) == 0.0:
        return (
            "the noise is multiplied by the image (a black image stays black): add it, "
            "x + sigma * N(0, 1)"
        )
    return ""


def _sd_hint(sd: float) -> str:
    if sd < 1e-6:
        return "no noise was added"
    if abs(sd / SIGMA**2 - 1) < 0.1:
        return "sigma is the standard deviation: multiply N(0, 1) by sigma, not sigma^2"
    if abs(sd / np.sqrt(SIGMA) - 1) < 0.1:
        return "sigma is the standard deviation: multiply N(0, 1) by sigma, not sqrt(sigma)"
    if sd > 0.3:
        return "images are in [0, 1]: the default sigma is 20/255, not 20"
    return "scale standard normal noise by sigma: x + sigma * rng.standard_normal(x.shape)"


def _sigma(inputs, obs: Observations):
    name = "the sigma argument is used (sigma = 0.1 gives sd 0.1)"
    noise = _noise(obs, "sigma")
    if noise is None:
        return check(name, 0.1, False, error_text(obs, "sigma", "add_noise(x, sigma=0.1, seed=3)"))
    sd = float(noise.std())
    ok = abs(sd / 0.1 - 1) < 0.05
    default = _noise(obs, "grey.seed0")
    default_sd = float(default.std()) if default is not None else float("nan")
    # evidence of a hard-coded sigma: the default gives sd 20/255 and sigma=0.1 gives it too
    hard_coded = not ok and abs(default_sd / SIGMA - 1) < 0.05 and abs(sd / default_sd - 1) < 0.05
    return check(
        name,
        0.1,
        ok,
        "" if ok else f"noise sd with sigma=0.1: got {sd:.4g}, expected 0.1",
        "use the sigma argument, not a hard-coded 20/255" if hard_coded else "",
    )


def _clipping(obs: Observations):
    name = "clipped to [0, 1] (about half the pixels of a black or white image stay at 0 or 1)"
    parts, messages, hints = [], [], []
    for key, bound in (("black", 0.0), ("white", 1.0)):
        got = obs.array(key)
        if got is None:
            parts.append(0.0)
            messages.append(error_text(obs, key, f"add_noise({key} image)"))
            continue
        got = np.float64(got)
        low, high = float(got.min()), float(got.max())
        at_bound = float(np.mean(got == bound))
        inside = low >= 0.0 and high <= 1.0
        clipped = abs(at_bound - 0.5) < 0.05
        parts.append((inside + clipped) / 2)
        if not inside:
            messages.append(f"{key} image: got values in [{low:.3g}, {high:.3g}], expected [0, 1]")
            hints.append("clip the result to [0, 1]: np.clip(x + noise, 0, 1)")
        elif not clipped:
            messages.append(
                f"{key} image: {at_bound:.0%} of pixels at {bound:g}, expected about 50% "
                "(half the noise is clipped)"
            )
            grey = _noise(obs, "grey.seed0")
            if grey is None or not _fingerprint(obs, grey):  # else the noise itself is the slip
                hints.append("clip (np.clip); do not rescale the image or take absolute values")
    hint = "; ".join(dict.fromkeys(hints))
    return check(name, 0.2, float(np.mean(parts)), "; ".join(messages), hint)


def _seeding(obs: Observations):
    name = "same seed, same noise; another seed or seed=None, other noise"
    first, again, other = (obs.array(k) for k in ("grey.seed0", "grey.seed0.again", "grey.seed1"))
    none1, none2 = obs.array("grey.none1"), obs.array("grey.none2")
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
    return check(name, 0.2, sum(parts), "; ".join(messages), "; ".join(hints))


def _unchanged(inputs, obs: Observations):
    name = "x itself is left unchanged"
    after = obs.array("inplace")
    if after is None:
        return check(name, 0.05, False, error_text(obs, "inplace", "add_noise(x, seed=6)"))
    ok = np.array_equal(after, inputs["random"])
    return check(
        name,
        0.05,
        ok,
        "" if ok else f"x changed after the call: {fmt(after)}",
        "" if ok else "return a new array (x + noise), do not modify x in place (x += ...)",
    )
