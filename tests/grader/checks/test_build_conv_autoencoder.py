"""build_conv_autoencoder (parent side, NumPy only; checks shared with build_mlp_autoencoder in
grader.checks._autoencoder.AutoencoderChecks): the handout's parameter counts, and the layers
check as the grader's pytest file records it."""

from __future__ import annotations

from grader.checks import check_module
from grader.observations import Observations

from .helpers import checked


def test_conv_autoencoder_parameter_counts_follow_the_handout():
    """Are the conv autoencoder's counts those of its layers at z_dim = 10 (2,342 and 4,641)?"""
    conv = check_module("build_conv_autoencoder")
    assert conv.encoder_params(10) == 80 + 292 + 1970
    assert conv.decoder_params(10) == 4312 + 292 + 37


LAYERS = 4  # index of the layers check in the autoencoders' list of checks


def conv_layer(filters: int, strides: int, transposed: bool = False) -> dict:
    return {
        "class": "Conv2DTranspose" if transposed else "Conv2D",
        "filters": filters,
        "kernel_size": [3, 3],
        "strides": [strides, strides],
        "padding": "same",
        "activation": "linear",
    }


LEAKY = {"class": "LeakyReLU", "negative_slope": 0.2}
DECODER = [
    {"class": "Dense", "units": 392, "activation": "linear"},
    {"class": "Reshape", "target_shape": [7, 7, 8]},
    conv_layer(4, 2, True),
    LEAKY,
    conv_layer(1, 2, True),
    {"class": "Activation", "activation": "sigmoid"},
]


def layers_check(rng, encoder: list[dict], encoder_graph: dict | None):
    """The conv autoencoder's layers check on this encoder (and the handout's decoder)."""
    chain = {"inbound": [[[i - 1]] for i in range(len(DECODER))], "unused": []}
    values = {
        "z10.encoder.facts": {"layers": encoder},
        "z10.decoder.facts": {"layers": DECODER},
        "z10.decoder.graph": chain,
    }
    if encoder_graph is not None:
        values["z10.encoder.graph"] = encoder_graph
    module = check_module("build_conv_autoencoder")
    return checked(module, module.make_inputs(rng), Observations(values))[LAYERS]


HANDOUT_ENCODER = [
    conv_layer(8, 2),
    LEAKY,
    conv_layer(4, 2),
    LEAKY,
    {"class": "Flatten"},
    {"class": "Dense", "units": 10, "activation": "linear"},
]


def test_handout_layers_fed_in_order_pass_the_layers_check(rng):
    """The handout's chain with its recorded graph: full marks, no hint."""
    graph = {"inbound": [[[i - 1]] for i in range(6)], "unused": []}
    check = layers_check(rng, HANDOUT_ENCODER, graph)
    assert check.passed and check.hint == ""


def test_second_conv_fed_the_image_is_named_from_the_graph(rng):
    """The second conv fed the input image, the first block left unused: is the hint the graph
    fact (never a ReLU claim or a guess), and without a graph only the generic one?"""
    encoder = [conv_layer(4, 4), LEAKY, {"class": "Flatten"}, HANDOUT_ENCODER[-1]]
    graph = {
        "inbound": [[[-1]], [[0]], [[1]], [[2]]],
        "unused": [{**conv_layer(8, 2), "inbound": [-1]}, {**LEAKY, "inbound": [4]}],
    }
    check = layers_check(rng, encoder, graph)
    assert check.fraction == 0.5
    assert check.hint == (
        "Conv2D(8, 3x3, stride 2, same) -> LeakyReLU(0.2) is computed but never used: "
        "Conv2D(4, 3x3, stride 4, same) is fed the model's input instead of its output"
    )
    assert "follow the handout's layers" in layers_check(rng, encoder, None).hint


def test_same_layers_wired_otherwise_lose_the_layers_points(rng):
    """Layers in the handout's order but Dense fed the first LeakyReLU (a graph no chain
    has): are the encoder's layer points lost, the graph fact given?"""
    graph = {"inbound": [[[-1]], [[0]], [[1]], [[2]], [[3]], [[1]]], "unused": []}
    check = layers_check(rng, HANDOUT_ENCODER, graph)
    assert check.fraction == 0.5
    assert check.hint.startswith("Dense(10) is fed the output of LeakyReLU(0.2) where")
