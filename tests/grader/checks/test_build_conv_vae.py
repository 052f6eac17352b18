"""build_conv_vae (parent side, NumPy only; checks shared with build_vae in grader.checks._vae):
no exact architecture, only convolutions in the encoder and transposed ones in the decoder."""

from __future__ import annotations

import pytest

from grader.checks import check_module
from grader.observations import Observations

ARCHITECTURE = 4  # index of the architecture check in the VAE builders' list


def conv_vae_architecture(rng, encoder: list[str], decoder: list[str]):
    """The conv VAE's architecture check on encoder and decoder layers of these classes."""
    facts = {
        "z10.encoder.facts": {"layers": [{"class": c} for c in encoder]},
        "z10.decoder.facts": {"layers": [{"class": c} for c in decoder]},
    }
    module = check_module("build_conv_vae")
    return module.score(module.make_inputs(rng), Observations(facts))[ARCHITECTURE]


@pytest.mark.parametrize(
    "decoder",
    [["Dense", "Reshape", "Conv2DTranspose", "Conv2DTranspose"], ["UpSampling2D", "Conv2D"]],
    ids=["transposed", "upsampling"],
)
def test_conv_vae_accepts_any_convolutional_layers(rng, decoder):
    """Are Conv2D in the encoder and Conv2DTranspose, or UpSampling2D then Conv2D, in the
    decoder all it takes, whatever the sizes?"""
    check = conv_vae_architecture(rng, ["Conv2D", "Conv2D", "Flatten", "Dense", "Dense"], decoder)
    assert check.passed and check.hint == ""


def test_conv_vae_made_of_dense_layers_loses_the_architecture_check(rng):
    """Is an MLP handed in as the conv VAE named, on both sides, with the conv hint?"""
    check = conv_vae_architecture(rng, ["Flatten", "Dense", "Dense"], ["Dense", "Reshape"])
    assert check.fraction == 0
    assert "no Conv2D layer in the encoder" in check.message
    assert "Conv2DTranspose" in check.hint


def test_conv_vae_with_one_layer_for_both_heads_loses_the_encoders_half(rng):
    """One Dense giving z_mean and z_log_var (read from the recorded graph): is the encoder's
    half lost, with that graph fact as the hint?"""
    facts = {
        "z10.encoder.facts": {"layers": [{"class": c} for c in ("Conv2D", "Flatten", "Dense")]},
        "z10.encoder.graph": {"inbound": [[[-1]], [[0]], [[1], [1]]], "outputs": [2, 2, 2]},
        "z10.decoder.facts": {"layers": [{"class": "Conv2DTranspose"}]},
    }
    module = check_module("build_conv_vae")
    check = module.score(module.make_inputs(rng), Observations(facts))[ARCHITECTURE]
    assert check.fraction == 0.5
    assert "one Dense layer gives both z_mean and z_log_var" in check.hint
