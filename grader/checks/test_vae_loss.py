"""The checks of ``vae_loss(x, y, z_mean, z_log_var)``, one pytest test per check.

Each test reads what the student's function returned on the grader's seeded inputs
(``answer``, collected in the sandbox by ``grader.collect.vae_loss``, the submission's
``reconstruction_loss`` and ``kl_divergence`` relayed to the reference meanwhile) and compares
it with the grader's NumPy negative ELBO mean(reconstruction + KL)
(``grader.checks.vae_loss.expected_vae_loss``). A failed assert loses the test's weight; its
message is the "got ..., expected ..." the student reads, and a recognised wrong combination
(batch sum, KL subtracted, a missing term, swapped arguments) sets the hint.
"""

from __future__ import annotations

import pytest

from grader.checks._common import Case
from grader.checks._loss_checks import assert_compiled, assert_shape, assert_values
from grader.checks.vae_loss import CALL, expected_vae_loss, mistakes

pytestmark = pytest.mark.question("vae_loss")

GENERIC = "return ops.mean(reconstruction_loss(x, y) + kl_divergence(mu, lv))"


def _case(inputs) -> Case:
    args = inputs["x"], inputs["y"], inputs["mu"], inputs["lv"]
    label = "random x, y, z_mean, z_log_var"
    return Case("random", label, expected_vae_loss(*args), mistakes(*args))


@pytest.mark.weight(0.25)
def test_returns_a_scalar(answer, inputs, hint):
    """returns a scalar (the batch mean)"""
    assert_shape(answer, _case(inputs), CALL, hint)


@pytest.mark.weight(0.5)
def test_value_is_the_mean_of_reconstruction_plus_kl(answer, inputs, hint):
    """value matches mean(reconstruction_loss(x, y) + kl_divergence(mu, lv))"""
    assert_values(answer, _case(inputs), CALL, hint, GENERIC)


@pytest.mark.weight(0.25)
@pytest.mark.hint(
    "use keras.ops (ops.mean), not NumPy, so that vae_loss works inside a compiled step"
)
def test_works_inside_a_compiled_function(answer):
    """works on symbolic tensors inside a compiled function"""
    assert_compiled(answer, "vae_loss on symbolic tensors")
