"""Comparing a model's layers with the handout's architecture (parent side, plain data).

The child describes each layer as a dict (:func:`grader.checks._keras.describe_layer`); here the
layers become tokens such as ``Conv2D(8, 3x3, stride 2, same)`` or ``LeakyReLU(0.2)`` (an
activation given as a layer or as ``activation=`` reads the same), and the sequence is compared
with the handout's, naming the first differences.
"""

from __future__ import annotations

import difflib
import re

_ACTIVATION_TOKENS = {
    "sigmoid": "sigmoid",
    "leaky_relu": "LeakyReLU(0.2)",  # keras.activations.leaky_relu's default slope is 0.2
    "relu": "ReLU",
    "tanh": "tanh",
    "softmax": "softmax",
}


def layer_tokens(layers: list[dict]) -> list[str]:
    """One token per layer (plus one for an ``activation=`` other than linear)."""
    tokens = []
    for layer in layers:
        cls = layer.get("class", "?")
        activation = layer.get("activation")
        if cls == "Dense":
            tokens.append(f"Dense({layer.get('units')})")
        elif cls in ("Conv2D", "Conv2DTranspose"):
            tokens.append(_conv_token(cls, layer))
        elif cls == "LeakyReLU":
            tokens.append(f"LeakyReLU({float(layer.get('negative_slope', 0.3)):g})")
            activation = None
        elif cls == "Activation":
            pass
        elif cls == "ReLU":
            tokens.append("ReLU")
        elif cls == "Reshape":
            tokens.append(f"Reshape({', '.join(str(s) for s in layer.get('target_shape', []))})")
        else:
            tokens.append(cls)
        if activation and activation != "linear":
            tokens.append(_ACTIVATION_TOKENS.get(str(activation), str(activation)))
    return tokens


def _conv_token(cls: str, layer: dict) -> str:
    kernel = layer.get("kernel_size", "?")
    kernel = "x".join(str(k) for k in kernel) if isinstance(kernel, list) else str(kernel)
    strides = layer.get("strides", 1)
    if isinstance(strides, list):
        strides = strides[0] if len(set(strides)) == 1 else "x".join(map(str, strides))
    return f"{cls}({layer.get('filters')}, {kernel}, stride {strides}, {layer.get('padding')})"


def differences(got: list[str], expected: list[str], limit: int = 2) -> list[str]:
    """Human-readable differences between two token sequences, first ``limit`` of them."""
    found = []
    matcher = difflib.SequenceMatcher(a=expected, b=got, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        want, have = ", ".join(expected[i1:i2]), ", ".join(got[j1:j2])
        if op == "replace":
            found.append(f"got {have} where the handout has {want}")
        elif op == "delete":
            found.append(f"missing {want}")
        else:
            found.append(f"extra {have}")
    return found[:limit]


def architecture_hint(diffs: list[str]) -> str:
    """A hint for the commonest architecture slips, read off the differences."""
    text = " ".join(diffs)
    if "LeakyReLU(0.3)" in text:
        return "keras.layers.LeakyReLU() defaults to slope 0.3: write LeakyReLU(negative_slope=0.2)"
    if re.search(r"(?<!Leaky)ReLU", text) and "LeakyReLU(0.2)" in text:
        return "the handout uses LeakyReLU(0.2), not ReLU"
    if "stride 1" in text:
        return "the convolutions have stride 2 (strides=2), which halves 28 -> 14 -> 7"
    if "valid" in text:
        return 'use padding="same" so that the sizes go 28 -> 14 -> 7 and back'
    return "follow the handout's layers in order (see the differences listed)"
