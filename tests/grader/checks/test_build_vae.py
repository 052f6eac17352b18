"""build_vae (parent side, NumPy only; checks shared with build_conv_vae in
grader.checks._vae_checks, run through the grader's pytest plugin): the sampler judged by its
draws, the fit by the negative ELBO, the layers and parameter counts."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from grader.checks import _vae, _vae_checks, check_module
from grader.observations import Observations
from grader.results import CheckResult

from .helpers import checked


def one_check(qid: str, test: Callable, obs: Observations, inputs=None) -> CheckResult:
    """The CheckResult of the shared check ``test`` (a function of grader.checks._vae_checks)
    when the grader's pytest file of ``qid`` runs on ``obs``."""
    module = check_module(qid)
    inputs = module.make_inputs(np.random.default_rng(0)) if inputs is None else inputs
    name = test.__doc__.strip().splitlines()[0]
    found = [c for c in checked(module, inputs, obs) if c.name == name]
    assert len(found) == 1, f"{qid}: {len(found)} checks named {name!r}"
    return found[0]


def reparameterisation(obs: Observations) -> CheckResult:
    return one_check("build_vae", _vae_checks.test_z_is_reparameterised, obs)


def training(inputs, obs: Observations) -> CheckResult:
    return one_check("build_vae", _vae_checks.test_fit_lowers_the_negative_elbo, obs, inputs)


def architecture(obs: Observations) -> CheckResult:
    return one_check("build_vae", _vae_checks.test_layers_and_parameter_counts, obs)


def reparam_observations(z_of) -> Observations:
    rng = np.random.default_rng(0)
    mu = np.repeat(1 + 0.1 * rng.normal(size=(8, 2)), 256, axis=0)
    lv = np.repeat(2 + 0.1 * rng.normal(size=(8, 2)), 256, axis=0)
    eps = rng.standard_normal(mu.shape)
    return Observations(
        {
            "reparam.mu": mu,
            "reparam.lv": lv,
            "reparam.z": z_of(mu, lv, eps),
            "reparam.shifted": True,
        }
    )


@pytest.mark.parametrize(
    ("z_of", "hint"),
    [
        (lambda mu, lv, eps: mu + np.exp(0.5 * lv) * eps, None),
        (lambda mu, lv, eps: mu + np.exp(lv) * eps, "exp(z_log_var), the variance"),
        (lambda mu, lv, eps: lv + np.exp(0.5 * mu) * eps, "swapped"),
        (lambda mu, lv, eps: mu, "z is not sampled"),
        (lambda mu, lv, eps: mu + np.exp(2 * lv) * eps, "exp(2 * z_log_var) (measured sd"),
        (
            lambda mu, lv, eps: mu + np.exp(0.5 * lv) * np.sqrt(12) * (norm_cdf(eps) - 0.5),
            "not uniform",
        ),
        (lambda mu, lv, eps: mu + 2 * np.exp(0.5 * lv) * eps, ""),
    ],
    ids=["right", "variance", "swapped", "no_sampling", "exp_2lv", "uniform", "unexplained"],
)
def test_reparameterisation_statistics_name_the_slip(z_of, hint):
    """Is z = mu + exp(lv / 2) eps accepted, each classic slip named (with the sd measured), and
    a slip with no fingerprint given only got/expected?"""
    check = reparameterisation(reparam_observations(z_of))
    assert check.passed == (hint is None)
    if hint:
        assert hint in check.hint
    elif hint == "":  # a slip with no fingerprint: got/expected only, no guessed hint
        assert check.hint == "" and "sd of z - z_mean: got" in check.message


def norm_cdf(x):
    from math import erf

    return 0.5 * (1 + np.vectorize(erf)(x / np.sqrt(2)))


