"""add_noise(x, sigma=20/255, seed=None): x + N(0, sigma^2) per pixel, clipped to [0, 1].

Statistics of the noise on a mid-grey image (mean, sd, share within one sd, independence
between images), the sigma argument, clipping on black and white images, seeding, float32 and
x's shape, x left unchanged. The thresholds and hints are the grader's (prepared data).
"""

from __future__ import annotations

import numpy as np

from tp_ae.selfcheck import judge, noise
from tp_ae.selfcheck.checks import Environment
from tp_ae.selfcheck.collect import add_noise
from tp_ae.selfcheck.data import QuestionData
from tp_ae.selfcheck.recorder import Recorder
from tp_ae.selfcheck.results import CheckResult

MAIN_KEYS = ("grey.seed0", "grey.seed0.again", "grey.seed1", "sigma", "black", "white")
CALL = "add_noise(x, seed=0)"


def collect(fn, data: QuestionData, rec: Recorder, env: Environment) -> None:
    """The grader's collector (:mod:`tp_ae.selfcheck.collect.add_noise`) on the prepared inputs."""
    add_noise.collect(fn, data.arrays, rec)


def score(data: QuestionData, rec: Recorder) -> list[CheckResult]:
    return [
        _shape_dtype(data, rec),
        _statistics(data, rec),
        _sigma(data, rec),
        _clipping(data, rec),
        _seeding(data, rec),
        _unchanged(data, rec),
    ]


def _check(data, index, fraction, messages, hints) -> CheckResult:
    return CheckResult(
        data.name(index),
        data.weight(index),
        float(fraction),
        "; ".join(messages),
        "; ".join(dict.fromkeys(hints)),
    )


def _shape_dtype(data: QuestionData, rec: Recorder) -> CheckResult:
    got = rec.array("grey.seed0")
    if got is None:
        return _check(data, 0, 0.0, [judge.error_text(rec, "grey.seed0", CALL)], [])
    messages, hints, parts = [], [], []
    want = data.arrays["grey"].shape
    parts.append(got.shape == want)
    if got.shape != want:
        messages.append(
            f"got shape {judge.shape_text(got.shape)}, expected {judge.shape_text(want)}"
        )
        hints.append(data.hint("shape"))
    dtype = rec.get("grey.seed0.dtype")
    parts.append(dtype == "float32")
    if dtype != "float32":
        messages.append(f"got dtype {dtype}, expected float32")
        hints.append(data.hint("dtype"))
    return _check(data, 0, np.mean(parts), messages, hints)


def _noise(rec: Recorder, key: str) -> np.ndarray | None:
    got = rec.array(key)
    return None if got is None else np.float64(got) - 0.5


def _statistics(data: QuestionData, rec: Recorder) -> CheckResult:
    sigma, gauss = data.setting("sigma"), data.setting("gauss_within_1sd")
    noise = _noise(rec, "grey.seed0")
    if noise is None:
        return _check(data, 1, 0.0, [judge.error_text(rec, "grey.seed0", CALL)], [])
    if noise.shape != data.arrays["grey"].shape:
        return _check(
            data, 1, 0.0, [f"got shape {judge.shape_text(noise.shape)}, cannot compare"], []
        )
    mean, sd = float(noise.mean()), float(noise.std())
    parts, messages, hints = [], [], []
    fingerprint = _fingerprint(data, rec, noise)  # a slip recognised by its output, or ""
    if fingerprint:
        hints.append(fingerprint)
    parts.append(abs(mean) < 0.003)  # se = sigma / sqrt(25088) = 0.0005
    if not parts[-1]:
        messages.append(f"noise mean: got {mean:.4g}, expected 0")
        if not fingerprint:
            hints.append(data.hint("mean"))
    sd_ok = abs(sd / sigma - 1) < 0.05
    parts.append(sd_ok)
    if not sd_ok:
        messages.append(f"noise sd: got {sd:.4g}, expected sigma = 20/255 = {sigma:.4g}")
        if not fingerprint:
            hints.append(_sd_hint(data, sd))
    if sd > 0:
        within = float(np.mean(np.abs(noise - mean) < sd))
        parts.append(abs(within - gauss) < 0.02)
        if not parts[-1]:
            messages.append(
                f"share of the noise within one sd: got {within:.3f}, "
                f"expected {gauss:.3f} for Gaussian noise"
            )
            if not fingerprint and sd_ok and _looks_uniform(noise):  # unclipped, flat-topped
                hints.append(data.hint("gaussian"))
        per_pixel = float(noise.std(axis=0).mean())
        parts.append(abs(per_pixel / sd - 1) < 0.1)
        if not parts[-1]:
            messages.append(
                f"noise sd across images at a fixed pixel: got {per_pixel:.4g}, expected {sd:.4g}"
            )
            if not fingerprint:
                hints.append(data.hint("independent"))
    else:
        parts.append(False)
    return _check(data, 1, np.mean(parts), messages, hints)


