"""The public checks of the release, as data (trusted side: the reference and the grader's
formulas run here, at release time, never in the release).

For each visible question: the grader's test inputs on the grader's own seeds
(``make_inputs(np.random.default_rng([seed, index]))``), the expected outputs from the grader's
formulas, the outputs of each known mistake with its hint, the handout's layers and parameter
counts, the names and weights of the checks (as the grader's checks report them), the hints, the
points and time limit from course.toml. Written as ``checks.json`` and ``<question_id>.npz``,
read by ``tp_ae.selfcheck.data``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path

import numpy as np

from grader.checks import check_module
from grader.checks import test_kl_divergence as kl_tests
from grader.checks import test_reconstruction_loss as reconstruction_tests
from grader.checks import test_vae_loss as vae_loss_tests
from grader.checks._vae_checks import SAMPLER_SLIPS
from grader.config import CourseConfig, QuestionConfig
from grader.observations import Observations
from tp_ae.questions import QUESTION_IDS

FORMAT = 1  # tp_ae.selfcheck.data.FORMAT
DEFAULT_SEED = 0  # grader.grading.DEFAULT_SEED: the release checks on the grader's inputs

# Hints the grader writes inline in its check modules (grader/checks/*.py), by key. The
# mistakes of the three losses come from the modules' own ``mistakes`` functions instead.
KL_HINTS = {
    "generic": kl_tests.SUMMED,
    "compiled": "use keras.ops (ops.exp, ops.square, ops.sum), not NumPy: vae.fit calls "
    "kl_divergence on symbolic tensors",
    "edges": "KL is exactly 0 at mu = 0, lv = 0 and must stay finite for large |lv|: use "
    "exp(lv) directly, no division by exp(lv)",
}
RECONSTRUCTION_HINTS = {
    "generic": reconstruction_tests.GENERIC,
    "compiled": "use keras.ops (ops.log, ops.clip, ops.sum), not NumPy: vae.fit calls "
    "reconstruction_loss on symbolic tensors",
    "edges": "clip y to [eps, 1 - eps] (eps = 1e-7) before taking logs",
}
VAE_LOSS_HINTS = {
    "generic": vae_loss_tests.GENERIC,
    "compiled": "use keras.ops (ops.mean), not NumPy, so that vae_loss works inside a "
    "compiled step",
    # grader/checks/test_vae_loss.py's BETA_GENERIC, BETA_KEYWORD, BETA_IGNORED
    "beta_generic": vae_loss_tests.BETA_GENERIC,
    "beta_keyword": "vae_loss takes the keyword beta, as in the handout: vae_loss(x, y, z_mean, "
    "z_log_var, beta=1.0), and returns mean(reconstruction + beta * KL)",
    "beta_ignored": "beta is ignored: you return the same value for every beta; the KL term is "
    "weighted by it, mean(reconstruction + beta * KL)",
}
ADD_NOISE_HINTS = {
    "shape": "draw one noise value per pixel: rng.standard_normal(x.shape)",
    "dtype": "return .astype(np.float32): NumPy's random draws are float64",
    "mean": "the noise must have mean 0: x + sigma * N(0, 1)",
    "sd": "scale standard normal noise by sigma: x + sigma * rng.standard_normal(x.shape)",
    "gaussian": "draw Gaussian noise (rng.normal / standard_normal), not uniform",
    "independent": "draw new noise for every image: noise of shape x.shape, not (28, 28, 1)",
    "sigma": "use the sigma argument, not a hard-coded 20/255",
    "clip": "clip the result to [0, 1]: np.clip(x + noise, 0, 1)",
    "clip_only": "clip (np.clip); do not rescale the image or take absolute values",
    "same_seed": "seed a generator from the argument: rng = np.random.default_rng(seed)",
    "other_seed": "pass the seed to the generator instead of a fixed one",
    "fresh": "seed=None must draw fresh noise: np.random.default_rng(None)",
    "inplace": "return a new array (x + noise), do not modify x in place (x += ...)",
    # mistakes recognised by their output; {value}, {share}: what the self-check measured
    "one_value": "one noise value ({value}) for the whole batch: draw one per pixel, noise of "
    "shape x.shape",
    "masking": "{share} of the pixels are set to 0 and the rest left as they are (masking "
    "noise): add Gaussian noise, x + sigma * N(0, 1)",
    "multiplied": "the noise is multiplied by the image (a black image stays black): add it, "
    "x + sigma * N(0, 1)",
}
SAMPLE_HINTS = {
    "type": "convert with np.asarray(...) (decoder.predict returns an ndarray)",
    "shape": "decode exactly n_images codes",
    "dtype": "return float32 images: .astype(np.float32)",
    "range": "return the decoder's output as it is",
    "z_dim": "use z_dim: z = rng.standard_normal((n_images, z_dim))",
    "not_output": "return the decoder's output for z as it is (no post-processing)",
    "uniform": "draw z from the standard normal N(0, I) (rng.standard_normal), not uniform in "
    "[0, 1)",
    "mean": "z must have mean 0: z ~ N(0, I)",
    "sd": "z ~ N(0, I) has unit variance: do not scale it",
    "gaussian": "draw z from a Gaussian (rng.standard_normal), not a uniform",
    "same_seed": "draw z with np.random.default_rng(seed)",
    "other_seed": "pass the seed argument to the generator",
}
ARCHITECTURE_SLIPS = [
    {
        "all": ["LeakyReLU(0.3)"],
        "hint": "keras.layers.LeakyReLU() defaults to slope 0.3: write "
        "LeakyReLU(negative_slope=0.2)",
    },
    {
        "all": ["LeakyReLU(0.2)"],
        "patterns": [r"(?<!Leaky)ReLU"],  # a plain ReLU, not the LeakyReLU token
        "hint": "the handout uses LeakyReLU(0.2), not ReLU",
    },
    {
        "all": ["stride 1"],
        "hint": "the convolutions have stride 2 (strides=2), which halves 28 -> 14 -> 7",
    },
    {"all": ["valid"], "hint": 'use padding="same" so that the sizes go 28 -> 14 -> 7 and back'},
]
MODEL_HINTS = {
    "architecture": "follow the handout's layers in order (see the differences listed)",
    "decoder_reshape": "end the decoder with Reshape((28, 28, 1))",
}
AUTOENCODER_HINTS = {
    **MODEL_HINTS,
    "returned": "return encoder, decoder, autoencoder (each a keras.Model)",
    "sigmoid": "end the decoder with a sigmoid so that pixels are in [0, 1]",
    "z_dim": "use the z_dim argument: both z_dim values gave the same code size",
    "encoder": "the encoder's last layer must be Dense(z_dim) (after Flatten)",
    "composition": "build the autoencoder from the same encoder and decoder: "
    "keras.Model(x, decoder(encoder(x)))",
    "random_at_inference": "the autoencoder is random at inference: dropout or noise is left "
    "on (training=True); keras.layers.Dropout is off by default outside fit",
    "params": "a different parameter count means different layers or sizes: compare with the "
    "handout's list",
}
VAE_HINTS = {
    **MODEL_HINTS,
    "returned": "return encoder, decoder, VAE(encoder, decoder, reconstruction_loss, "
    "kl_divergence)",
    "sigmoid": "the Bernoulli decoder's output goes through a sigmoid",
    "three_outputs": "the encoder must return [z_mean, z_log_var, z]",
    "heads": "both heads are Dense(z_dim); z = Sampling()([z_mean, z_log_var])",
    **SAMPLER_SLIPS,  # grader/checks/_vae_checks.py: the sampler slips' hints ({sd}: measured)
    "hidden_dim": "use the hidden_dim argument instead of a fixed 512",
    "convolutional": "a convolutional VAE downsamples with strided Conv2D and upsamples with "
    "Conv2DTranspose",
    "own_losses": "the VAE trains with your own reconstruction_loss and kl_divergence: answer "
    "questions 2.2 and 2.4 first, and fix any error they raise",
    "own_vae_loss": "this check measures the negative ELBO with your own vae_loss: answer "
    "question 2.6 first (a scalar, the batch mean)",
    "losses_order": "pass the losses in this order: VAE(encoder, decoder, reconstruction_loss, "
    "kl_divergence)",
}


def write_public_checks(out_dir: Path, config: CourseConfig, seed: int = DEFAULT_SEED) -> list[str]:
    """Write ``checks.json`` and one ``.npz`` per visible question into ``out_dir``; returns
    the question ids written. Hidden questions (visibility other than ``visible``) are left
    out entirely: nothing of them is in the release."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    hidden = config.hidden_questions()
    questions = {}
    for index, qid in enumerate(QUESTION_IDS):
        if qid in hidden:
            continue
        module = check_module(qid)
        inputs = module.make_inputs(np.random.default_rng([seed, index]))
        spec, arrays = builder(module)(inputs=inputs, module=module)
        qc = config[qid]
        spec.update(
            points=_points(qc),
            bonus=bool(qc.bonus),
            timeout_seconds=float(qc.timeout_seconds),
            checks=check_list(qid, module, inputs),
        )
        np.savez_compressed(out_dir / f"{qid}.npz", **arrays)
        questions[qid] = spec
    course = {"seed": seed, "hidden": hidden, "points_possible": _visible_points(config, hidden)}
    index_text = json.dumps({"format": FORMAT, "course": course, "questions": questions}, indent=1)
    (out_dir / "checks.json").write_text(index_text, encoding="utf-8")
    return list(questions)


