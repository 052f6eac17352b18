"""Keras helpers for the collectors: they run in a worker of the sandboxed child, where Keras
and TensorFlow are already imported (Keras is imported inside each function). Plain facts
only: no expected answer is computed here."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def run_compiled(fn: Callable, *arrays: np.ndarray) -> object:
    """``fn`` called on symbolic tensors inside a compiled TensorFlow function, the way
    ``vae.fit`` calls the losses; returns the result as a NumPy array."""
    import tensorflow as tf

    compiled = tf.function(lambda *tensors: fn(*tensors), autograph=False)
    return compiled(*[tf.constant(a) for a in arrays]).numpy()


def model_facts(model: object) -> dict:
    """Plain facts about something that should be a ``keras.Model``: its class, whether it is a
    Model, parameter count, and its layers flattened (nested models expanded)."""
    import keras

    facts = {"type": type(model).__name__, "is_model": isinstance(model, keras.Model)}
    if not facts["is_model"]:
        return facts
    try:
        facts["params"] = int(model.count_params())
    except ValueError:  # a subclassed model (the VAE) is not built before its first call
        facts["params"] = None
    facts["layers"] = [describe_layer(layer) for layer in _flat_layers(model)]
    return facts


def _flat_layers(model) -> list:
    import keras

    layers = []
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            layers.extend(_flat_layers(layer))
        elif type(layer).__name__ != "InputLayer":
            layers.append(layer)
    return layers


_CONFIG_KEYS = (
    "units",
    "filters",
    "kernel_size",
    "strides",
    "padding",
    "activation",
    "negative_slope",
    "target_shape",
)


def sampler_index(encoder) -> int | None:
    """Index, in the encoder's flattened layers, of the layer that outputs z (its third
    output); None when it is not one of them (a nested model, a bare op)."""
    operation = encoder.outputs[2]._keras_history.operation
    for index, layer in enumerate(_flat_layers(encoder)):
        if layer is operation:
            return index
    return None


def _activation_name(value: dict) -> str:
    """A serialised ``activation=`` as a plain name, never a generated layer name:
    ``leaky_relu`` for a function, ``LeakyReLU(0.2)`` for a layer (with its slope)."""
    config = value.get("config")
    cls = value.get("class_name", "")
    if isinstance(config, str):  # a function, e.g. keras.activations.leaky_relu
        return config
    config = config if isinstance(config, dict) else {}
    if cls == "LeakyReLU":
        return f"LeakyReLU({float(config.get('negative_slope', 0.3)):g})"
    if cls == "Activation":
        return str(config.get("activation", "linear"))
    return {"ReLU": "relu"}.get(cls, cls or str(config.get("name")))


def describe_layer(layer) -> dict:
    """The class name and the configuration keys that define the handout's architectures."""
    try:
        config = layer.get_config()
    except Exception:  # noqa: BLE001 - a custom layer without get_config
        config = {}
    described = {"class": type(layer).__name__}
    for key in _CONFIG_KEYS:
        if key in config:
            value = config[key]
            if isinstance(value, dict):  # a serialised activation: a layer or a function
                value = _activation_name(value)
            if not isinstance(value, (int, float, str, list, tuple, type(None))):
                value = getattr(value, "__name__", type(value).__name__)
            described[key] = list(value) if isinstance(value, tuple) else value
    return described
