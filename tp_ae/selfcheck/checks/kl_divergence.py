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
        data.name(4),
        data.weight(4),
        "kl_divergence on symbolic tensors",
        data.hint("compiled"),
    )
    return [shape, values, _zeros(data, rec), _large(data, rec, right), compiled]


def _zeros(data: QuestionData, rec: Recorder) -> CheckResult:
    """0 at mu = 0, lv = 0 (the grader's test_zero_when_the_posterior_is_the_prior)."""
    zeros, message = rec.array("zeros"), ""
    if zeros is None:
        message = judge.error_text(rec, "zeros", CALL) or "no value returned"
    elif not np.all(np.abs(np.float64(zeros)) < 1e-5):
        message = f"mu = 0, lv = 0: got {judge.fmt(zeros)}, expected 0 for every sample"
    hint = data.hint("edges") if message else ""
    return CheckResult(data.name(2), data.weight(2), 0.0 if message else 1.0, message, hint)


def _large(data: QuestionData, rec: Recorder, formula_right: bool) -> CheckResult:
    """Finite for |lv| <= 8, and right when the formula is (the grader's
    test_finite_and_right_for_large_log_variances)."""
    large, want, message = rec.array("large"), data.arrays["expected.large"], ""
    if large is None:
        message = judge.error_text(rec, "large", CALL) or "no value returned"
    elif not np.all(np.isfinite(np.float64(large))):
        message = f"lv in [-8, 8]: got {judge.fmt(large)}, expected finite"
    elif formula_right and not judge.judge(large, want, [], rtol=1e-3)[0]:
        message = f"lv in [-8, 8]: got {judge.fmt(large)}, expected {judge.fmt(want)}"
    hint = data.hint("edges") if message else ""
    return CheckResult(data.name(3), data.weight(3), 0.0 if message else 1.0, message, hint)