def check_list(qid: str, module, inputs: dict) -> list[dict]:
    """[{"name", "weight"}] of a question's checks in the grader's order, read off the grader's
    own run on no data (every check fails with its weight): its pytest checks
    (``grader/checks/test_<id>.py``); a parametrized check once, the weights of its cases
    summed."""
    from grader.pytest_plugin import Case, run_checks

    session = run_checks([Case("release", qid, inputs, Observations())])
    results, crash = session.results_of("release", qid)
    if crash:
        raise RuntimeError(f"the checks of {qid} crashed on no data: {crash}")
    weights: dict[str, float] = {}
    for check in results:
        weights[check.name] = weights.get(check.name, 0.0) + check.weight
    return [{"name": name, "weight": weight} for name, weight in weights.items()]


def _points(question_config: QuestionConfig) -> float:
    """A question's full marks in the course."""
    return float(question_config.points_possible)


def _visible_points(config: CourseConfig, hidden: list[str]) -> float:
    """Full marks over the questions the release checks (bonus excluded)."""
    return sum(_points(config[q]) for q in QUESTION_IDS if q not in hidden and not config[q].bonus)


def _f32(value) -> np.ndarray:
    return np.asarray(value, dtype=np.float64)


def _with_mistakes(arrays: dict, spec: dict, case: str, mistakes: list) -> None:
    spec.setdefault("mistakes", {})[case] = [m.hint for m in mistakes]
    for i, mistake in enumerate(mistakes):
        arrays[f"mistake.{case}.{i}"] = _f32(mistake.values)


