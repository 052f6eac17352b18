"""The checks of ``vae_loss(x, y, z_mean, z_log_var, beta=1.0)``, one pytest test per check.

Each test reads what the student's function returned on the grader's seeded inputs
(``answer``, collected in the sandbox by ``grader.collect.vae_loss``, the submission's
``reconstruction_loss`` and ``kl_divergence`` relayed to the reference meanwhile) and compares
it with the grader's NumPy negative ELBO mean(reconstruction + beta * KL)
(``grader.checks.vae_loss.expected_vae_loss``): at the default beta, and with beta = 0, 0.5
and 4. A failed assert loses the test's weight; its message is the "got ..., expected ..." the
student reads, and a recognised wrong combination (batch sum, KL subtracted, a missing term,
swapped arguments, beta ignored or on the wrong term) sets the hint.
"""

from __future__ import annotations

import pytest

from grader.checks._common import Case, close, error_text, judge_values
from grader.checks._loss_checks import assert_compiled, assert_shape, assert_values
from grader.checks.vae_loss import (
    CALL,
    beta_mistakes,
    expected_vae_loss,
    mistakes,
)
from grader.collect.vae_loss import BETAS, beta_key
from grader.pytest_plugin import Partial

pytestmark = pytest.mark.question("vae_loss")

GENERIC = (
    "return one number: the batch mean of reconstruction_loss(x, y) + "
    "kl_divergence(z_mean, z_log_var), calling your own two functions"
)
BETA_GENERIC = "weigh the KL term by beta: the batch mean of reconstruction + beta * KL"
BETA_KEYWORD = (
    "vae_loss takes the keyword beta, as in the handout: vae_loss(x, y, z_mean, z_log_var, "
    "beta=1.0), and returns mean(reconstruction + beta * KL)"
)
BETA_IGNORED = (
    "beta is ignored: you return the same value for every beta; the KL term is weighted by it, "
    "mean(reconstruction + beta * KL)"
)


def _args(inputs) -> tuple:
    return inputs["x"], inputs["y"], inputs["mu"], inputs["lv"]


def _case(inputs) -> Case:
    args = _args(inputs)
    label = "random x, y, z_mean, z_log_var"
    return Case("random", label, expected_vae_loss(*args), mistakes(*args))


@pytest.mark.weight(0.2)
def test_returns_a_scalar(answer, inputs, hint):
    """returns a scalar (the batch mean)"""
    assert_shape(answer, _case(inputs), CALL, hint)


@pytest.mark.weight(0.4)
def test_value_is_the_mean_of_reconstruction_plus_kl(answer, inputs, hint):
    """value matches mean(reconstruction_loss(x, y) + kl_divergence(mu, lv))"""
    assert_values(answer, _case(inputs), CALL, hint, GENERIC)


@pytest.mark.weight(0.2)
@pytest.mark.hint(
    "use keras.ops (ops.mean), not NumPy, so that vae_loss works inside a compiled step"
)
def test_works_inside_a_compiled_function(answer):
    """works on symbolic tensors inside a compiled function"""
    assert_compiled(answer, "vae_loss on symbolic tensors")


def _own_mistake(answer, args) -> int | None:
    """The index of the known mistake the default call's value makes (so that the same
    mistake, with the KL term weighted right, is not charged again here), or None."""
    case = Case("random", "", expected_vae_loss(*args), mistakes(*args))
    default = answer.array("random")
    if default is None or judge_values(default, case.expected, [])[0]:
        return None
    for index, mistake in enumerate(case.mistakes):
        if judge_values(default, case.expected, [mistake])[2]:
            return index
    return None


@pytest.mark.weight(0.2)
def test_weighs_the_kl_term_by_beta(answer, inputs, hint):
    """weighs the KL term by beta"""
    args = _args(inputs)
    own, default = _own_mistake(answer, args), answer.array("random")
    failures: dict[str, list[str]] = {}  # what went wrong -> the betas it went wrong for
    found: list[str] = []
    for beta in BETAS:
        key, want = beta_key(beta), expected_vae_loss(*args, beta)
        got = answer.array(key)
        if got is None:
            error = answer.error(key)
            text = error_text(answer, key, "vae_loss(..., beta=...)") or "no value returned"
            failures.setdefault(text, []).append(f"{beta:g}")
            if error is not None and error.type == "TypeError" and "beta" in error.message:
                found.append(BETA_KEYWORD)
            continue
        if judge_values(got, want, [])[0]:
            continue
        if own is not None and judge_values(got, mistakes(*args, beta)[own].values, [])[0]:
            continue  # the default call's mistake, already charged, with beta used right
        _, message, named, _ = judge_values(got, want, beta_mistakes(*args, beta))
        if not named and default is not None and close(got, default):
            named = BETA_IGNORED
        failures.setdefault(message, []).append(f"{beta:g}")
        found.append(named or BETA_GENERIC)
    if found:
        hint(found[0])
    if failures:
        lost = sum(len(betas) for betas in failures.values())
        message = "; ".join(f"beta = {', '.join(b)}: {text}" for text, b in failures.items())
        raise Partial(1 - lost / len(BETAS), message)
