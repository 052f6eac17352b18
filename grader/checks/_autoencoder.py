"""Checks shared by the two autoencoder builders (MLP and convolutional).

Built with z_dim = 2 and 10: three Models returned; encoder (N, 28, 28, 1) -> (N, z_dim);
decoder (N, z_dim) -> (N, 28, 28, 1) in [0, 1]; autoencoder = decoder(encoder(x)); the
handout's layers and parameter counts (shapes right with another architecture keep the shape
points).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from grader.checks._architecture import (
    architecture_hint,
    chain,
    differences,
    graph_findings,
    layer_tokens,
    token_graph,
)
from grader.checks._common import check, close, decoder_check, error_text, shape_text
from grader.collect._autoencoder import IMAGE, Z_DIMS, N
from grader.observations import Observations


@dataclass(frozen=True)
class AutoencoderSpec:
    """The handout's architecture of one autoencoder, as functions of z_dim."""

    question_id: str
    encoder_layers: Callable[[int], list[str]]
    decoder_layers: Callable[[int], list[str]]
    encoder_params: Callable[[int], int]
    decoder_params: Callable[[int], int]


def make_inputs(rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Images x (6, 28, 28, 1) in [0, 1]; codes z (6, z_dim) ~ 3 N(0, 1) to push the decoder."""
    inputs = {"x": rng.random((N, *IMAGE)).astype(np.float32)}
    for z_dim in Z_DIMS:
        inputs[f"z{z_dim}"] = (3 * rng.normal(size=(N, z_dim))).astype(np.float32)
    return inputs


def score(spec: AutoencoderSpec, obs: Observations) -> list:
    """Returned models (0.1), encoder (0.2), decoder (0.2), composition (0.1), layers (0.25),
    parameter counts (0.15)."""
    return [
        _returned(spec, obs),
        _encoder(spec, obs),
        _decoder(spec, obs),
        _composition(obs),
        _layers(spec, obs),
        _params(spec, obs),
    ]


def _call(spec: AutoencoderSpec, z_dim: int) -> str:
    return f"{spec.question_id}(z_dim={z_dim})"


def _build_error(spec, obs: Observations, z_dim: int) -> str:
    key = f"z{z_dim}"
    return error_text(obs, f"{key}.build", _call(spec, z_dim)) or error_text(
        obs, f"{key}.returned", f"unpacking {_call(spec, z_dim)}"
    )


def _returned(spec, obs: Observations):
    name = "returns (encoder, decoder, autoencoder), three keras Models"
    parts, messages = [], []
    for z_dim in Z_DIMS:
        key = f"z{z_dim}"
        returned = obs.get(f"{key}.returned")
        if returned is None:
            parts.append(0.0)
            messages.append(_build_error(spec, obs, z_dim))
            continue
        facts = [obs.get(f"{key}.{m}.facts") or {} for m in ("encoder", "decoder", "autoencoder")]
        ok = returned.get("len") == 3 and all(f.get("is_model") for f in facts)
        parts.append(float(ok))
        if not ok:
            kinds = ", ".join(f.get("type", "?") for f in facts) if returned.get("len") == 3 else ""
            messages.append(
                f"z_dim={z_dim}: got a {returned.get('type')} of {returned.get('len')} items"
                + (f" ({kinds})" if kinds else "")
                + ", expected 3 keras.Model objects"
            )
    ok = all(parts)
    return check(
        name,
        0.1,
        float(np.mean(parts)),
        "; ".join(m for m in messages if m),
        "" if ok else "return encoder, decoder, autoencoder (each a keras.Model)",
    )


def _encoder(spec, obs: Observations):
    name = "encoder: (N, 28, 28, 1) -> (N, z_dim) for z_dim = 2 and 10"
    parts, messages, hint = [], [], ""
    shapes = {}
    for z_dim in Z_DIMS:
        got = obs.array(f"z{z_dim}.encoded")
        if got is None:
            parts.append(0.0)
            messages.append(
                error_text(obs, f"z{z_dim}.encoded", "encoder(x)") or _build_error(spec, obs, z_dim)
            )
            continue
        shapes[z_dim] = got.shape
        ok = got.shape == (N, z_dim)
        parts.append(float(ok))
        if not ok:
            messages.append(
                f"z_dim={z_dim}: got shape {shape_text(got.shape)}, "
                f"expected {shape_text((N, z_dim))}"
            )
    if len(set(shapes.values())) == 1 and len(shapes) == 2:
        hint = "use the z_dim argument: both z_dim values gave the same code size"
    elif not all(parts):
        hint = "the encoder's last layer must be Dense(z_dim) (after Flatten)"
    return check(name, 0.2, float(np.mean(parts)), "; ".join(m for m in messages if m), hint)


def _decoder(spec, obs: Observations):
    return decoder_check(
        obs,
        N,
        Z_DIMS,
        0.2,
        lambda z_dim: _build_error(spec, obs, z_dim),
        "end the decoder with a sigmoid so that pixels are in [0, 1]",
    )


def _composition(obs: Observations):
    name = "autoencoder(x) == decoder(encoder(x)), shape (N, 28, 28, 1)"
    got, want = obs.array("z10.reconstructed"), obs.array("z10.composed")
    if got is None:
        message = error_text(obs, "z10.reconstructed", "autoencoder(x)") or "no model to call"
        return check(name, 0.1, False, message)
    if want is None or not close(got, want, rtol=1e-4, atol=1e-5) or got.shape != (N, *IMAGE):
        message = f"got shape {shape_text(got.shape)}" + (
            "" if want is None else f", decoder(encoder(x)) has shape {shape_text(want.shape)}"
        )
        if want is not None and got.shape == want.shape:
            message = "autoencoder(x) differs from decoder(encoder(x))"
        again = obs.array("z10.reconstructed.again")
        if again is not None and again.shape == got.shape and not close(got, again, 1e-6, 1e-7):
            # evidence: the same x gives two different outputs, so the model is random at inference
            return check(
                name,
                0.1,
                False,
                message + f"; two calls of autoencoder(x) differ by up to "
                f"{float(np.max(np.abs(np.float64(got) - again))):.3g}",
                "the autoencoder is random at inference: dropout or noise is left on "
                "(training=True); keras.layers.Dropout is off by default outside fit",
            )
        return check(
            name,
            0.1,
            False,
            message,
            "build the autoencoder from the same encoder and decoder: "
            "keras.Model(x, decoder(encoder(x)))",
        )
    return check(name, 0.1, True)


def _layers(spec, obs: Observations):
    """The handout's layers in order and, where the child recorded the layer graph, fed as in
    the handout (a graph finding is the hint: it is a fact of the graph)."""
    name = "layers as in the handout"
    parts, messages, findings = [], [], []
    for model, expected in (("encoder", spec.encoder_layers), ("decoder", spec.decoder_layers)):
        facts = obs.get(f"z10.{model}.facts") or {}
        if "layers" not in facts:
            parts.append(0.0)
            messages.append(f"{model}: no model to inspect")
            continue
        got, want = layer_tokens(facts["layers"]), expected(10)
        read = token_graph(facts["layers"], obs.get(f"z10.{model}.graph"))
        found = graph_findings(*read, chain(want)) if read is not None else []
        findings.extend(found)
        parts.append(float(got == want and not found))
        if got != want or found:
            diffs = differences(got, want) if got != want else []
            messages.append(f"{model}: " + "; ".join(dict.fromkeys(found + diffs)))
    ok = all(parts)
    hint = "" if ok else (findings[0] if findings else architecture_hint(messages))
    return check(name, 0.25, float(np.mean(parts)), "; ".join(messages), hint)


def _params(spec, obs: Observations):
    name = "parameter counts as in the handout (z_dim = 2 and 10)"
    parts, messages = [], []
    for z_dim in Z_DIMS:
        for model, formula in (("encoder", spec.encoder_params), ("decoder", spec.decoder_params)):
            facts = obs.get(f"z{z_dim}.{model}.facts") or {}
            got, want = facts.get("params"), formula(z_dim)
            parts.append(float(got == want))
            if got != want:
                shown = "no model" if got is None else f"{got:,}"
                messages.append(
                    f"{model}, z_dim={z_dim}: got {shown} parameters, expected {want:,}"
                )
    ok = all(parts)
    return check(
        name,
        0.15,
        float(np.mean(parts)),
        "; ".join(messages[:2]) + ("; ..." if len(messages) > 2 else ""),
        ""
        if ok
        else "a different parameter count means different layers or sizes: compare "
        "with the handout's list",
    )
