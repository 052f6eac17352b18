"""Judgements of a builder's models, build by build (z_dim = 2 and 10), shared by the release's
self-check and the grader's checks of the autoencoders and VAEs.

Plain data and NumPy on what the student's models gave: shapes of the codes, the layers' and
parameter counts' verdicts once each side has its expected values (the grader's from its own
handout architecture, the self-check's prepared), the convolution classes, the training's
negative ELBO. No expected value and no hint text lives here: each side passes its own in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

import numpy as np

from tp_ae.selfcheck.checks._graph import chain, graph_findings, head_finding, token_graph
from tp_ae.selfcheck.checks._models import differences, layer_tokens
from tp_ae.selfcheck.judge import Record, fmt, shape_text

MODELS = ("encoder", "decoder")


def code_shapes(
    record: Record, z_dims: list[int], n: int, missing: Callable[[int], str]
) -> tuple[list[float], list[str], bool]:
    """(parts, messages, same size) of an autoencoder's codes ``z{z_dim}.encoded``: one part
    per z_dim, right when (n, z_dim); ``missing(z_dim)``: the message when nothing came back;
    same size: every z_dim gave codes of one shape (the z_dim argument unused)."""
    parts, messages, shapes = [], [], {}
    for z_dim, got in _built(record.array, "z{}.encoded", z_dims, missing, parts, messages):
        shapes[z_dim] = got.shape
        parts.append(float(got.shape == (n, z_dim)))
        if got.shape != (n, z_dim):
            messages.append(
                f"z_dim={z_dim}: got shape {shape_text(got.shape)}, "
                f"expected {shape_text((n, z_dim))}"
            )
    same = len(shapes) == len(z_dims) and len(set(shapes.values())) == 1
    return parts, messages, same


def vae_codes(
    record: Record,
    z_dims: list[int],
    n: int,
    missing: Callable[[int], str],
    three_outputs: str,
    heads: str,
) -> tuple[list[float], list[str], list[str]]:
    """(parts, messages, hints) of a VAE encoder's outputs ``z{z_dim}.encoded.{i}``: one part
    per z_dim, right when three outputs, each (n, z_dim); ``three_outputs``, ``heads``: the
    hints of another number of outputs and of outputs of another shape."""
    parts, messages, hints = [], [], []
    found = _built(record.get, "z{}.encoded.count", z_dims, missing, parts, messages)
    for z_dim, count in found:
        shapes = [record.array(f"z{z_dim}.encoded.{i}") for i in range(min(count, 3))]
        shapes = [None if s is None else s.shape for s in shapes]
        ok = count == 3 and all(s == (n, z_dim) for s in shapes)
        parts.append(float(ok))
        if count != 3:
            messages.append(f"z_dim={z_dim}: the encoder returns {count} outputs, expected 3")
            hints.append(three_outputs)
        elif not ok:
            got = ", ".join("?" if s is None else shape_text(s) for s in shapes)
            messages.append(f"z_dim={z_dim}: got shapes {got}, expected {shape_text((n, z_dim))}")
            hints.append(heads)
    return parts, messages, hints


def _built(
    read: Callable[[str], object],
    key: str,
    z_dims: list[int],
    missing: Callable[[int], str],
    parts: list[float],
    messages: list[str],
) -> Iterator[tuple[int, object]]:
    """(z_dim, what ``read(key.format(z_dim))`` found) of each build that gave something; a
    build that gave nothing gets a part of 0 and the message ``missing(z_dim)``."""
    for z_dim in z_dims:
        got = read(key.format(z_dim))
        if got is None:
            parts.append(0.0)
            messages.append(missing(z_dim))
            continue
        yield z_dim, got


def layers_verdict(
    model: str, got: list[str] | None, want: list[str], found: list[str]
) -> tuple[bool, str]:
    """(right, message) of a model's layer tokens against the handout's, ``found`` the layer
    graph's findings (facts; any one makes it wrong); the message is "" when right."""
    ok = got == want and not found
    if got is None:
        return ok, f"{model}: no model to inspect"
    if ok:
        return ok, ""
    diffs = differences(got, want) if got != want else []
    return ok, f"{model}: " + "; ".join(dict.fromkeys(found + diffs))


