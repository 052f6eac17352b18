"""The checks' scoring half (parent side, NumPy only): fed the values a student's function would
return, does each question give full marks to right answers and the specific hint to each
classic mistake? No TensorFlow and no child here: these are the grader's formulas and
diagnoses, pinned against hand-computed values."""

from __future__ import annotations

import numpy as np
import pytest

from grader.checks import _architecture, _vae, check_module
from grader.checks import add_noise as noise_check
from grader.checks import kl_divergence as kl_check
from grader.checks import reconstruction_loss as recon_check
from grader.checks import sample_images as sample_check
from grader.checks import vae_loss as vae_loss_check
from grader.config import QUESTION_IDS
from grader.observations import ErrorInfo, Observations

from .corpus_tools import CORPUS_ENTRIES


def fraction(checks) -> float:
    return sum(c.weight * c.fraction for c in checks)


def hints(checks) -> str:
    return " | ".join(c.hint for c in checks if not c.passed)


@pytest.mark.parametrize("qid", QUESTION_IDS)
def test_check_weights_add_up_to_one(qid, rng):
    """Do the checks of every question share exactly all of its points, even on no data?"""
    module = check_module(qid)
    inputs = module.make_inputs(rng)
    checks = module.score(inputs, Observations())
    assert sum(c.weight for c in checks) == pytest.approx(1.0)
    assert fraction(checks) == 0


# ---------------------------------------------------------------- kl_divergence


def test_expected_kl_matches_hand_computed_values():
    """Is the grader's KL 0.5 for mu = 1, lv = 0 and 0.5 (2 - 1 - ln 2) for mu = 0, lv = ln 2?"""
    mu = np.array([[1.0, 0.0], [0.0, 0.0]])
    lv = np.array([[0.0, 0.0], [np.log(2.0), 0.0]])
    np.testing.assert_allclose(kl_check.expected_kl(mu, lv), [0.5, 0.5 * (1 - np.log(2))])


def kl_observations(inputs, fn) -> Observations:
    obs = Observations()
    for case in kl_check.CASES:
        obs.put(case, np.asarray(fn(inputs[f"{case}.mu"], inputs[f"{case}.lv"])))
    obs.put("compiled", obs.get("random"))
    return obs


def test_right_kl_gets_full_marks(rng):
    """Does the formula itself, in float32, pass every check?"""
    inputs = kl_check.make_inputs(rng)
    obs = kl_observations(inputs, lambda m, v: kl_check.expected_kl(m, v).astype(np.float32))
    assert fraction(kl_check.score(inputs, obs)) == pytest.approx(1.0)


@pytest.mark.parametrize("index", range(9))
def test_each_classic_kl_mistake_gets_its_own_hint(rng, index):
    """Is each wrong formula recognised and named by its own hint?"""
    inputs = kl_check.make_inputs(rng)

    def wrong(mu, lv):
        return kl_check.mistakes(mu, lv)[index].values

    mistake = kl_check.mistakes(inputs["random.mu"], inputs["random.lv"])[index]
    checks = kl_check.score(inputs, kl_observations(inputs, wrong))
    assert mistake.hint in hints(checks)
    assert fraction(checks) < 1


def test_kl_without_the_sum_costs_the_shape_check_only(rng):
    """Returning (N, z_dim) terms: is the shape check the only one lost (one mistake, once)?"""
    inputs = kl_check.make_inputs(rng)

    def terms(mu, lv):
        return 0.5 * (np.exp(lv) + mu**2 - 1 - lv)

    checks = kl_check.score(inputs, kl_observations(inputs, terms))
    lost = [c for c in checks if not c.passed]
    assert [c.name for c in lost] == [checks[0].name]
    assert "sum over every axis but the first" in lost[0].hint
    assert "got shape (16, 10), expected (16,)" in lost[0].message


def test_kl_failing_on_symbolic_tensors_says_use_keras_ops(rng):
    """NumPy code that fails inside a compiled function: does only that check fail, hinting
    keras.ops?"""
    inputs = kl_check.make_inputs(rng)
    obs = kl_observations(inputs, kl_check.expected_kl)
    del obs.values["compiled"]
    obs.put_error("compiled", ErrorInfo("NotImplementedError", "Cannot convert a symbolic Tensor"))
    checks = kl_check.score(inputs, obs)
    assert fraction(checks) == pytest.approx(0.8)
    assert "keras.ops" in hints(checks)


