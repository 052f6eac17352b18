"""vae_loss (parent side, NumPy only): mean(reconstruction + beta * KL) gets full marks, each
wrong combination its own hint, the per-sample vector a shape fault only, NumPy code inside a
compiled function only the compiled check, and beta ignored, missing or on the wrong term
only the beta check, each with its own hint (the grader's pytest file, run through its
plugin)."""

from __future__ import annotations

import numpy as np
import pytest

from grader.checks import kl_divergence as kl_check
from grader.checks import reconstruction_loss as recon_check
from grader.checks import vae_loss as vae_loss_check
from grader.collect.vae_loss import BETAS, beta_key
from grader.observations import ErrorInfo, Observations

from .helpers import checked, fraction, hints

BETA_CHECK = "weighs the KL term by beta"


def vae_loss_observations(inputs, fn) -> Observations:
    """What the collector records for ``fn(x, y, mu, lv, beta)``: the default call (beta = 1),
    the compiled call, and one call per beta of BETAS."""
    args = inputs["x"], inputs["y"], inputs["mu"], inputs["lv"]
    value = np.asarray(fn(*args, 1.0))
    obs = Observations({"random": value, "compiled": value})
    for beta in BETAS:
        obs.put(beta_key(beta), np.asarray(fn(*args, beta)))
    return obs


def beta_check(checks):
    (check,) = [c for c in checks if c.name == BETA_CHECK]
    return check


def test_vae_loss_is_the_mean_of_reconstruction_plus_beta_kl(rng):
    """Is the right answer mean(recon + beta * KL), and is the per-sample vector only a shape
    fault?"""
    inputs = vae_loss_check.make_inputs(rng)
    right = checked(
        vae_loss_check, inputs, vae_loss_observations(inputs, vae_loss_check.expected_vae_loss)
    )
    assert fraction(right) == pytest.approx(1.0)
    assert sum(c.weight for c in right) == pytest.approx(1.0)

    def per_sample(x, y, mu, lv, beta):
        return recon_check.expected_loss(x, y) + beta * kl_check.expected_kl(mu, lv)

    checks = checked(vae_loss_check, inputs, vae_loss_observations(inputs, per_sample))
    assert [c.passed for c in checks] == [False, True, True, True]  # one mistake, charged once
    assert "batch mean, a scalar" in checks[0].hint
    assert "got shape (8,), expected ()" in checks[0].message


@pytest.mark.parametrize("index", range(8))
def test_each_classic_vae_loss_mistake_gets_its_own_hint(rng, index):
    """Is each wrong combination (sum, minus KL, missing term, swapped arguments) named, and
    charged once: with beta weighing its KL term, does the beta check pass?"""
    inputs = vae_loss_check.make_inputs(rng)

    def wrong(x, y, mu, lv, beta):
        return vae_loss_check.mistakes(x, y, mu, lv, beta)[index].values

    args = inputs["x"], inputs["y"], inputs["mu"], inputs["lv"]
    mistake = vae_loss_check.mistakes(*args)[index]
    checks = checked(vae_loss_check, inputs, vae_loss_observations(inputs, wrong))
    assert mistake.hint in hints(checks)
    assert fraction(checks) == pytest.approx(0.6)  # the value check only
    assert beta_check(checks).passed


def test_vae_loss_failing_on_symbolic_tensors_says_use_keras_ops(rng):
    """NumPy code that fails inside a compiled function: does only that check fail, hinting
    keras.ops?"""
    inputs = vae_loss_check.make_inputs(rng)
    obs = vae_loss_observations(inputs, vae_loss_check.expected_vae_loss)
    del obs.values["compiled"]
    obs.put_error("compiled", ErrorInfo("NotImplementedError", "Cannot convert a symbolic Tensor"))
    checks = checked(vae_loss_check, inputs, obs)
    assert fraction(checks) == pytest.approx(0.8)
    assert [c.passed for c in checks] == [True, True, False, True]
    assert "keras.ops" in checks[2].hint


def _right_at_one(inputs, fn):
    """The right answer at the default beta, ``fn`` for the beta calls."""

    def answer(x, y, mu, lv, beta):
        return (
            vae_loss_check.expected_vae_loss(x, y, mu, lv)
            if beta == 1.0
            else fn(x, y, mu, lv, beta)
        )

    return vae_loss_observations(inputs, answer)


@pytest.mark.parametrize(
    ("wrong", "hint"),
    [
        (lambda x, y, mu, lv, beta: vae_loss_check.expected_vae_loss(x, y, mu, lv), "is ignored"),
        (
            lambda x, y, mu, lv, beta: np.mean(
                beta * recon_check.expected_loss(x, y) + kl_check.expected_kl(mu, lv)
            ),
            "not the reconstruction",
        ),
        (
            lambda x, y, mu, lv, beta: beta * vae_loss_check.expected_vae_loss(x, y, mu, lv),
            "not the whole loss",
        ),
    ],
    ids=["ignored", "on_reconstruction", "on_the_whole_loss"],
)
def test_a_misused_beta_costs_the_beta_check_with_its_hint(rng, wrong, hint):
    """beta ignored (the beta = 1 value for every beta), on the reconstruction term or on the
    whole loss: is the beta check the only one lost, naming what was done?"""
    inputs = vae_loss_check.make_inputs(rng)
    checks = checked(vae_loss_check, inputs, _right_at_one(inputs, wrong))
    lost = [c for c in checks if not c.passed]
    assert [c.name for c in lost] == [BETA_CHECK]
    assert lost[0].fraction == 0
    assert hint in lost[0].hint
    assert "beta = 0, 0.5, 4: got" not in lost[0].message  # each beta says its own values
    assert "beta = 4: got" in lost[0].message
    assert fraction(checks) == pytest.approx(0.8)


