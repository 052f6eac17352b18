"""kl_divergence(z_mean, z_log_var): per-sample KL, nats.

Random inputs with two latent sizes (against the prepared expected outputs and the outputs of
the known mistakes), zeros, log-variances in [-8, 8], and a call on symbolic tensors inside a
compiled function, as ``vae.fit`` makes.
"""

from __future__ import annotations

import numpy as np

from tp_ae.selfcheck import judge
from tp_ae.selfcheck.checks import Environment
from tp_ae.selfcheck.collect import kl_divergence as collector
from tp_ae.selfcheck.data import QuestionData
from tp_ae.selfcheck.recorder import Recorder
from tp_ae.selfcheck.results import CheckResult

CASES = collector.CASES
MAIN_KEYS = CASES
CALL = "kl_divergence(z_mean, z_log_var)"


def collect(fn, data: QuestionData, rec: Recorder, env: Environment) -> None:
    """The grader's collector (:mod:`tp_ae.selfcheck.collect.kl_divergence`)."""
    collector.collect(fn, data.arrays, rec)


def score(data: QuestionData, rec: Recorder) -> list[CheckResult]:
    cases = [
        judge.Case(
            key,
            f"inputs {data.arrays[f'{key}.mu'].shape}",
            data.arrays[f"expected.{key}"],
            data.known_mistakes(key),
        )
        for key in ("random", "small")
    ]
    shape, values, right = judge.shape_and_values(
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
        "kl_divergence on symbolic tensors",
        data.hint("compiled"),
    )
    return [shape, values, _edges(data, rec, right), compiled]


def _edges(data: QuestionData, rec: Recorder, formula_right: bool) -> CheckResult:
    """0 at mu = 0, lv = 0; finite for |lv| <= 8, and right when the formula is."""
    parts, messages = [], []
    zeros = rec.array("zeros")
    if zeros is None:
        parts.append(0.0)
        messages.append(judge.error_text(rec, "zeros", CALL) or "no value returned")
    else:
        ok = bool(np.all(np.abs(np.float64(zeros)) < 1e-5))
        parts.append(float(ok))
        if not ok:
            messages.append(f"mu = 0, lv = 0: got {judge.fmt(zeros)}, expected 0 for every sample")
    large, want = rec.array("large"), data.arrays["expected.large"]
    if large is None:
        parts.append(0.0)
        messages.append(judge.error_text(rec, "large", CALL) or "no value returned")
    elif not np.all(np.isfinite(np.float64(large))):
        parts.append(0.0)
        messages.append(f"lv in [-8, 8]: got {judge.fmt(large)}, expected finite values")
    elif formula_right and not judge.judge(large, want, [], rtol=1e-3)[0]:
        parts.append(0.0)
        messages.append(f"lv in [-8, 8]: got {judge.fmt(large)}, expected {judge.fmt(want)}")
    else:
        parts.append(1.0)
    hint = "" if all(parts) else data.hint("edges")
    return CheckResult(
        data.name(2), data.weight(2), float(np.mean(parts)), "; ".join(messages), hint
    )