# ---------------------------------------------------------------- reconstruction_loss


def test_expected_reconstruction_matches_hand_computed_values():
    """Is -log p(x | z) 784 ln 2 for y = 1/2 everywhere, and about 0 for y == x binary?"""
    x = np.zeros((2, 28, 28, 1))
    x[1] = 1.0
    np.testing.assert_allclose(
        recon_check.expected_loss(x, np.full_like(x, 0.5)), [784 * np.log(2)] * 2
    )
    assert np.all(recon_check.expected_loss(x, x) < 1e-3)


def recon_observations(inputs, fn) -> Observations:
    obs = Observations()
    for case in recon_check.CASES:
        obs.put(case, np.asarray(fn(inputs[f"{case}.x"], inputs[f"{case}.y"])))
    obs.put("compiled", obs.get("random"))
    return obs


def test_right_reconstruction_gets_full_marks(rng):
    """Does the formula with clipping pass every check, edge cases included?"""
    inputs = recon_check.make_inputs(rng)
    checks = recon_check.score(inputs, recon_observations(inputs, recon_check.expected_loss))
    assert fraction(checks) == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("wrong", "hint"),
    [
        (lambda x, y: recon_check.expected_loss(x, y) / 784, "summed over pixels, not averaged"),
        (lambda x, y: recon_check.expected_loss(y, x), "arguments in the wrong order"),
        (lambda x, y: -recon_check.expected_loss(x, y), "wrong sign"),
    ],
    ids=["pixel_mean", "swapped", "sign"],
)
def test_classic_reconstruction_mistakes_get_their_hint(rng, wrong, hint):
    """Are the per-pixel mean, swapped arguments and sign each named?"""
    inputs = recon_check.make_inputs(rng)
    checks = recon_check.score(inputs, recon_observations(inputs, wrong))
    assert hint in hints(checks)


def test_per_pixel_reconstruction_costs_the_shape_check_only(rng):
    """Keras's binary_crossentropy shape (N, 28, 28): values right once summed, shape lost?"""
    inputs = recon_check.make_inputs(rng)

    def per_pixel(x, y):
        y = np.clip(y, 1e-7, 1 - 1e-7)
        return -(x * np.log(y) + (1 - x) * np.log(1 - y))[..., 0]

    checks = recon_check.score(inputs, recon_observations(inputs, per_pixel))
    assert [c.passed for c in checks] == [False, True, True, True]
    assert "one value per sample" in checks[0].hint


# ---------------------------------------------------------------- vae_loss


def vae_loss_observations(inputs, fn) -> Observations:
    value = np.asarray(fn(inputs["x"], inputs["y"], inputs["mu"], inputs["lv"]))
    return Observations({"random": value, "compiled": value})


def test_vae_loss_is_the_mean_of_reconstruction_plus_kl(rng):
    """Is the right answer mean(recon + KL), and is the per-sample vector only a shape fault?"""
    inputs = vae_loss_check.make_inputs(rng)
    right = vae_loss_check.score(
        inputs, vae_loss_observations(inputs, vae_loss_check.expected_vae_loss)
    )
    assert fraction(right) == pytest.approx(1.0)

    def per_sample(x, y, mu, lv):
        return recon_check.expected_loss(x, y) + kl_check.expected_kl(mu, lv)

    checks = vae_loss_check.score(inputs, vae_loss_observations(inputs, per_sample))
    assert [c.passed for c in checks] == [False, True, True]  # one mistake, charged once
    assert "batch mean, a scalar" in checks[0].hint


@pytest.mark.parametrize("index", range(8))
def test_each_classic_vae_loss_mistake_gets_its_own_hint(rng, index):
    """Is each wrong combination (sum, minus KL, missing term, swapped arguments) named?"""
    inputs = vae_loss_check.make_inputs(rng)
    args = inputs["x"], inputs["y"], inputs["mu"], inputs["lv"]
    mistake = vae_loss_check.mistakes(*args)[index]
    obs = Observations({"random": np.asarray(mistake.values), "compiled": mistake.values})
    assert mistake.hint in hints(vae_loss_check.score(inputs, obs))


# ---------------------------------------------------------------- add_noise


