"""build_conv_vae (parent side, NumPy only; checks shared with build_vae in
grader.checks._vae_checks, run through the grader's pytest plugin): no exact architecture, only
convolutions in the encoder and transposed ones in the decoder."""

from __future__ import annotations

import pytest

from grader.checks import _vae_checks
from grader.observations import Observations

from .test_build_vae import one_check


def convolutional(facts: dict):
    """The conv VAE's architecture check on these observations."""
    return one_check("build_conv_vae", _vae_checks.test_convolutional, Observations(facts))


def conv_vae_architecture(encoder: list[str], decoder: list[str]):
    """The conv VAE's architecture check on encoder and decoder layers of these classes."""
    return convolutional(
        {
            "z10.encoder.facts": {"layers": [{"class": c} for c in encoder]},
            "z10.decoder.facts": {"layers": [{"class": c} for c in decoder]},
        }
    )


@pytest.mark.parametrize(
    "decoder",
    [["Dense", "Reshape", "Conv2DTranspose", "Conv2DTranspose"], ["UpSampling2D", "Conv2D"]],
    ids=["transposed", "upsampling"],
)
def test_conv_vae_accepts_any_convolutional_layers(decoder):
    """Are Conv2D in the encoder and Conv2DTranspose, or UpSampling2D then Conv2D, in the
    decoder all it takes, whatever the sizes?"""
    check = conv_vae_architecture(["Conv2D", "Conv2D", "Flatten", "Dense", "Dense"], decoder)
    assert check.passed and check.hint == ""


def test_conv_vae_made_of_dense_layers_loses_the_architecture_check():
    """Is an MLP handed in as the conv VAE named, on both sides, with the conv hint?"""
    check = conv_vae_architecture(["Flatten", "Dense", "Dense"], ["Dense", "Reshape"])
    assert check.fraction == 0
    assert "no Conv2D layer in the encoder" in check.message
    assert "Conv2DTranspose" in check.hint


def test_conv_vae_with_one_layer_for_both_heads_loses_the_encoders_half():
    """One Dense giving z_mean and z_log_var (read from the recorded graph): is the encoder's
    half lost, with that graph fact as the hint?"""
    facts = {
        "z10.encoder.facts": {"layers": [{"class": c} for c in ("Conv2D", "Flatten", "Dense")]},
        "z10.encoder.graph": {"inbound": [[[-1]], [[0]], [[1], [1]]], "outputs": [2, 2, 2]},
        "z10.decoder.facts": {"layers": [{"class": "Conv2DTranspose"}]},
    }
    check = convolutional(facts)
    assert check.fraction == 0.5
    assert "one Dense layer gives both z_mean and z_log_var" in check.hint
