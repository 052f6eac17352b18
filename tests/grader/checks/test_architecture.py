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
    from grader.checks._keras import _activation_name

    layer = {"class_name": "LeakyReLU", "config": {"name": "leaky_re_lu_7", "negative_slope": 0.2}}
    function = {"module": "keras.activations", "class_name": "function", "config": "leaky_relu"}
    as_layer = [{"class": "Dense", "units": 512, "activation": _activation_name(layer)}]
    as_function = [{"class": "Dense", "units": 512, "activation": _activation_name(function)}]
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