def _looks_uniform(noise: np.ndarray) -> bool:
    """Excess kurtosis near a uniform's -1.2 (a Gaussian: 0; 25,088 draws, se 0.03)."""
    centred = (noise - noise.mean()) / noise.std()
    return abs(float(np.mean(centred**4)) - 3 + 1.2) < 0.3


def _fingerprint(data: QuestionData, rec: Recorder, noise: np.ndarray) -> str:
    """The hint of a mistake whose output has an unmistakable shape, else ""."""
    sd = float(noise.std())
    if sd < 1e-7 and abs(float(noise.mean())) > 1e-7:
        return data.hint("one_value").format(value=f"{float(noise.mean()):.3g}")
    zeroed = float(np.mean(np.isclose(noise, -0.5)))
    unchanged = float(np.mean(noise == 0))
    if zeroed > 0.02 and zeroed + unchanged > 0.98:
        return data.hint("masking").format(share=f"{zeroed:.0%}")
    black = rec.array("black")
    if sd > 1e-7 and black is not None and float(np.abs(np.float64(black)).max()) == 0.0:
        return data.hint("multiplied")
    return ""


def _sd_hint(data: QuestionData, sd: float) -> str:
    """The hint of the known mistake whose noise sd this is (prepared: sd values, hints)."""
    for mistake in data.spec["sd_mistakes"]:
        low, high = mistake.get("below"), mistake.get("above")
        if low is not None and sd < low or high is not None and sd > high:
            return mistake["hint"]
        if "sd" in mistake and abs(sd / mistake["sd"] - 1) < mistake["rtol"]:
            return mistake["hint"]
    return data.hint("sd")


def _sigma(data: QuestionData, rec: Recorder) -> CheckResult:
    wanted = data.setting("sigma_test")
    noise = _noise(rec, "sigma")
    if noise is None:
        call = f"add_noise(x, sigma={wanted:g}, seed=3)"
        return _check(data, 2, 0.0, [judge.error_text(rec, "sigma", call)], [])
    sd = float(noise.std())
    ok = abs(sd / wanted - 1) < 0.05
    message = [] if ok else [f"noise sd with sigma={wanted:g}: got {sd:.4g}, expected {wanted:g}"]
    default = _noise(rec, "grey.seed0")
    default_sd = float(default.std()) if default is not None else float("nan")
    sigma = data.setting("sigma")
    # evidence of a hard-coded sigma: the default gives sd 20/255 and sigma=0.1 gives it too
    hard_coded = not ok and abs(default_sd / sigma - 1) < 0.05 and abs(sd / default_sd - 1) < 0.05
    return _check(data, 2, ok, message, [data.hint("sigma")] if hard_coded else [])


def _clipping(data: QuestionData, rec: Recorder) -> CheckResult:
    def clip_only() -> str:
        grey = _noise(rec, "grey.seed0")
        if grey is None or not _fingerprint(data, rec, grey):  # else the noise is the slip
            return data.hint("clip_only")
        return ""

    fraction, messages, hints = noise.clipping(
        rec,
        lambda key: judge.error_text(rec, key, f"add_noise({key} image)"),
        data.hint("clip"),
        clip_only,
    )
    return _check(data, 3, fraction, messages, hints)


def _seeding(data: QuestionData, rec: Recorder) -> CheckResult:
    first, again, other = (rec.array(k) for k in ("grey.seed0", "grey.seed0.again", "grey.seed1"))
    none1, none2 = rec.array("grey.none1"), rec.array("grey.none2")
    parts, messages, hints = [], [], []
    same = first is not None and again is not None and np.array_equal(first, again)
    parts.append(0.5 * same)
    if not same:
        messages.append("two calls with seed=0 gave different noise")
        hints.append(data.hint("same_seed"))
    differ = first is not None and other is not None and not np.array_equal(first, other)
    parts.append(0.25 * differ)
    if not differ:
        messages.append("seed=0 and seed=1 gave the same noise")
        hints.append(data.hint("other_seed"))
    fresh = none1 is not None and none2 is not None and not np.array_equal(none1, none2)
    parts.append(0.25 * fresh)
    if not fresh:
        messages.append("two calls with seed=None gave the same noise")
        hints.append(data.hint("fresh"))
    return _check(data, 4, sum(parts), messages, hints)


def _unchanged(data: QuestionData, rec: Recorder) -> CheckResult:
    after = rec.array("inplace")
    if after is None:
        return _check(data, 5, 0.0, [judge.error_text(rec, "inplace", "add_noise(x, seed=6)")], [])
    ok = np.array_equal(after, data.arrays["random"])
    message = [] if ok else [f"x changed after the call: {judge.fmt(after)}"]
    return _check(data, 5, ok, message, [] if ok else [data.hint("inplace")])