def test_training_check_needs_a_lower_negative_elbo_and_a_consistent_fit_loss(rng):
    """Is a fit whose loss is the negative ELBO and goes down accepted, and a fit minimising
    something else (losses passed in the wrong order) caught?"""
    inputs = _vae.make_inputs(rng)
    x = inputs["train"][: _vae.EVAL_IMAGES]
    mu, lv = np.zeros((len(x), 10)), np.zeros((len(x), 10))
    values = {
        "train.before.reconstruction": np.full(x.shape, 0.5),
        "train.after.reconstruction": np.clip(x, 0.2, 0.8),
    }
    for tag in ("before", "after"):
        values[f"train.{tag}.z_mean"], values[f"train.{tag}.z_log_var"] = mu, lv
    before = _vae.negative_elbo(x, values["train.before.reconstruction"], mu, lv)
    assert before == pytest.approx(784 * np.log(2))
    good = Observations({**values, "train.history": {"loss": [before * 0.98, before * 0.9]}})
    assert training(inputs, good).passed
    swapped = Observations({**values, "train.history": {"loss": [3.0, 2.0]}})
    check = training(inputs, swapped)
    assert check.fraction == 0.5 and "got 3, expected about the negative ELBO" in check.message
    assert check.hint == ""  # the student's own class: no evidence of which slip
    given = {**values, "z10.vae.facts": {"type": "VAE"}, "train.history": {"loss": [3.0, 2.0]}}
    right_sampler = reparam_observations(lambda mu, lv, eps: mu + np.exp(0.5 * lv) * eps)
    wrong_sampler = reparam_observations(lambda mu, lv, eps: mu + np.exp(2 * lv) * eps)
    with_right = Observations({**given, **right_sampler.values})
    assert "in this order" in training(inputs, with_right).hint
    # a wrong sampler explains an odd fit loss too: no claim about the losses' order then
    with_wrong = Observations({**given, **wrong_sampler.values})
    assert training(inputs, with_wrong).hint == ""
    # a train_step that reports only total_loss (keras-io) is read the same as "loss"
    keras_io = Observations({**values, "train.history": {"total_loss": [before, before * 0.9]}})
    assert training(inputs, keras_io).passed
    # no VAE dict needed: without the encoder/decoder values there is no "VAE's dict" demand
    assert "dict" not in training(inputs, Observations()).message


@pytest.mark.parametrize("history", [[1.0, 2.0], "loss", {"loss": []}, {}])
def test_a_fit_history_that_is_no_dict_of_losses_fails_the_fit_half_without_a_crash(rng, history):
    """A history recorded as a list or a string (not Keras's dict of losses), or with no loss in
    it: is the training check failed with "fit reported no loss", never a grader error?"""
    inputs = _vae.make_inputs(rng)
    x = inputs["train"][: _vae.EVAL_IMAGES]
    values = {"train.before.reconstruction": np.full(x.shape, 0.5), "train.history": history}
    values["train.before.z_mean"] = values["train.before.z_log_var"] = np.zeros((len(x), 10))
    check = training(inputs, Observations(values))
    assert check.fraction == 0 and check.message == "fit reported no loss"


def test_vae_parameter_counts_follow_the_handout():
    """Are the MLP VAE's counts those of its Dense layers (784 -> 512 -> 2 x 10; 10 -> 512 ->
    784)?"""
    encoder, decoder = _vae.vae_params(10, 512)
    assert encoder == (784 * 512 + 512) + 2 * (512 * 10 + 10)
    assert decoder == (10 * 512 + 512) + (512 * 784 + 784)


def test_vae_architecture_ignores_the_samplers_class():
    """Is a Lambda (or any layer) producing z accepted where the handout has Sampling: the
    sampler is judged by its draws, the rest of the graph by its layers?"""
    encoder, decoder = _vae.vae_layers(10, 512)
    dense = {"class": "Dense", "units": 10, "activation": "linear"}
    enc = [
        {"class": "Flatten"},
        {"class": "Dense", "units": 512, "activation": "leaky_relu"},
        dense,
        dense,
        {"class": "Lambda"},
    ]
    dec = [
        {"class": "Dense", "units": 512, "activation": "leaky_relu"},
        {"class": "Dense", "units": 784, "activation": "sigmoid"},
        {"class": "Reshape", "target_shape": [28, 28, 1]},
    ]
    spec = check_module("build_vae").SPEC
    params = {}
    for z_dim, kwargs in spec.builds:
        e, d = _vae.vae_params(z_dim, kwargs.get("hidden_dim", 512))
        params[f"z{z_dim}.encoder.facts"] = {"params": e}
        params[f"z{z_dim}.decoder.facts"] = {"params": d}
    params["z10.encoder.facts"]["layers"] = enc
    params["z10.decoder.facts"]["layers"] = dec
    assert architecture(Observations({**params, "z10.sampler": 4})).passed
    check = architecture(Observations({**params, "z10.sampler": None}))
    assert not check.passed and "Lambda" in check.message
    assert encoder[-1] == "Sampling" and decoder[-1] == "Reshape(28, 28, 1)"


def encoder_graph_obs(inbound, outputs, layers=None) -> Observations:
    """build_vae's observations with the z10 encoder's layers and recorded graph only."""
    leaky = {"class": "LeakyReLU", "negative_slope": 0.2}
    head = {"class": "Dense", "units": 10, "activation": "linear"}
    if layers is None:
        layers = [
            {"class": "Flatten"},
            {**head, "units": 512},
            leaky,
            head,
            head,
            {"class": "Sampling"},
        ]
    graph = {"inbound": inbound, "outputs": outputs, "unused": []}
    return Observations(
        {
            "z10.encoder.facts": {"layers": layers},
            "z10.encoder.graph": graph,
            "z10.sampler": len(layers) - 1,
        }
    )