def noise_observations(inputs, fn) -> Observations:
    obs = Observations()
    calls = {
        "grey.seed0": ("grey", {"seed": 0}),
        "grey.seed0.again": ("grey", {"seed": 0}),
        "grey.seed1": ("grey", {"seed": 1}),
        "grey.none1": ("grey", {}),
        "grey.none2": ("grey", {}),
        "sigma": ("grey", {"sigma": 0.1, "seed": 3}),
        "black": ("black", {"seed": 4}),
        "white": ("white", {"seed": 5}),
    }
    for key, (name, kwargs) in calls.items():
        value = fn(inputs[name].copy(), **kwargs)
        obs.put(key, np.asarray(value))
        obs.put(f"{key}.dtype", str(np.asarray(value).dtype))
    obs.put("inplace", inputs["random"].copy())
    return obs


def right_noise(x, sigma=20 / 255, seed=None):
    rng = np.random.default_rng(seed)
    return np.clip(x + sigma * rng.standard_normal(x.shape), 0, 1).astype(np.float32)


@pytest.mark.parametrize(
    ("wrong", "hint"),
    [
        (right_noise, None),
        (
            lambda x, sigma=20 / 255, seed=None: right_noise(x, sigma**2, seed),
            "not sigma^2",
        ),
        (
            lambda x, sigma=20 / 255, seed=None: (
                x + sigma * np.random.default_rng(seed).standard_normal(x.shape)
            ).astype(np.float32),
            "clip the result to [0, 1]",
        ),
        (
            lambda x, sigma=20 / 255, seed=None: np.clip(
                x + np.random.default_rng(seed).uniform(-1, 1, x.shape) * sigma * 3**0.5, 0, 1
            ).astype(np.float32),
            "Gaussian",
        ),
        (
            lambda x, sigma=20 / 255, seed=None: np.clip(
                x + sigma * np.random.default_rng(seed).standard_normal(x.shape[1:]), 0, 1
            ).astype(np.float32),
            "new noise for every image",
        ),
        (
            lambda x, sigma=20 / 255, seed=None: right_noise(x, sigma, seed).astype(np.float64),
            "float32",
        ),
        (lambda x, sigma=20 / 255, seed=None: right_noise(x, sigma, 0), "seed=None"),
    ],
    ids=["right", "variance", "unclipped", "uniform", "one_noise_image", "float64", "fixed_seed"],
)
def test_add_noise_statistics_and_hints(rng, wrong, hint):
    """Does right noise pass, and does each wrong one lose points with its hint?"""
    inputs = noise_check.make_inputs(rng)
    checks = noise_check.score(inputs, noise_observations(inputs, wrong))
    if hint is None:
        assert fraction(checks) == pytest.approx(1.0), [c.message for c in checks]
    else:
        assert fraction(checks) < 1
        assert hint in hints(checks)


def _gen(seed):
    return np.random.default_rng(seed)


@pytest.mark.parametrize(
    ("wrong", "hint", "not_hint"),
    [
        (  # Gaussian noise of sd sigma * 255: clipped to 0/1, not uniform
            lambda x, sigma=20 / 255, seed=None: np.clip(
                x + sigma * 255 * _gen(seed).standard_normal(x.shape), 0, 1
            ).astype(np.float32),
            "not 20",
            "sigma argument",
        ),
        (  # uniform noise that does use sigma
            lambda x, sigma=20 / 255, seed=None: np.clip(
                x + sigma * _gen(seed).uniform(-1, 1, x.shape), 0, 1
            ).astype(np.float32),
            "",
            "sigma argument",
        ),
        (  # masking ignores sigma but its sd is not 20/255: no "hard-coded" claim either
            lambda x, sigma=20 / 255, seed=None: (x * (_gen(seed).random(x.shape) > 0.1)).astype(
                np.float32
            ),
            "masking noise",
            "sigma argument",
        ),
        (
            lambda x, sigma=20 / 255, seed=None: np.clip(
                x * (1 + sigma * _gen(seed).standard_normal(x.shape)), 0, 1
            ).astype(np.float32),
            "multiplied by the image",
            "scale standard normal",
        ),
        (
            lambda x, sigma=20 / 255, seed=None: (x * (_gen(seed).random(x.shape) > 0.1)).astype(
                np.float32
            ),
            "masking noise",
            "mean 0",
        ),
        (
            lambda x, sigma=20 / 255, seed=None: np.clip(
                x + sigma * _gen(seed).standard_normal(), 0, 1
            ).astype(np.float32),
            "one noise value",
            "no noise was added",
        ),
    ],
    ids=[
        "sd_times_255",
        "uniform_with_sigma",
        "masking_no_sigma_claim",
        "multiplicative",
        "masking",
        "one_per_batch",
    ],
)
def test_add_noise_hints_only_with_evidence(rng, wrong, hint, not_hint):
    """Does each mistake get the hint its output proves, and never the hint of another one?"""
    inputs = noise_check.make_inputs(rng)
    checks = noise_check.score(inputs, noise_observations(inputs, wrong))
    assert fraction(checks) < 1
    if hint:
        assert hint in hints(checks)
    assert not_hint not in hints(checks)


