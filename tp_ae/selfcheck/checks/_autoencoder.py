"""Shared by build_mlp_autoencoder and build_conv_autoencoder.

Built with z_dim = 2 and 10: three Models returned; encoder (N, 28, 28, 1) -> (N, z_dim);
decoder (N, z_dim) -> (N, 28, 28, 1) in [0, 1]; autoencoder = decoder(encoder(x)); the
handout's layers (prepared), fed as in the handout where the layer graph was recorded, and
parameter counts (prepared).
"""

from __future__ import annotations

import numpy as np

from tp_ae.selfcheck import builds, judge
from tp_ae.selfcheck.checks import Environment
from tp_ae.selfcheck.checks._models import (
    architecture_hint,
    build_error,
    decoder_check,
    returned_check,
)
from tp_ae.selfcheck.collect import _autoencoder
from tp_ae.selfcheck.data import QuestionData
from tp_ae.selfcheck.recorder import Recorder
from tp_ae.selfcheck.results import CheckResult

MAIN_KEYS = ("z2.build", "z10.build")
NAMES = _autoencoder.NAMES


def _z_dims(data: QuestionData) -> list[int]:
    return list(data.setting("z_dims"))


def _call(data: QuestionData, z_dim: int) -> str:
    return f"{data.question_id}(z_dim={z_dim})"


def collect(fn, data: QuestionData, rec: Recorder, env: Environment) -> None:
    """The grader's collector (:mod:`tp_ae.selfcheck.collect._autoencoder`)."""
    _autoencoder.collect(fn, data.arrays, rec)


def score(data: QuestionData, rec: Recorder) -> list[CheckResult]:
    n = len(data.arrays["x"])
    calls = [(f"z{z}", _call(data, z)) for z in _z_dims(data)]
    return [
        returned_check(data, rec, 0, calls, NAMES, "3 keras.Model objects", "returned"),
        _encoder(data, rec, n),
        decoder_check(
            data,
            rec,
            2,
            n,
            _z_dims(data),
            lambda z: build_error(rec, f"z{z}", _call(data, z)),
            data.hint("sigmoid"),
        ),
        _composition(data, rec, n),
        _layers(data, rec),
        _params(data, rec),
    ]


def _encoder(data: QuestionData, rec: Recorder, n: int) -> CheckResult:
    parts, messages, same = builds.code_shapes(
        rec,
        _z_dims(data),
        n,
        lambda z_dim: (
            judge.error_text(rec, f"z{z_dim}.encoded", "encoder(x)")
            or build_error(rec, f"z{z_dim}", _call(data, z_dim))
        ),
    )
    hint = ""
    if same:
        hint = data.hint("z_dim")
    elif not all(parts):
        hint = data.hint("encoder")
    return CheckResult(
        data.name(1),
        data.weight(1),
        float(np.mean(parts)),
        "; ".join(m for m in messages if m),
        hint,
    )


def _composition(data: QuestionData, rec: Recorder, n: int) -> CheckResult:
    name, weight = data.name(3), data.weight(3)
    got, want = rec.array("z10.reconstructed"), rec.array("z10.composed")
    if got is None:
        message = judge.error_text(rec, "z10.reconstructed", "autoencoder(x)")
        return CheckResult(name, weight, 0.0, message or "no model to call")
    shape_ok = got.shape == (n, 28, 28, 1)
    if want is None or not judge.close(got, want, rtol=1e-4, atol=1e-5) or not shape_ok:
        message = f"got shape {judge.shape_text(got.shape)}"
        if want is not None:
            message += f", decoder(encoder(x)) has shape {judge.shape_text(want.shape)}"
            if got.shape == want.shape:
                message = "autoencoder(x) differs from decoder(encoder(x))"
        again = rec.array("z10.reconstructed.again")
        if (
            again is not None
            and again.shape == got.shape
            and not judge.close(got, again, 1e-6, 1e-7)
        ):
            # evidence: the same x gives two different outputs, so the model is random
            spread = float(np.max(np.abs(np.float64(got) - again)))
            message += f"; two calls of autoencoder(x) differ by up to {spread:.3g}"
            return CheckResult(name, weight, 0.0, message, data.hint("random_at_inference"))
        return CheckResult(name, weight, 0.0, message, data.hint("composition"))
    return CheckResult(name, weight, 1.0)


def _layers(data: QuestionData, rec: Recorder) -> CheckResult:
    """The handout's layers in order and, where the layer graph was recorded, fed as in the
    handout (a graph finding is the hint: it is a fact of the graph)."""
    handout = [(model, data.spec["layers"][model]) for model in ("encoder", "decoder")]
    parts, messages, findings = builds.autoencoder_layers(rec, handout)
    hint = ""
    if not all(parts):
        hint = findings[0] if findings else architecture_hint(data, messages)
    return CheckResult(
        data.name(4), data.weight(4), float(np.mean(parts)), "; ".join(messages), hint
    )


def _params(data: QuestionData, rec: Recorder) -> CheckResult:
    counts = data.spec["params"]
    expected = [
        (z, f"z_dim={z}", tuple(counts[m][str(z)] for m in builds.MODELS)) for z in _z_dims(data)
    ]
    right, messages = builds.param_counts(rec, expected)
    text = "; ".join(messages[:2]) + ("; ..." if len(messages) > 2 else "")
    hint = "" if all(right) else data.hint("params")
    return CheckResult(data.name(5), data.weight(5), float(np.mean(right)), text, hint)
