"""tp_ae/selfcheck/checks/_graph.py: the findings read off a recorded layer graph (plain data),
the same facts in the same words as the grader's."""

from __future__ import annotations

import pytest

from tp_ae.selfcheck.checks._graph import (
    TokenGraph,
    chain,
    graph_findings,
    head_finding,
    token_graph,
    two_heads,
)

CONV = {"class": "Conv2D", "kernel_size": [3, 3], "padding": "same", "activation": "linear"}
LEAKY = {"class": "LeakyReLU", "negative_slope": 0.2}
# conv_second_fed_input's encoder as layer_graph records it: the first block off the graph
SECOND_FED_INPUT = (
    [
        {**CONV, "filters": 4, "strides": [4, 4]},
        LEAKY,
        {"class": "Flatten"},
        {"class": "Dense", "units": 10, "activation": "linear"},
    ],
    {
        "inbound": [[[-1]], [[0]], [[1]], [[2]]],
        "outputs": [3],
        "unused": [
            {**CONV, "filters": 8, "strides": [2, 2], "inbound": [-1]},
            {**LEAKY, "inbound": [4]},
        ],
    },
)
HANDOUT = [
    "Conv2D(8, 3x3, stride 2, same)",
    "LeakyReLU(0.2)",
    "Conv2D(4, 3x3, stride 4, same)",
    "LeakyReLU(0.2)",
    "Flatten",
    "Dense(10)",
]
VAE = ["Flatten", "Dense(512)", "LeakyReLU(0.2)", "Dense(10)", "Dense(10)", "Sampling"]
RIGHT_HEADS = {"inbound": [[[-1]], [[0]], [[1]], [[2]], [[2]], [[3, 4]]], "outputs": [3, 4, 5]}


def test_a_block_off_the_graph_is_named_with_the_layer_fed_instead():
    """The first block computed on the input but unused: is it named, with the convolution
    that is fed the input instead of its output?"""
    got, dead = token_graph(*SECOND_FED_INPUT)
    assert dead.tokens == ["Conv2D(8, 3x3, stride 2, same)", "LeakyReLU(0.2)"]
    assert graph_findings(got, dead, chain(HANDOUT)) == [
        "Conv2D(8, 3x3, stride 2, same) -> LeakyReLU(0.2) is computed but never used: "
        "Conv2D(4, 3x3, stride 4, same) is fed the model's input instead of its output"
    ]


def test_a_chain_wired_as_the_handout_has_no_finding():
    """Every layer fed the one before, nothing unused: no finding at all?"""
    layers, graph = SECOND_FED_INPUT
    got, dead = token_graph(layers, {**graph, "unused": []})
    assert graph_findings(got, dead, chain(got.tokens)) == []


def test_no_graph_or_one_that_does_not_fit_the_layers_is_no_claim():
    """No recorded graph, or one with another number of layers: None, nothing to say?"""
    layers, graph = SECOND_FED_INPUT
    assert token_graph(layers, None) is None
    assert token_graph(layers[:2], graph) is None
    assert head_finding(None) == ""


def test_the_vae_encoder_has_two_heads_on_the_hidden_layer_and_the_sampler_on_both():
    """Does the handout's VAE encoder read: a chain, both heads fed LeakyReLU, Sampling fed
    both heads (and without the sampler, the same less its last token)?"""
    assert two_heads(VAE) == TokenGraph(VAE, [(-1,), (0,), (1,), (2,), (2,), (3, 4)])
    assert two_heads(VAE[:-1]) == TokenGraph(VAE[:-1], [(-1,), (0,), (1,), (2,), (2,)])


@pytest.mark.parametrize(
    ("graph", "expected"),
    [
        (RIGHT_HEADS, ""),
        ({"inbound": [[[-1]], [[0]], [[1]], [[2], [2]], [[3, 3]]], "outputs": [3, 3, 4]},
         "one Dense layer gives both z_mean and z_log_var"),
        ({**RIGHT_HEADS, "inbound": [[[-1]], [[0]], [[1]], [[2]], [[3]], [[3, 4]]]},
         "z_log_var is computed from z_mean"),
        ({**RIGHT_HEADS, "inbound": [[[-1]], [[0]], [[1]], [[4]], [[2]], [[3, 4]]]},
         "z_mean is computed from z_log_var"),
    ],
    ids=["right", "one_layer_for_both", "logvar_from_mean", "mean_from_logvar"],
)  # fmt: skip
def test_the_heads_finding_names_what_the_graph_shows(graph, expected):
    """One Dense for both heads, or a head fed the other: named; the handout's heads: ""?"""
    found = head_finding(graph)
    assert found.startswith(expected) and bool(found) == bool(expected)


def test_the_grader_states_the_same_findings_in_the_same_words():
    """On the same recorded graphs, does the grader's parent find exactly what the release's
    self-check finds (the agreement of tp-ae check and the grader rests on it)?"""
    from grader.checks import _architecture, _vae

    layers, graph = SECOND_FED_INPUT
    ours = graph_findings(*token_graph(layers, graph), chain(HANDOUT))
    read = _architecture.token_graph(layers, graph)
    theirs = _architecture.graph_findings(*read, _architecture.chain(HANDOUT))
    assert ours == theirs
    assert two_heads(VAE).sources == _vae.vae_graphs(10, 512)["encoder"].sources
    assert two_heads(VAE[:-1]).sources == _vae.vae_graphs(10, 512, False)["encoder"].sources
    shared = {"inbound": [[[-1]], [[0]], [[1]], [[2], [2]], [[3, 3]]], "outputs": [3, 3, 4]}
    assert head_finding(shared) == _vae.head_finding(shared)
