"""Shared by the model builders' checks: describing a built model, comparing its layers with
the handout's (prepared as tokens such as ``Conv2D(8, 3x3, stride 2, same)``), the decoder's
output range."""

from __future__ import annotations

import difflib
import re

import numpy as np

from tp_ae.selfcheck import judge
from tp_ae.selfcheck.data import QuestionData
from tp_ae.selfcheck.recorder import Recorder
from tp_ae.selfcheck.results import CheckResult

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
_ACTIVATIONS = {
    "sigmoid": "sigmoid",
    "leaky_relu": "LeakyReLU(0.2)",
    "relu": "ReLU",
    "tanh": "tanh",
    "softmax": "softmax",
}


def model_facts(model: object) -> dict:
    """Class, whether it is a keras.Model, parameter count, its layers flattened."""
    import keras

    facts = {"type": type(model).__name__, "is_model": isinstance(model, keras.Model)}
    if facts["is_model"]:
        try:
            facts["params"] = int(model.count_params())
        except ValueError:  # a subclassed model (the VAE) is not built before its first call
            facts["params"] = None
        facts["layers"] = [describe_layer(layer) for layer in _flat_layers(model)]
    return facts


def _flat_layers(model) -> list:
    import keras

    found = []
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            found.extend(_flat_layers(layer))
        elif type(layer).__name__ != "InputLayer":
            found.append(layer)
    return found


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


def layer_tokens(layers: list[dict]) -> list[str]:
    """One token per layer, plus one for an ``activation=`` other than linear."""
    tokens = []
    for layer in layers:
        cls, activation = layer.get("class", "?"), layer.get("activation")
        if cls == "Dense":
            tokens.append(f"Dense({layer.get('units')})")
        elif cls in ("Conv2D", "Conv2DTranspose"):
            kernel = layer.get("kernel_size", "?")
            kernel = "x".join(map(str, kernel)) if isinstance(kernel, list) else str(kernel)
            strides = layer.get("strides", 1)
            if isinstance(strides, list):
                strides = strides[0] if len(set(strides)) == 1 else "x".join(map(str, strides))
            tokens.append(
                f"{cls}({layer.get('filters')}, {kernel}, stride {strides}, {layer.get('padding')})"
            )
        elif cls == "LeakyReLU":
            tokens.append(f"LeakyReLU({float(layer.get('negative_slope', 0.3)):g})")
            activation = None
        elif cls == "Reshape":
            tokens.append(f"Reshape({', '.join(str(s) for s in layer.get('target_shape', []))})")
        elif cls != "Activation":
            tokens.append(cls)
        if activation and activation != "linear":
            tokens.append(_ACTIVATIONS.get(str(activation), str(activation)))
    return tokens


def differences(got: list[str], expected: list[str], limit: int = 2) -> list[str]:
    """The first differences between two token sequences, in words."""
    found = []
    matcher = difflib.SequenceMatcher(a=expected, b=got, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        want, have = ", ".join(expected[i1:i2]), ", ".join(got[j1:j2])
        if op == "replace":
            found.append(f"got {have} where the handout has {want}")
        elif op == "delete":
            found.append(f"missing {want}")
        elif op == "insert":
            found.append(f"extra {have}")
    return found[:limit]


def architecture_hint(data: QuestionData, messages: list[str]) -> str:
    """The prepared hint of the first known architecture slip the differences show."""
    text = " ".join(messages)
    for slip in data.spec["architecture_slips"]:
        parts = slip.get("all", [])
        patterns = slip.get("patterns", [])  # regular expressions, e.g. ReLU not in LeakyReLU
        if all(p in text for p in parts) and all(re.search(p, text) for p in patterns):
            return slip["hint"]
    return data.hint("architecture")


def decoder_check(
    data: QuestionData, rec: Recorder, index: int, n: int, z_dims, build_error, sigmoid_hint: str
) -> CheckResult:
    """The decoder maps (N, z_dim) to (N, 28, 28, 1) in [0, 1] for every z_dim built."""
    expected = (n, 28, 28, 1)
    parts, messages, hints = [], [], []
    for z_dim in z_dims:
        got = rec.array(f"z{z_dim}.decoded")
        if got is None:
            parts.append(0.0)
            call = judge.error_text(rec, f"z{z_dim}.decoded", "decoder(z)")
            messages.append(call or build_error(z_dim))
            continue
        shape_ok = got.shape == expected
        low, high = float(np.min(got)), float(np.max(got))
        range_ok = low >= 0.0 and high <= 1.0
        parts.append((shape_ok + range_ok) / 2)
        if not shape_ok:
            messages.append(
                f"z_dim={z_dim}: got shape {judge.shape_text(got.shape)}, "
                f"expected {judge.shape_text(expected)}"
            )
            hints.append(data.hint("decoder_reshape"))
        if not range_ok:
            messages.append(
                f"z_dim={z_dim}: got values in [{low:.3g}, {high:.3g}], expected [0, 1]"
            )
            hints.append(sigmoid_hint)
    return CheckResult(
        data.name(index),
        data.weight(index),
        float(np.mean(parts)),
        "; ".join(m for m in messages if m),
        "; ".join(dict.fromkeys(hints)),
    )


def build_error(rec: Recorder, key: str, call: str) -> str:
    return judge.error_text(rec, f"{key}.build", call) or judge.error_text(
        rec, f"{key}.returned", f"unpacking {call}"
    )


def collect_models(rec: Recorder, key: str, fn, kwargs: dict, names: tuple[str, ...]):
    """Build with ``kwargs``, record what came back and each model's facts; the three models
    or None."""
    ok, built = rec.call(f"{key}.build", fn, **kwargs)
    if not ok:
        return None
    ok, parts = rec.attempt(f"{key}.returned", lambda: tuple(built))
    rec.put(f"{key}.returned", {"type": type(built).__name__, "len": len(parts or ())})
    if not ok or len(parts) != 3:
        return None
    for name, model in zip(names, parts, strict=True):
        ok, facts = rec.attempt(f"{key}.{name}.facts", lambda m=model: model_facts(m))
        if ok:
            rec.put(f"{key}.{name}.facts", facts)
    return parts


def returned_check(data, rec, index, keys_calls, names, expected_text, hint_key) -> CheckResult:
    """Three keras Models came back from every build."""
    parts, messages = [], []
    for key, call in keys_calls:
        returned = rec.get(f"{key}.returned")
        if returned is None:
            parts.append(0.0)
            messages.append(build_error(rec, key, call))
            continue
        facts = [rec.get(f"{key}.{m}.facts") or {} for m in names]
        ok = returned.get("len") == 3 and all(f.get("is_model") for f in facts)
        parts.append(float(ok))
        if not ok:
            messages.append(
                f"{key.replace('z', 'z_dim=')}: got a {returned.get('type')} of "
                f"{returned.get('len')} items, expected {expected_text}"
            )
    return CheckResult(
        data.name(index),
        data.weight(index),
        float(np.mean(parts)),
        "; ".join(m for m in messages if m),
        "" if all(parts) else data.hint(hint_key),
    )
