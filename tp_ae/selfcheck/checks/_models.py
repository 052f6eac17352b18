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

_ACTIVATIONS = {
    "sigmoid": "sigmoid",
    "leaky_relu": "LeakyReLU(0.2)",
    "relu": "ReLU",
    "tanh": "tanh",
    "softmax": "softmax",
}


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