# ---------------------------------------------------------------- sample_images


def sample_observations(draw) -> Observations:
    """What the probe decoder would send back for z drawn by ``draw(seed)``: sigmoid(z) in the
    first pixels, 0.5 elsewhere."""
    obs = Observations()
    for key, seed in (("seed7", 7), ("seed7.again", 7), ("seed8", 8)):
        z = draw(seed)
        pixels = np.full((len(z), sample_check.KEPT_PIXELS), 0.5)
        pixels[:, : z.shape[1]] = 1 / (1 + np.exp(-z))
        obs.put(key, pixels)
        obs.put(f"{key}.shape", [len(z), 28, 28, 1])
        obs.put(f"{key}.type", "numpy.ndarray")
        obs.put(f"{key}.dtype", "float32")
        obs.put(f"{key}.range", [0.0, 1.0])
    for name in ("shape", "type", "dtype", "range"):
        obs.put(f"default.{name}", obs.get(f"seed7.{name}"))
    obs.put("default.shape", [5, 28, 28, 1])
    return obs


def test_sample_images_reads_back_standard_normal_z():
    """Is z ~ N(0, I) accepted and z ~ U[0, 1) named as uniform?"""
    shape = (sample_check.N_IMAGES, sample_check.Z_DIM)
    right = sample_observations(lambda s: np.random.default_rng(s).standard_normal(shape))
    assert fraction(sample_check.score({}, right)) == pytest.approx(1.0)
    uniform = sample_observations(lambda s: np.random.default_rng(s).random(shape))
    checks = sample_check.score({}, uniform)
    assert "not uniform" in hints(checks)
    assert fraction(checks) == pytest.approx(0.6)


# ---------------------------------------------------------------- the VAE builders


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
    check = _vae._reparameterisation(reparam_observations(z_of))
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
    assert _vae._training(inputs, good).passed
    swapped = Observations({**values, "train.history": {"loss": [3.0, 2.0]}})
    check = _vae._training(inputs, swapped)
    assert check.fraction == 0.5 and "got 3, expected about the negative ELBO" in check.message
    assert check.hint == ""  # the student's own class: no evidence of which slip
    given = {**values, "z10.vae.facts": {"type": "VAE"}, "train.history": {"loss": [3.0, 2.0]}}
    right_sampler = reparam_observations(lambda mu, lv, eps: mu + np.exp(0.5 * lv) * eps)
    wrong_sampler = reparam_observations(lambda mu, lv, eps: mu + np.exp(2 * lv) * eps)
    with_right = Observations({**given, **right_sampler.values})
    assert "in this order" in _vae._training(inputs, with_right).hint
    # a wrong sampler explains an odd fit loss too: no claim about the losses' order then
    with_wrong = Observations({**given, **wrong_sampler.values})
    assert _vae._training(inputs, with_wrong).hint == ""
    # a train_step that reports only total_loss (keras-io) is read the same as "loss"
    keras_io = Observations({**values, "train.history": {"total_loss": [before, before * 0.9]}})
    assert _vae._training(inputs, keras_io).passed
    # no VAE dict needed: without the encoder/decoder values there is no "VAE's dict" demand
    assert "dict" not in _vae._training(inputs, Observations()).message


def test_vae_parameter_counts_follow_the_handout():
    """Are the MLP VAE's counts those of its Dense layers (784 -> 512 -> 2 x 10; 10 -> 512 ->
    784)?"""
    encoder, decoder = _vae.vae_params(10, 512)
    assert encoder == (784 * 512 + 512) + 2 * (512 * 10 + 10)
    assert decoder == (10 * 512 + 512) + (512 * 784 + 784)


# ---------------------------------------------------------------- architectures


