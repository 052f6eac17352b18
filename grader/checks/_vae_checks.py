"""The checks of the VAE builders, one pytest test each, shared by ``build_vae`` and the bonus
``build_conv_vae``.

``grader/checks/test_build_vae.py`` and ``test_build_conv_vae.py`` bind these tests under
their own names, in the order the student reads them (pytest collects a test function bound in
a test file as that file's, under its question: ``collect_imported_tests``, true by default), and
give the ``spec`` fixture: the builder's :class:`grader.checks._vae.VaeSpec`. Each test reads
what the sandboxed child recorded (``answer``: the builds at z_dim = 2 and 10, the encoder's and
decoder's outputs, 2,048 draws of z, the layers and their graph, a short ``vae.fit``); a failed
assert loses the test's weight, ``Partial`` part of it, and the hint names what the evidence
shows (a sampler's measured spread, a fact of the layer graph). Only one of the two
architecture tests is a check of each question: the exact layers for the MLP, convolutions for
the bonus.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from grader.checks import _vae
from grader.checks._architecture import architecture_hint
from grader.checks._common import decoder_check, error_text
from grader.checks._vae import EPOCHS, TRAIN_IMAGES, N
from grader.pytest_plugin import Partial, settle
from tp_ae.selfcheck.builds import convolutional, training, vae_architecture, vae_codes
from tp_ae.selfcheck.draws import sampler_draws, sampler_finding

THREE_OUTPUTS = "the encoder must return [z_mean, z_log_var, z]"
RETURNED = "return encoder, decoder, VAE(encoder, decoder, reconstruction_loss, kl_divergence)"
# the hints of the sampler slips the draws can show (tp_ae.selfcheck.draws.sampler_finding);
# {sd}: the measured sd of z - z_mean
SAMPLER_SLIPS = {
    "not_sampled": "z is not sampled (z == z_mean): z = z_mean + exp(0.5 * z_log_var) * eps",
    "one_eps": "your sampler draws one eps for the whole batch, shared by every image: draw it "
    "with z_mean's full shape, keras.random.normal(ops.shape(z_mean))",
    "variance_used": "your sampler's sd is exp(z_log_var), the variance (measured sd {sd}), "
    "where the standard deviation exp(0.5 * z_log_var) is needed",
    "exp2_used": "your sampler's sd is exp(2 * z_log_var) (measured sd {sd}); the standard "
    "deviation is exp(0.5 * z_log_var)",
    "logvar_as_variance": "you used the variance where the log-variance is expected: "
    "sd = exp(0.5 lv)",
    "swapped": "z_mean and z_log_var are swapped: Sampling()([z_mean, z_log_var]) and the "
    "encoder returns [z_mean, z_log_var, z], in this order",
    "uniform_eps": "eps must be Gaussian, keras.random.normal, not uniform",
}
CONVOLUTIONAL = (
    "a convolutional VAE downsamples with strided Conv2D and upsamples with Conv2DTranspose"
)


def named(name: str) -> Callable:
    """Give a check its name (the docstring's first line, as the plugin reads it) when the
    name is built from the grader's constants or is longer than a line of code."""

    def name_it(test: Callable) -> Callable:
        test.__doc__ = f"{name}\n\n{test.__doc__ or ''}"
        return test

    return name_it


@pytest.mark.weight(0.1)
@pytest.mark.hint(RETURNED)
def test_returns_three_models(answer, spec):
    """returns (encoder, decoder, vae), three keras Models"""
    parts, messages = [], []
    for z_dim in spec.z_dims:
        returned = answer.get(f"z{z_dim}.returned")
        if returned is None:
            parts.append(0.0)
            messages.append(
                spec.build_error(answer, z_dim) or f"z_dim={z_dim}: nothing returned to check"
            )
            continue
        facts = [answer.get(f"z{z_dim}.{m}.facts") or {} for m in ("encoder", "decoder", "vae")]
        ok = returned.get("len") == 3 and all(f.get("is_model") for f in facts)
        parts.append(float(ok))
        if not ok:
            messages.append(
                f"z_dim={z_dim}: got a {returned.get('type')} of {returned.get('len')} items, "
                "expected (encoder, decoder, vae), each a keras.Model"
            )
    settle(parts, messages, [])


@pytest.mark.weight(0.15)
def test_encoder_gives_three_codes_per_image(answer, spec):
    """encoder: x -> [z_mean, z_log_var, z], each (N, z_dim), for z_dim = 2 and 10"""
    parts, messages, hints = vae_codes(
        answer,
        spec.z_dims,
        N,
        lambda z_dim: (
            error_text(answer, f"z{z_dim}.encoded", "encoder(x)")
            or spec.build_error(answer, z_dim)
            or f"z_dim={z_dim}: no encoder to call"
        ),
        THREE_OUTPUTS,
        "both heads are Dense(z_dim); z = Sampling()([z_mean, z_log_var])",
    )
    settle(parts, messages, hints)


@pytest.mark.weight(0.15)
def test_decoder_gives_images_in_0_1(answer, spec):
    """decoder: (N, z_dim) -> (N, 28, 28, 1), values in [0, 1]"""
    # half of each build's part is the shape, half the range: the rule the autoencoders share
    found = decoder_check(
        answer,
        N,
        spec.z_dims,
        0.15,
        lambda z: spec.build_error(answer, z) or f"z_dim={z}: no decoder to call",
        "the Bernoulli decoder's output goes through a sigmoid",
    )
    if not found.passed:
        raise Partial(found.fraction, found.message, found.hint)


@pytest.mark.weight(0.2)
def test_z_is_reparameterised(answer, hint):
    """z = z_mean + exp(0.5 * z_log_var) * eps, eps ~ N(0, I) (2048 draws)"""
    draws = sampler_draws(answer)
    if draws is None:
        hint(THREE_OUTPUTS)
        raise AssertionError(
            error_text(answer, "reparam", "encoder(x)") or "no [z_mean, z_log_var, z] to test"
        )
    found = sampler_finding(*draws, shifted=bool(answer.get("reparam.shifted")))
    if found is None:
        return
    if found.slip:  # which slip the draws show: each z rescaled by the slip's own sd is standard
        hint(found.hint(SAMPLER_SLIPS.__getitem__))
    raise AssertionError(found.message)


@pytest.mark.weight(0.2)
def test_layers_and_parameter_counts(answer, spec):
    """layers and parameter counts as in the handout (hidden_dim respected)"""
    # a quarter per model: the z_dim = 10 build's layers; an eighth per model and build: its
    # parameter count
    fraction, shown, found = vae_architecture(
        answer,
        [(model, *_vae.compare_layers(answer, model)) for model in ("encoder", "decoder")],
        spec.builds,
        _vae.vae_params,
        architecture_hint,
        "use the hidden_dim argument instead of a fixed 512",
    )
    if fraction < 1:
        raise Partial(fraction, shown, found)


@named(
    "convolutional: Conv2D in the encoder (its two heads separate), Conv2DTranspose "
    "(or upsampling) in the decoder"
)
@pytest.mark.weight(0.2)
@pytest.mark.hint(CONVOLUTIONAL)
def test_convolutional(answer):
    """Conv2D in the encoder, with two heads of their own where the layer graph was recorded
    (one layer for both, or one head fed the other, loses the encoder's half: a graph fact);
    Conv2DTranspose, or UpSampling2D and a convolution, in the decoder."""
    fraction, message, heads = convolutional(answer)
    if fraction < 1:
        raise Partial(fraction, message, heads)


@named(f"vae.fit lowers the negative ELBO ({EPOCHS} epochs of {TRAIN_IMAGES} images)")
@pytest.mark.weight(0.2)
def test_fit_lowers_the_negative_elbo(answer, inputs, hint):
    """Half: the grader's negative ELBO of 64 images, from the student's own encoder and
    decoder, falls by more than 2 nats; half: fit's first-epoch loss is about that negative
    ELBO (within a factor 1.5), so fit minimises the negative ELBO and nothing else."""
    x_eval = inputs["train"][: _vae.EVAL_IMAGES]
    before = _vae.elbo_of(answer, "before", x_eval)
    assert before is not None, (
        error_text(answer, "train.before", "decoder(encoder(x)[2])")
        or "no encoder and decoder to evaluate the negative ELBO with"
    )
    history = _vae.fit_losses(answer.get("train.history") or {})
    assert history, (
        error_text(answer, "train.fit", "vae.fit(x)")
        or error_text(answer, "train.compile", "vae.compile(optimizer)")
        or "fit reported no loss"
    )
    after = _vae.elbo_of(answer, "after", x_eval)
    after = float("nan") if after is None else after
    fraction, messages, consistent = training(before, after, history[0])
    given = (answer.get("z10.vae.facts") or {}).get("type") == "VAE"
    if not consistent and given and _vae.sampler_is_right(answer):
        # the given VAE, the reference losses, a right sampler: only the loss arguments remain
        hint(
            "pass the losses in this order: VAE(encoder, decoder, reconstruction_loss, "
            "kl_divergence)"
        )
    if fraction < 1:
        raise Partial(fraction, "; ".join(messages))