@pytest.mark.parametrize(
    ("inbound", "outputs", "hint"),
    [
        ([[[-1]], [[0]], [[1]], [[2]], [[2]], [[3, 4]]], [3, 4, 5], None),
        (
            [[[-1]], [[0]], [[1]], [[2]], [[3]], [[3, 4]]],
            [3, 4, 5],
            "z_log_var is computed from z_mean",
        ),
        (
            [[[-1]], [[0]], [[1]], [[4]], [[2]], [[3, 4]]],
            [3, 4, 5],
            "z_mean is computed from z_log_var",
        ),
        (
            [[[-1]], [[0]], [[1]], [[0]], [[2]], [[3, 4]]],
            [3, 4, 5],
            "Dense(10) is fed the output of Flatten",
        ),
    ],
    ids=["right", "log_var_from_mean", "mean_from_log_var", "head_fed_flatten"],
)
def test_vae_heads_are_judged_by_the_graph(inbound, outputs, hint):
    """Same layers in the same order: are two heads fed the hidden layer accepted, and a head
    fed the other head (or Flatten) named from the graph, costing the encoder's layer points?"""
    check = architecture(encoder_graph_obs(inbound, outputs))
    encoder_message = [m for m in check.message.split("; ") if m.startswith("encoder:")]
    if hint is None:
        assert encoder_message == []
    else:
        assert hint in check.hint
        assert encoder_message and hint in encoder_message[0]


@pytest.mark.parametrize(
    "inbound",
    [[[[-1]], [[0]], [[1]], [[2], [2]], [[3, 3]]], [[[-1]], [[0]], [[1]], [[2]], [[3, 3]]]],
    ids=["called_twice", "one_tensor"],
)
def test_one_dense_for_both_heads_is_named_from_the_graph(inbound):
    """One Dense called twice, or one tensor returned as both heads: is it named as such, never
    as a missing layer only?"""
    leaky = {"class": "LeakyReLU", "negative_slope": 0.2}
    layers = [
        {"class": "Flatten"},
        {"class": "Dense", "units": 512, "activation": "linear"},
        leaky,
        {"class": "Dense", "units": 10, "activation": "linear"},
        {"class": "Sampling"},
    ]
    check = architecture(encoder_graph_obs(inbound, [3, 3, 4], layers))
    assert "one Dense layer gives both z_mean and z_log_var" in check.hint


def test_vae_without_a_recorded_graph_keeps_the_layer_comparison():
    """No graph came back (a subclassed encoder, an older child): no graph claim, the layer
    tokens alone decide."""
    obs = encoder_graph_obs([[[-1]], [[0]], [[1]], [[2]], [[3]], [[3, 4]]], [3, 4, 5])
    del obs.values["z10.encoder.graph"]
    check = architecture(obs)
    assert not any(m.startswith("encoder:") for m in check.message.split("; "))


def test_one_eps_for_the_whole_batch_is_named_from_the_draws():
    """eps drawn once, shape (z_dim,), for all 2,048 draws: is it named, with no other slip?"""
    shared = np.random.default_rng(5).standard_normal(2)
    check = reparameterisation(
        reparam_observations(lambda mu, lv, eps: mu + np.exp(0.5 * lv) * shared)
    )
    assert not check.passed
    assert "one eps for the whole batch" in check.hint


@pytest.mark.parametrize("qid", ["build_vae", "build_conv_vae"])
def test_every_check_fails_with_a_message_on_no_observations(qid):
    """Nothing recorded (the child gave up early): does every check lose its points and say
    why, none of them crashing?"""
    module = check_module(qid)
    checks = checked(module, module.make_inputs(np.random.default_rng(0)), Observations())
    assert len(checks) == 6
    assert [c.name for c in checks if c.fraction != 0 or not c.message] == []


@pytest.mark.parametrize(
    ("qid", "architecture_test", "other"),
    [
        ("build_vae", "test_layers_and_parameter_counts", "test_convolutional"),
        ("build_conv_vae", "test_convolutional", "test_layers_and_parameter_counts"),
    ],
)
def test_each_builder_reports_the_shared_checks_with_its_own_architecture_check(
    qid, architecture_test, other
):
    """Does each question's pytest file report the shared checks in the handout's order (models,
    encoder, decoder, sampler, architecture, fit), with its own architecture check only?"""
    order = [
        "test_returns_three_models",
        "test_encoder_gives_three_codes_per_image",
        "test_decoder_gives_images_in_0_1",
        "test_z_is_reparameterised",
        architecture_test,
        "test_fit_lowers_the_negative_elbo",
    ]
    names = [getattr(_vae_checks, t).__doc__.strip().splitlines()[0] for t in order]
    module = check_module(qid)
    checks = checked(module, module.make_inputs(np.random.default_rng(0)), Observations())
    assert [c.name for c in checks] == names
    assert getattr(_vae_checks, other).__doc__.strip().splitlines()[0] not in names
