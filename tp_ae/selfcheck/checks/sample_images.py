"""sample_images(decoder, n_images, z_dim=10, seed=None): decode z ~ N(0, I).

The decoder handed to the student's function is a probe: a ``keras.Model`` whose image carries
sigmoid(z) in its first z_dim pixels (0.5 elsewhere), so the check reads back which z were
decoded, however the decoder is called. Returned images (type, shape, dtype, range), z ~ N(0, I)
of the right size, seeding.
"""

from __future__ import annotations

import numpy as np

from tp_ae.selfcheck import judge
from tp_ae.selfcheck.checks import Environment
from tp_ae.selfcheck.collect import sample_images
from tp_ae.selfcheck.data import QuestionData
from tp_ae.selfcheck.recorder import Recorder
from tp_ae.selfcheck.results import CheckResult

MAIN_KEYS = ("seed7", "seed7.again", "seed8", "default")


def _settings(data: QuestionData) -> tuple[int, int, int]:
    return data.setting("z_dim"), data.setting("n_images"), data.setting("kept_pixels")


def collect(fn, data: QuestionData, rec: Recorder, env: Environment) -> None:
    """The grader's collector (:mod:`tp_ae.selfcheck.collect.sample_images`)."""
    sample_images.collect(fn, data.arrays, rec)


def score(data: QuestionData, rec: Recorder) -> list[CheckResult]:
    return [_returned(data, rec), _latents(data, rec), _seeding(data, rec)]


def _call(data: QuestionData) -> str:
    z_dim, n_images, _ = _settings(data)
    return f"sample_images(decoder, {n_images}, z_dim={z_dim}, seed=7)"


def _error(data: QuestionData, rec: Recorder, key: str) -> str:
    call = _call(data)
    return judge.error_text(rec, key, call) or judge.error_text(rec, key + ".all", call)


def _returned(data: QuestionData, rec: Recorder) -> CheckResult:
    _, n_images, _ = _settings(data)
    parts, messages, hints = [], [], []
    for key, n in (("seed7", n_images), ("default", 5)):
        shape = rec.get(f"{key}.shape")
        if shape is None:
            parts.append(0.0)
            messages.append(_error(data, rec, key) or "no images returned")
            continue
        kind, dtype = rec.get(f"{key}.type"), rec.get(f"{key}.dtype")
        low, high = rec.get(f"{key}.range")
        want = (n, 28, 28, 1)
        conditions = {
            "type": kind == "numpy.ndarray",
            "shape": tuple(shape) == want,
            "dtype": dtype == "float32",
            "range": 0.0 <= low and high <= 1.0,
        }
        parts.append(sum(conditions.values()) / len(conditions))
        texts = {
            "type": f"got a {kind}, expected numpy.ndarray",
            "shape": f"got shape {judge.shape_text(shape)}, expected {judge.shape_text(want)}",
            "dtype": f"got dtype {dtype}, expected float32",
            "range": f"got values in [{low:.3g}, {high:.3g}], expected [0, 1]",
        }
        for condition, ok in conditions.items():
            if not ok:
                messages.append(texts[condition])
                hints.append(data.hint(condition))
    return CheckResult(
        data.name(0),
        data.weight(0),
        float(np.mean(parts)),
        "; ".join(dict.fromkeys(messages)),
        "; ".join(dict.fromkeys(hints)),
    )


def _latents(data: QuestionData, rec: Recorder) -> CheckResult:
    z_dim, n_images, kept = _settings(data)
    gauss = data.setting("gauss_within_1sd")
    name, weight = data.name(1), data.weight(1)
    pixels = rec.array("seed7")
    if pixels is None or pixels.shape != (n_images, kept):
        message = _error(data, rec, "seed7") or "no images to read z from"
        hint = data.hint("z_dim") if "z_dim" in message else ""
        return CheckResult(name, weight, 0.0, message, hint)
    y = np.clip(pixels[:, :z_dim], 1e-7, 1 - 1e-7)
    z = np.log(y) - np.log1p(-y)  # the probe's sigmoid undone
    mean, sd = float(z.mean()), float(z.std())
    within = float(np.mean(np.abs(z - mean) < sd)) if sd > 0 else 0.0
    if not np.allclose(pixels[:, z_dim:], 0.5, atol=1e-3):
        problem, hint = "the images are not the decoder's output", data.hint("not_output")
    elif abs(mean) > 0.15:
        problem = f"z has mean {mean:.3g}, expected 0"
        hint = data.hint("uniform") if 0.35 < mean < 0.65 else data.hint("mean")
    elif abs(sd - 1) > 0.12:
        problem, hint = f"z has sd {sd:.3g}, expected 1", data.hint("sd")
    elif abs(within - gauss) > 0.06:
        problem = f"{within:.0%} of z within one sd, expected 68% (Gaussian)"
        hint = data.hint("gaussian")
    else:
        return CheckResult(name, weight, 1.0)
    return CheckResult(name, weight, 0.0, problem, hint)


def _seeding(data: QuestionData, rec: Recorder) -> CheckResult:
    first, again, other = (rec.array(k) for k in ("seed7", "seed7.again", "seed8"))
    name, weight = data.name(2), data.weight(2)
    if first is None:
        return CheckResult(name, weight, 0.0, _error(data, rec, "seed7") or "no images returned")
    same = again is not None and np.array_equal(first, again)
    differ = other is not None and not np.array_equal(first, other)
    messages, hints = [], []
    if not same:
        messages.append("two calls with seed=7 gave different images")
        hints.append(data.hint("same_seed"))
    if not differ:
        messages.append("seed=7 and seed=8 gave the same images")
        hints.append(data.hint("other_seed"))
    return CheckResult(
        name, weight, 0.5 * same + 0.5 * differ, "; ".join(messages), "; ".join(hints)
    )