def _kl(module, inputs: dict) -> tuple[dict, dict]:
    arrays, spec = dict(inputs), {"hints": KL_HINTS, "settings": {}}
    for case in ("random", "small", "large"):
        mu, lv = inputs[f"{case}.mu"], inputs[f"{case}.lv"]
        arrays[f"expected.{case}"] = _f32(module.expected_kl(mu, lv))
        if case != "large":
            _with_mistakes(arrays, spec, case, module.mistakes(mu, lv))
    return spec, arrays


def _reconstruction(module, inputs: dict) -> tuple[dict, dict]:
    arrays, spec = dict(inputs), {"hints": RECONSTRUCTION_HINTS, "settings": {}}
    for case in ("random", "binary"):
        x, y = inputs[f"{case}.x"], inputs[f"{case}.y"]
        arrays[f"expected.{case}"] = _f32(module.expected_loss(x, y))
        _with_mistakes(arrays, spec, case, module.mistakes(x, y))
    return spec, arrays


def _vae_loss(module, inputs: dict) -> tuple[dict, dict]:
    from grader.checks.kl_divergence import expected_kl
    from grader.checks.reconstruction_loss import expected_loss
    from grader.collect.vae_loss import BETAS, beta_key

    arrays, spec = dict(inputs), {"hints": VAE_LOSS_HINTS, "settings": {"betas": list(BETAS)}}
    x, y, mu, lv = (inputs[k] for k in ("x", "y", "mu", "lv"))
    arrays["expected.random"] = _f32(module.expected_vae_loss(x, y, mu, lv))
    _with_mistakes(arrays, spec, "random", module.mistakes(x, y, mu, lv))
    # vae_loss(..., beta=b): the expected value, the same mistakes with the KL term weighted
    # right (not charged twice), and the wrong uses of beta ("<key>.misuse")
    for beta in BETAS:
        case = beta_key(beta)
        arrays[f"expected.{case}"] = _f32(module.expected_vae_loss(x, y, mu, lv, beta))
        _with_mistakes(arrays, spec, case, module.mistakes(x, y, mu, lv, beta))
        _with_mistakes(arrays, spec, f"{case}.misuse", module.beta_mistakes(x, y, mu, lv, beta))
    # the reference's outputs of the two helpers on these inputs, arguments in both orders:
    # vae_loss is checked with them, as the grader checks it with the reference functions
    arrays["helper.reconstruction_loss.x.y"] = _f32(expected_loss(x, y))
    arrays["helper.reconstruction_loss.y.x"] = _f32(expected_loss(y, x))
    arrays["helper.kl_divergence.mu.lv"] = _f32(expected_kl(mu, lv))
    arrays["helper.kl_divergence.lv.mu"] = _f32(expected_kl(lv, mu))
    return spec, arrays