def vae_architecture(
    record: Record,
    layers: Iterable[tuple[str, list[str] | None, list[str], list[str]]],
    builds: Iterable[tuple[int, dict]],
    counts: Callable[[int, int], tuple[int, int]],
    architecture_hint: Callable[[list[str]], str],
    hidden_hint: str,
) -> tuple[float, str, str]:
    """(fraction, message, hint) of a VAE's layers and parameter counts: a quarter per model of
    ``layers`` ((model, got, want, graph findings) of the z_dim = 10 build), an eighth per
    model and build of its parameter count (``counts(z_dim, hidden_dim)``: the expected
    encoder's and decoder's). The hint: a graph finding, else ``hidden_hint`` when only the
    builds with hidden_dim=64 are off, else ``architecture_hint(messages)``; "" when right."""
    parts, messages, findings = [], [], []
    for model, got, want, found in layers:
        findings.extend(found)
        ok, message = layers_verdict(model, got, want, found)
        parts.append(0.25 * ok)
        if message:
            messages.append(message)
    hidden = [(z_dim, kwargs.get("hidden_dim", 512)) for z_dim, kwargs in builds]
    expected = [(z, f"z_dim={z}, hidden_dim={h}", counts(z, h)) for z, h in hidden]
    right, wrong_counts = param_counts(record, expected)
    parts.extend(0.125 * r for r in right)
    messages.extend(wrong_counts)
    fraction = sum(parts)
    hint = ""
    if findings:  # a fact of the layer graph
        hint = findings[0]
    elif fraction < 1:
        small = any("hidden_dim=64" in m for m in messages)
        if small and not any("hidden_dim=512" in m for m in messages):
            hint = hidden_hint
        else:
            hint = architecture_hint(messages)
    shown = "; ".join(messages[:3]) + ("; ..." if len(messages) > 3 else "")
    return fraction, shown, hint


def param_counts(
    record: Record, builds: Iterable[tuple[int, str, tuple[int, int]]]
) -> tuple[list[bool], list[str]]:
    """(right, messages): per build (z_dim, how messages name it, the expected encoder's and
    decoder's parameter counts) and model, whether ``z{z_dim}.{model}.facts`` has that count."""
    right, messages = [], []
    for z_dim, label, counts in builds:
        for model, count in zip(MODELS, counts, strict=True):
            got = (record.get(f"z{z_dim}.{model}.facts") or {}).get("params")
            right.append(got == count)
            if got != count:
                shown = "no model" if got is None else f"{got:,}"
                messages.append(f"{model}, {label}: got {shown} parameters, expected {count:,}")
    return right, messages


def autoencoder_layers(
    record: Record, handout: Iterable[tuple[str, list[str]]]
) -> tuple[list[float], list[str], list[str]]:
    """(parts, messages, graph findings) of an autoencoder's layers (z_dim = 10 build): per
    (model, the handout's tokens), right when the tokens are the handout's and, where the layer
    graph was recorded, the layers are fed in a chain as in the handout."""
    parts, messages, findings = [], [], []
    for model, want in handout:
        facts = record.get(f"z10.{model}.facts") or {}
        got, found = None, []
        if "layers" in facts:
            got = layer_tokens(facts["layers"])
            read = token_graph(facts["layers"], record.get(f"z10.{model}.graph"))
            found = graph_findings(*read, chain(want)) if read is not None else []
        findings.extend(found)
        ok, message = layers_verdict(model, got, want, found)
        parts.append(float(ok))
        if message:
            messages.append(message)
    return parts, messages, findings


def convolutional(record: Record) -> tuple[float, str, str]:
    """(fraction, message, heads finding) of a convolutional VAE (z_dim = 10 build): half for
    Conv2D in the encoder with two heads of their own (where the layer graph was recorded),
    half for Conv2DTranspose, or UpSampling2D and a convolution, in the decoder."""
    encoder = {layer.get("class") for layer in _layers(record, "encoder")}
    decoder = {layer.get("class") for layer in _layers(record, "decoder")}
    heads = head_finding(record.get("z10.encoder.graph"))  # a fact of the layer graph
    conv = "Conv2D" in encoder
    upsamples = bool(decoder & {"Conv2DTranspose", "UpSampling2D"}) and bool(
        decoder & {"Conv2D", "Conv2DTranspose"}
    )
    messages = []
    if not conv:
        messages.append("no Conv2D layer in the encoder")
    if heads:
        messages.append(f"encoder: {heads.split(':')[0]}")
    if not upsamples:
        messages.append("no Conv2DTranspose (or UpSampling2D + Conv2D) in the decoder")
    return ((conv and not heads) + upsamples) / 2, "; ".join(messages), heads


def _layers(record: Record, model: str) -> list[dict]:
    return (record.get(f"z10.{model}.facts") or {}).get("layers") or []


def training(before: float, after: float, first: float) -> tuple[float, list[str], bool]:
    """(fraction, messages, consistent) of a VAE's training, in nats: half for the negative
    ELBO ``before`` fit lowered by more than 2 ``after`` it, half for fit's ``first`` epoch
    loss within a factor 1.5 of ``before`` (consistent: fit minimises the negative ELBO)."""
    messages = []
    lowered = np.isfinite(after) and after < before - 2.0
    if not lowered:
        messages.append(f"negative ELBO before fit {before:.1f}, after {after:.1f} nats")
    consistent = np.isfinite(first) and 0.5 * before <= first <= 1.5 * before
    if not consistent:
        messages.append(
            f"fit's loss in the first epoch: got {fmt(first)}, expected about the negative "
            f"ELBO, {before:.1f} nats"
        )
    return 0.5 * lowered + 0.5 * consistent, messages, bool(consistent)
