"""grader.checks._architecture (shared by the builders): layers read as tokens whichever way the
activation is given, differences named without claiming a mistake the layers do not show."""

from __future__ import annotations

from grader.checks import _architecture


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
    from tp_ae.selfcheck.keras_facts import activation_name

    layer = {"class_name": "LeakyReLU", "config": {"name": "leaky_re_lu_7", "negative_slope": 0.2}}
    function = {"module": "keras.activations", "class_name": "function", "config": "leaky_relu"}
    as_layer = [{"class": "Dense", "units": 512, "activation": activation_name(layer)}]
    as_function = [{"class": "Dense", "units": 512, "activation": activation_name(function)}]
    want = ["Dense(512)", "LeakyReLU(0.2)"]
    assert _architecture.layer_tokens(as_layer) == _architecture.layer_tokens(as_function) == want


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


def dense(units: int, activation: str = "linear") -> dict:
    return {"class": "Dense", "units": units, "activation": activation}


CONV8 = {
    "class": "Conv2D",
    "filters": 8,
    "kernel_size": [3, 3],
    "strides": [2, 2],
    "padding": "same",
}
CONV4 = {**CONV8, "filters": 4}
LEAKY = {"class": "LeakyReLU", "negative_slope": 0.2}


def test_token_graph_reads_activation_arguments_as_a_chain_inside_the_layer():
    """Does Dense(784, activation="sigmoid") fed Flatten give Dense(784) fed Flatten and sigmoid
    fed Dense(784), the way a separate Activation layer reads?"""
    layers = [{"class": "Flatten"}, dense(784, "sigmoid")]
    live, dead = _architecture.token_graph(layers, {"inbound": [[[-1]], [[0]]], "unused": []})
    assert live == _architecture.chain(["Flatten", "Dense(784)", "sigmoid"])
    assert dead.tokens == []


def test_a_chain_as_in_the_handout_has_no_graph_finding():
    """Is the handout's own chain, read from a recorded graph, free of findings?"""
    layers = [CONV8, LEAKY, CONV4, LEAKY, {"class": "Flatten"}, dense(10)]
    graph = {"inbound": [[[i - 1]] for i in range(6)], "unused": []}
    live, dead = _architecture.token_graph(layers, graph)
    want = _architecture.chain(_architecture.layer_tokens(layers))
    assert _architecture.graph_findings(live, dead, want) == []


def test_a_layer_fed_the_input_instead_of_the_block_before_is_named():
    """The second conv fed the image, the first block left off the graph: is the unused block
    named, and the conv fed the input instead of its output?"""
    conv4_s4 = {**CONV4, "strides": [4, 4]}
    layers = [conv4_s4, LEAKY, {"class": "Flatten"}, dense(10)]
    graph = {
        "inbound": [[[-1]], [[0]], [[1]], [[2]]],
        "unused": [{**CONV8, "inbound": [-1]}, {**LEAKY, "inbound": [4]}],
    }
    live, dead = _architecture.token_graph(layers, graph)
    want = _architecture.chain(
        _architecture.layer_tokens([CONV8, LEAKY, CONV4, LEAKY]) + ["Flatten", "Dense(10)"]
    )
    findings = _architecture.graph_findings(live, dead, want)
    assert findings == [
        "Conv2D(8, 3x3, stride 2, same) -> LeakyReLU(0.2) is computed but never used: "
        "Conv2D(4, 3x3, stride 4, same) is fed the model's input instead of its output"
    ]


def test_unused_layers_the_handout_does_not_have_prove_nothing():
    """A model whose tensors also feed another model (the autoencoder built on the encoder's
    tensors): no claim, its layers being the handout's."""
    layers = [{"class": "Flatten"}, dense(10)]
    graph = {"inbound": [[[-1]], [[0]]], "unused": [{"class": "Functional", "inbound": [1]}]}
    live, dead = _architecture.token_graph(layers, graph)
    assert (
        _architecture.graph_findings(live, dead, _architecture.chain(["Flatten", "Dense(10)"]))
        == []
    )


def test_a_layer_fed_two_steps_back_names_the_skipped_layer():
    """Flatten fed the conv instead of its LeakyReLU (then off the model's graph): is the unused
    LeakyReLU named, and Flatten fed the conv's output instead of its output?"""
    layers = [CONV8, {"class": "Flatten"}, dense(10)]
    graph = {"inbound": [[[-1]], [[0]], [[1]]], "unused": [{**LEAKY, "inbound": [0]}]}
    live, dead = _architecture.token_graph(layers, graph)
    want = _architecture.chain(
        _architecture.layer_tokens([CONV8, LEAKY]) + ["Flatten", "Dense(10)"]
    )
    assert _architecture.graph_findings(live, dead, want) == [
        "LeakyReLU(0.2) is computed but never used: Flatten is fed the output of "
        "Conv2D(8, 3x3, stride 2, same) instead of its output"
    ]


def test_a_graph_that_does_not_fit_the_layers_is_ignored():
    """Recorded inbound lists of another length than the layers (an older child): no graph."""
    assert _architecture.token_graph([dense(10)], {"inbound": [], "unused": []}) is None


def test_a_missing_layer_alone_is_no_graph_finding():
    """A LeakyReLU simply left out (Conv2D(4) then fed Conv2D(8)): the token differences name
    it; the graph adds no claim of a wrong input."""
    layers = [CONV8, CONV4, LEAKY]
    live, dead = _architecture.token_graph(layers, {"inbound": [[[-1]], [[0]], [[1]]]})
    want = _architecture.chain(_architecture.layer_tokens([CONV8, LEAKY, CONV4, LEAKY]))
    assert _architecture.graph_findings(live, dead, want) == []
