"""reconstruction_loss(x, y): per-sample -log p(x | z) for a pixel-wise Bernoulli(y), nats.

Grey and binary images (against the prepared expected outputs and known mistakes), y exactly
0 or 1 (finite; about 0 where y == x), and a call on symbolic tensors inside a compiled
function.
"""

from __future__ import annotations

import numpy as np

from tp_ae.selfcheck import judge
from tp_ae.selfcheck.checks import Environment
from tp_ae.selfcheck.collect import reconstruction_loss as collector
from tp_ae.selfcheck.data import QuestionData
from tp_ae.selfcheck.recorder import Recorder
from tp_ae.selfcheck.results import CheckResult

CASES = collector.CASES
MAIN_KEYS = CASES
CALL = "reconstruction_loss(x, y)"


def collect(fn, data: QuestionData, rec: Recorder, env: Environment) -> None:
    """The grader's collector (:mod:`tp_ae.selfcheck.collect.reconstruction_loss`)."""
    collector.collect(fn, data.arrays, rec)


def score(data: QuestionData, rec: Recorder) -> list[CheckResult]:
    labels = {"random": "grey x", "binary": "binary x"}
    cases = [
        judge.Case(key, label, data.arrays[f"expected.{key}"], data.known_mistakes(key))
        for key, label in labels.items()
    ]
    shape, values, _ = judge.shape_and_values(
        rec,
        cases,
        CALL,
        (data.name(0), data.name(1)),
        (data.weight(0), data.weight(1)),
        data.hint("generic"),
    )
    compiled = judge.compiled_check(
        rec,
        data.name(3),
        data.weight(3),
        "reconstruction_loss on symbolic tensors",
        data.hint("compiled"),
    )
    return [shape, values, _edges(data, rec), compiled]


def _edges(data: QuestionData, rec: Recorder) -> CheckResult:
    """y exactly 0 or 1: finite; about 0 when y == x; positive when y == 1 - x."""
    parts, messages = [], []
    for key in ("perfect", "opposite"):
        got = rec.array(key)
        if got is None:
            parts.append(0.0)
            messages.append(judge.error_text(rec, key, CALL) or "no value returned")
            continue
        got = np.float64(got)
        per_image = got.reshape(len(got), -1).sum(axis=1) if got.ndim else got
        if not np.all(np.isfinite(got)):
            what = "y == x" if key == "perfect" else "y == 1 - x"
            parts.append(0.0)
            messages.append(
                f"{what} (exactly 0 and 1): got {judge.fmt(got)}, expected finite values"
            )
        elif key == "perfect" and np.any(np.abs(per_image) > 0.5):
            parts.append(0.0)
            messages.append(f"y == x (exactly 0 and 1): got {judge.fmt(got)}, expected about 0")
        elif key == "opposite" and np.any(per_image <= 0):
            parts.append(0.0)
            messages.append(f"y == 1 - x: got {judge.fmt(got)}, expected large positive values")
        else:
            parts.append(1.0)
    hint = "" if all(parts) else data.hint("edges")
    return CheckResult(
        data.name(2), data.weight(2), float(np.mean(parts)), "; ".join(messages), hint
    )