def test_beta_zero_read_as_the_default_costs_a_third_of_the_beta_check(rng):
    """``beta = beta or 1.0`` (0 falls back to 1): only beta = 0 is wrong, a third of the
    check lost, with the values of that call in the message?"""
    inputs = vae_loss_check.make_inputs(rng)

    def falsy(x, y, mu, lv, beta):
        return vae_loss_check.expected_vae_loss(x, y, mu, lv, beta or 1.0)

    check = beta_check(checked(vae_loss_check, inputs, vae_loss_observations(inputs, falsy)))
    assert check.fraction == pytest.approx(2 / 3)
    assert check.message.startswith("beta = 0: got ")
    assert "is ignored" in check.hint


def test_a_vae_loss_without_beta_says_the_handout_has_the_keyword(rng):
    """The handout's four-argument vae_loss without beta: TypeError on the beta calls; is only
    the beta check lost, with the error said once and a hint naming the keyword?"""
    inputs = vae_loss_check.make_inputs(rng)
    obs = vae_loss_observations(inputs, vae_loss_check.expected_vae_loss)
    refused = ErrorInfo("TypeError", "vae_loss() got an unexpected keyword argument 'beta'")
    for beta in BETAS:
        del obs.values[beta_key(beta)]
        obs.put_error(beta_key(beta), refused)
    checks = checked(vae_loss_check, inputs, obs)
    check = beta_check(checks)
    assert fraction(checks) == pytest.approx(0.8)
    assert check.fraction == 0
    assert check.message.count("unexpected keyword argument 'beta'") == 1
    assert check.message.startswith("beta = 0, 0.5, 4: ")
    assert "beta=1.0" in check.hint


def test_nothing_recorded_fails_the_beta_check_without_a_guessed_hint(rng):
    """No value and no error for the beta calls: does the beta check fail with 'no value
    returned' and no hint of its own (nothing shows which mistake it is)?"""
    inputs = vae_loss_check.make_inputs(rng)
    check = beta_check(checked(vae_loss_check, inputs, Observations()))
    assert check.fraction == 0
    assert "no value returned" in check.message
    assert check.hint == ""


@pytest.fixture(scope="module")
def prepared(tmp_path_factory):
    """vae_loss's public checks as the release prepares them (grader/release/public_checks)."""
    from grader.config import load_config
    from grader.release.public_checks import write_public_checks
    from tp_ae.selfcheck.data import load_prepared

    folder = tmp_path_factory.mktemp("public_checks")
    write_public_checks(folder, load_config(None))
    return load_prepared(folder).questions["vae_loss"]


@pytest.mark.parametrize(
    "wrong",
    ["right", "ignored", "on_reconstruction", "beta_or_one", "sum", "sum_ignoring_beta", "no_kw"],
)
def test_the_release_self_check_judges_beta_as_the_grader(prepared, wrong):
    """On the release's prepared inputs, does the self-check (prepared values, no formula) give
    vae_loss the grader's points and hints, beta misused or not?"""
    from tp_ae.selfcheck.checks import vae_loss as self_check
    from tp_ae.selfcheck.recorder import ErrorInfo as SelfCheckError
    from tp_ae.selfcheck.recorder import Recorder

    inputs = {k: prepared.arrays[k] for k in ("x", "y", "mu", "lv")}
    answers = {
        "right": vae_loss_check.expected_vae_loss,
        "ignored": lambda x, y, mu, lv, beta: vae_loss_check.expected_vae_loss(x, y, mu, lv),
        "on_reconstruction": lambda x, y, mu, lv, beta: np.mean(
            beta * recon_check.expected_loss(x, y) + kl_check.expected_kl(mu, lv)
        ),
        "beta_or_one": lambda x, y, mu, lv, beta: vae_loss_check.expected_vae_loss(
            x, y, mu, lv, beta or 1.0
        ),
        "sum": lambda x, y, mu, lv, beta: vae_loss_check.mistakes(x, y, mu, lv, beta)[0].values,
        "sum_ignoring_beta": lambda x, y, mu, lv, beta: (
            vae_loss_check.mistakes(x, y, mu, lv)[0].values
        ),
        "no_kw": vae_loss_check.expected_vae_loss,
    }
    obs = vae_loss_observations(inputs, answers[wrong])
    record = Recorder(set())
    for key, value in obs.values.items():
        record.put(key, value)
    if wrong == "no_kw":
        message = "vae_loss() got an unexpected keyword argument 'beta'"
        for beta in BETAS:
            del obs.values[beta_key(beta)], record.values[beta_key(beta)]
            obs.put_error(beta_key(beta), ErrorInfo("TypeError", message))
            record.errors[beta_key(beta)] = SelfCheckError("TypeError", message)
    grader, release = checked(vae_loss_check, inputs, obs), self_check.score(prepared, record)
    assert fraction(release) == pytest.approx(fraction(grader))
    assert hints(release) == hints(grader)
    assert [(c.name, c.weight) for c in release] == [(c.name, c.weight) for c in grader]