def test_layer_tokens_read_activations_given_either_way():
    """Do Dense(activation=...) and a separate activation layer read the same, and does
    LeakyReLU() show Keras's default slope 0.3?"""
    as_argument = [{"class": "Dense", "units": 784, "activation": "sigmoid"}]
    as_layer = [
        {"class": "Dense", "units": 784, "activation": "linear"},
        {"class": "Activation", "activation": "sigmoid"},
    ]
    assert _architecture.layer_tokens(as_argument) == _architecture.layer_tokens(as_layer)
    leaky = [{"class": "LeakyReLU", "negative_slope": 0.3}]
    assert _architecture.layer_tokens(leaky) == ["LeakyReLU(0.3)"]
    diffs = _architecture.differences(["LeakyReLU(0.3)"], ["LeakyReLU(0.2)"])
    assert diffs == ["got LeakyReLU(0.3) where the handout has LeakyReLU(0.2)"]
    assert "0.3" in _architecture.architecture_hint(diffs)


def test_activation_objects_read_as_names_not_generated_layer_names():
    """Does activation=LeakyReLU(0.2) (a layer object) read as LeakyReLU(0.2), and the
    function leaky_relu as Keras's default slope 0.2, never a generated name?"""
    from grader.checks._keras import _activation_name

    layer = {"class_name": "LeakyReLU", "config": {"name": "leaky_re_lu_7", "negative_slope": 0.2}}
    function = {"module": "keras.activations", "class_name": "function", "config": "leaky_relu"}
    as_layer = [{"class": "Dense", "units": 512, "activation": _activation_name(layer)}]
    as_function = [{"class": "Dense", "units": 512, "activation": _activation_name(function)}]
    want = ["Dense(512)", "LeakyReLU(0.2)"]
    assert _architecture.layer_tokens(as_layer) == _architecture.layer_tokens(as_function) == want


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
    assert _vae._architecture(spec, Observations({**params, "z10.sampler": 4})).passed
    check = _vae._architecture(spec, Observations({**params, "z10.sampler": None}))
    assert not check.passed and "Lambda" in check.message
    assert encoder[-1] == "Sampling" and decoder[-1] == "Reshape(28, 28, 1)"


def test_leaky_relu_differences_do_not_claim_a_relu():
    """Is a missing LeakyReLU(0.2) (a layer fed the wrong input drops a block) never called a
    ReLU, while a real ReLU still is?"""
    missing = _architecture.differences(
        ["Conv2D(4)", "LeakyReLU(0.2)"],
        ["Conv2D(8)", "LeakyReLU(0.2)", "Conv2D(4)", "LeakyReLU(0.2)"],
    )
    assert "not ReLU" not in _architecture.architecture_hint(missing)
    relu = _architecture.differences(["Dense(8)", "ReLU"], ["Dense(8)", "LeakyReLU(0.2)"])
    assert "not ReLU" in _architecture.architecture_hint(relu)


def test_autoencoder_parameter_counts_follow_the_handout():
    """Are the conv autoencoder's counts those of its layers at z_dim = 10 (2,342 and 4,641)?"""
    conv = check_module("build_conv_autoencoder")
    assert conv.encoder_params(10) == 80 + 292 + 1970
    assert conv.decoder_params(10) == 4312 + 292 + 37
    mlp = check_module("build_mlp_autoencoder")
    assert (mlp.encoder_params(2), mlp.decoder_params(2)) == (1570, 2352)


# ---------------------------------------------------------------- correct variants, end to end


CORRECT_VARIANTS = [e for e in CORPUS_ENTRIES if e.name.startswith("correct_")]


def test_corpus_has_correct_but_different_variants():
    """Does the corpus hold correct answers written differently from the reference (own VAE
    classes, Lambda sampler, Sequential, activation= forms)?"""
    assert len(CORRECT_VARIANTS) >= 3
    assert all(not e.breaks and not e.hint for e in CORRECT_VARIANTS)


@pytest.mark.slow
@pytest.mark.parametrize("entry", CORRECT_VARIANTS, ids=lambda e: e.name)
def test_correct_variant_gets_full_marks_and_no_hint(graded, entry):
    """Does a correct answer written another way earn every point of every question graded, with
    no hint at all (a hint is a claim of a mistake)?"""
    result = graded[entry.name]
    graded_questions = [q for q in result.questions if q.question_id in entry.questions]
    assert graded_questions
    for question in graded_questions:
        assert question.points_earned == question.points_possible, question.output_text()
        assert question.hints == [], (question.question_id, question.hints)
