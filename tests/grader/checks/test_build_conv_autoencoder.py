"""build_conv_autoencoder (parent side, NumPy only; checks shared with build_mlp_autoencoder in
grader.checks._autoencoder): the handout's parameter counts."""

from __future__ import annotations

from grader.checks import check_module


def test_conv_autoencoder_parameter_counts_follow_the_handout():
    """Are the conv autoencoder's counts those of its layers at z_dim = 10 (2,342 and 4,641)?"""
    conv = check_module("build_conv_autoencoder")
    assert conv.encoder_params(10) == 80 + 292 + 1970
    assert conv.decoder_params(10) == 4312 + 292 + 37