def _add_noise(module, inputs: dict) -> tuple[dict, dict]:
    sigma = float(module.SIGMA)
    spec = {
        "hints": ADD_NOISE_HINTS,
        "settings": {
            "sigma": sigma,
            "sigma_test": 0.1,
            "gauss_within_1sd": float(module.GAUSS_WITHIN_1SD),
        },
        # the noise sd each known slip gives, in the grader's order of testing
        "sd_mistakes": [
            {"below": 1e-6, "hint": "no noise was added"},
            {
                "sd": sigma**2,
                "rtol": 0.1,
                "hint": "sigma is the standard deviation: multiply N(0, 1) by sigma, not sigma^2",
            },
            {
                "sd": math.sqrt(sigma),
                "rtol": 0.1,
                "hint": "sigma is the standard deviation: multiply N(0, 1) by sigma, not "
                "sqrt(sigma)",
            },
            {"above": 0.3, "hint": "images are in [0, 1]: the default sigma is 20/255, not 20"},
        ],
    }
    return spec, dict(inputs)


def _sample_images(module, inputs: dict) -> tuple[dict, dict]:
    settings = {
        "z_dim": module.Z_DIM,
        "n_images": module.N_IMAGES,
        "kept_pixels": module.KEPT_PIXELS,
        "gauss_within_1sd": float(module.GAUSS_WITHIN_1SD),
    }
    return {"hints": SAMPLE_HINTS, "settings": settings}, {"none": np.zeros(0)}


def _autoencoder(module, inputs: dict) -> tuple[dict, dict]:
    from grader.checks import _autoencoder

    z_dims = list(_autoencoder.Z_DIMS)
    spec = {
        "hints": AUTOENCODER_HINTS,
        "architecture_slips": ARCHITECTURE_SLIPS,
        "settings": {"z_dims": z_dims},
        "layers": {"encoder": module.encoder_layers(10), "decoder": module.decoder_layers(10)},
        "params": {
            "encoder": {str(z): module.encoder_params(z) for z in z_dims},
            "decoder": {str(z): module.decoder_params(z) for z in z_dims},
        },
    }
    return spec, dict(inputs)


def _vae(module, inputs: dict) -> tuple[dict, dict]:
    from grader.checks import _vae

    builds = [[z, dict(kwargs)] for z, kwargs in module.SPEC.builds]
    params: dict[str, dict[str, int]] = {"encoder": {}, "decoder": {}}
    for z, kwargs in builds:
        encoder, decoder = _vae.vae_params(z, kwargs.get("hidden_dim", 512))
        params["encoder"][str(z)], params["decoder"][str(z)] = encoder, decoder
    encoder_layers, decoder_layers = _vae.vae_layers(10, 512)
    spec = {
        "hints": VAE_HINTS,
        "architecture_slips": ARCHITECTURE_SLIPS,
        "settings": {
            "builds": builds,
            "conv": bool(module.SPEC.conv),
            "n": _vae.N,
            "repeats": _vae.REPEATS,
            "mu_shift": _vae.MU_SHIFT,
            "lv_shift": _vae.LV_SHIFT,
            "eval_images": _vae.EVAL_IMAGES,
            "batch": _vae.BATCH,
            "epochs": _vae.EPOCHS,
            "learning_rate": _vae.LEARNING_RATE,
        },
        "layers": {"encoder": encoder_layers, "decoder": decoder_layers},
        "params": params,
    }
    return spec, dict(inputs)


def builder(module) -> Callable:
    """How a check module's data is prepared, by what the module defines (its family)."""
    families = (
        ("expected_vae_loss", _vae_loss),  # first: it imports the two formulas below
        ("expected_loss", _reconstruction),
        ("expected_kl", _kl),
        ("encoder_layers", _autoencoder),
        ("SPEC", _vae),
        ("SIGMA", _add_noise),
        ("N_IMAGES", _sample_images),
    )
    for name, build in families:
        if hasattr(module, name):
            return build
    raise TypeError(f"{module.__name__}: no way to prepare its public checks")
