"""build_mlp_autoencoder (parent side, NumPy only; checks shared with build_conv_autoencoder in
grader.checks._autoencoder): the handout's parameter counts."""

from __future__ import annotations

from grader.checks import check_module


def test_mlp_autoencoder_parameter_counts_follow_the_handout():
    """Are the MLP autoencoder's counts those of its Dense layers at z_dim = 2 (1,570 and
    2,352)?"""
    mlp = check_module("build_mlp_autoencoder")
    assert (mlp.encoder_params(2), mlp.decoder_params(2)) == (1570, 2352)
