"""tp_ae.selfcheck.keras_facts.layer_graph: which layer feeds which, read off small models
whose wiring is known by construction (indices into model_facts' flattened layers)."""

from __future__ import annotations

import pytest

keras = pytest.importorskip("keras")
layers = keras.layers

from tp_ae.selfcheck.keras_facts import layer_graph, model_facts  # noqa: E402


def _classes(model) -> list[str]:
    return [layer["class"] for layer in model_facts(model)["layers"]]


def test_a_chain_feeds_each_layer_the_one_before():
    """Does a Sequential read as a chain: layer 0 fed the input, each next one the previous?"""
    model = keras.Sequential([keras.Input((4,)), layers.Dense(3), layers.Dense(2)])
    graph = layer_graph(model)
    assert graph == {"inbound": [[[-1]], [[0]]], "outputs": [1], "unused": []}


def test_a_head_fed_the_other_head_and_the_sampler_fed_both():
    """Two heads on one hidden layer, the second fed the first: are the sources those indices?"""
    x = keras.Input((6,))
    h = layers.Dense(5)(x)
    mean = layers.Dense(2)(h)
    log_var = layers.Dense(2)(mean)
    z = layers.Add()([mean, log_var])
    graph = layer_graph(keras.Model(x, [mean, log_var, z]))
    assert graph["inbound"] == [[[-1]], [[0]], [[1]], [[1, 2]]]
    assert graph["outputs"] == [1, 2, 3]


def test_one_layer_called_twice_gives_both_outputs_from_one_index():
    """One Dense called twice: one index, two calls, and both outputs point at it?"""
    x = keras.Input((6,))
    head = layers.Dense(2)
    model = keras.Model(x, [head(x), head(x)])
    graph = layer_graph(model)
    assert graph["inbound"] == [[[-1], [-1]]]
    assert graph["outputs"] == [0, 0]


def test_a_block_off_the_graph_is_listed_as_unused_with_its_inputs():
    """A block computed on the input but never used: listed after the flattened layers, each
    with the index it is fed (the input, then the unused block before it)?"""
    x = keras.Input((6,))
    layers.ReLU()(layers.Dense(4)(x))  # computed, never used
    model = keras.Model(x, layers.Dense(3)(x))
    graph = layer_graph(model)
    assert _classes(model) == ["Dense"]
    assert graph["inbound"] == [[[-1]]] and graph["outputs"] == [0]
    assert [(u["class"], u["inbound"]) for u in graph["unused"]] == [
        ("Dense", [-1]),
        ("ReLU", [1]),
    ]


def test_a_nested_model_is_expanded_and_fed_the_outer_input():
    """A Sequential inside a functional model: are its layers numbered in place, its first fed
    the outer model's input and the layer after it fed its last?"""
    inner = keras.Sequential([keras.Input((6,)), layers.Dense(4), layers.Dense(3)])
    x = keras.Input((6,))
    model = keras.Model(x, layers.Dense(2)(inner(x)))
    assert layer_graph(model)["inbound"] == [[[-1]], [[0]], [[1]]]
    assert layer_graph(model)["outputs"] == [2]


def test_a_subclassed_model_has_no_graph():
    """A model whose call is Python code (no layer graph): None, not a guess?"""

    class Twice(keras.Model):
        def call(self, x):
            return 2 * x

    assert layer_graph(Twice()) is None
