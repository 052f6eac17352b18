"""Checks shared by the VAE builders (``build_vae`` and the bonus ``build_conv_vae``).

While they run, the submission's losses are the reference ones (a loss mistake is charged to the
loss's question only). Built with z_dim = 2 and 10: three Models; the encoder returns
``[z_mean, z_log_var, z]``, each (N, z_dim); the decoder gives (N, 28, 28, 1) in [0, 1]; z follows
the reparameterisation z = mu + exp(0.5 lv) eps statistically (the heads' biases are shifted so
that mu ~ 1 and lv ~ 2, where the classic slips give clearly different spreads); the architecture;
and a few steps of ``vae.fit`` lower the negative ELBO that the grader computes in NumPy.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from grader.checks._architecture import (
    TokenGraph,
    architecture_hint,
    chain,
    differences,
    graph_findings,
    layer_tokens,
    token_graph,
)
from grader.checks._common import check, decoder_check, error_text, fmt, shape_text
from grader.checks.kl_divergence import expected_kl
from grader.checks.reconstruction_loss import expected_loss
from grader.collect._vae import (  # noqa: F401 - the shared constants, read from here too
    BATCH,
    EPOCHS,
    EVAL_IMAGES,
    IMAGE,
    LEARNING_RATE,
    LV_SHIFT,
    MU_SHIFT,
    REPEATS,
    TRAIN_IMAGES,
    N,
)
from grader.observations import Observations
from tp_ae.selfcheck.draws import excess_kurtosis, is_standard


@dataclass(frozen=True)
class VaeSpec:
    question_id: str
    builds: tuple[tuple[int, dict], ...]  # (z_dim, keyword arguments) of each build
    conv: bool  # True: only "is convolutional" is checked, not exact layers


def make_inputs(rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Binary images drawn around a fixed blob (something to learn): train (128, 28, 28, 1);
    the first 8 are the shape-check images; z codes (8, z_dim) ~ 3 N(0, 1)."""
    rows, cols = np.mgrid[0:28, 0:28]
    blob = np.exp(-((rows - 14) ** 2 + (cols - 14) ** 2) / (2 * 6.0**2))
    p = 0.05 + 0.85 * blob
    train = (rng.random((TRAIN_IMAGES, 28, 28)) < p).astype(np.float32)[..., None]
    return {
        "train": train,
        "z2": (3 * rng.normal(size=(N, 2))).astype(np.float32),
        "z10": (3 * rng.normal(size=(N, 10))).astype(np.float32),
    }


# ---------------------------------------------------------------- parent side


def score(spec: VaeSpec, inputs: dict[str, np.ndarray], obs: Observations) -> list:
    """Returned models (0.1), encoder (0.15), decoder (0.15), reparameterisation (0.2),
    architecture (0.2), training (0.2)."""
    return [
        _returned(spec, obs),
        _encoder(spec, obs),
        _decoder(spec, obs),
        _reparameterisation(obs),
        _convolutional(obs) if spec.conv else _architecture(spec, obs),
        _training(inputs, obs),
    ]


def _call(spec: VaeSpec, z_dim: int) -> str:
    kwargs = dict(spec.builds)[z_dim]
    return f"{spec.question_id}({', '.join(f'{k}={v}' for k, v in kwargs.items())})"


def _build_error(spec: VaeSpec, obs: Observations, z_dim: int) -> str:
    key = f"z{z_dim}"
    return error_text(obs, f"{key}.build", _call(spec, z_dim)) or error_text(
        obs, f"{key}.returned", f"unpacking {_call(spec, z_dim)}"
    )


def _returned(spec: VaeSpec, obs: Observations):
    name = "returns (encoder, decoder, vae), three keras Models"
    parts, messages = [], []
    for z_dim, _ in spec.builds:
        key = f"z{z_dim}"
        returned = obs.get(f"{key}.returned")
        if returned is None:
            parts.append(0.0)
            messages.append(_build_error(spec, obs, z_dim))
            continue
        facts = [obs.get(f"{key}.{m}.facts") or {} for m in ("encoder", "decoder", "vae")]
        ok = returned.get("len") == 3 and all(f.get("is_model") for f in facts)
        parts.append(float(ok))
        if not ok:
            messages.append(
                f"z_dim={z_dim}: got a {returned.get('type')} of {returned.get('len')} items, "
                "expected (encoder, decoder, vae), each a keras.Model"
            )
    return check(
        name,
        0.1,
        float(np.mean(parts)),
        "; ".join(m for m in messages if m),
        ""
        if all(parts)
        else "return encoder, decoder, VAE(encoder, decoder, reconstruction_loss, kl_divergence)",
    )


def _encoder(spec: VaeSpec, obs: Observations):
    name = "encoder: x -> [z_mean, z_log_var, z], each (N, z_dim), for z_dim = 2 and 10"
    parts, messages, hints = [], [], []
    for z_dim, _ in spec.builds:
        key = f"z{z_dim}"
        count = obs.get(f"{key}.encoded.count")
        if count is None:
            parts.append(0.0)
            messages.append(
                error_text(obs, f"{key}.encoded", "encoder(x)") or _build_error(spec, obs, z_dim)
            )
            continue
        shapes = [obs.array(f"{key}.encoded.{i}") for i in range(min(count, 3))]
        shapes = [None if s is None else s.shape for s in shapes]
        ok = count == 3 and all(s == (N, z_dim) for s in shapes)
        parts.append(float(ok))
        if count != 3:
            messages.append(f"z_dim={z_dim}: the encoder returns {count} outputs, expected 3")
            hints.append("the encoder must return [z_mean, z_log_var, z]")
        elif not ok:
            got = ", ".join("?" if s is None else shape_text(s) for s in shapes)
            messages.append(f"z_dim={z_dim}: got shapes {got}, expected {shape_text((N, z_dim))}")
            hints.append("both heads are Dense(z_dim); z = Sampling()([z_mean, z_log_var])")
    return check(
        name,
        0.15,
        float(np.mean(parts)),
        "; ".join(m for m in messages if m),
        "; ".join(dict.fromkeys(hints)),
    )


def _decoder(spec: VaeSpec, obs: Observations):
    return decoder_check(
        obs,
        N,
        [z_dim for z_dim, _ in spec.builds],
        0.15,
        lambda z_dim: _build_error(spec, obs, z_dim),
        "the Bernoulli decoder's output goes through a sigmoid",
    )


def _reparameterisation(obs: Observations):
    name = "z = z_mean + exp(0.5 * z_log_var) * eps, eps ~ N(0, I) (2048 draws)"
    mu, lv, z = (obs.array(f"reparam.{k}") for k in ("mu", "lv", "z"))
    if mu is None or lv is None or z is None or not (mu.shape == lv.shape == z.shape):
        message = error_text(obs, "reparam", "encoder(x)") or "no [z_mean, z_log_var, z] to test"
        return check(name, 0.2, False, message, "the encoder must return [z_mean, z_log_var, z]")
    mu, lv, z = np.float64(mu), np.float64(lv), np.float64(z)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        eps = (z - mu) / np.exp(0.5 * lv)
        if is_standard(eps) and abs(excess_kurtosis(eps)) < 0.5:
            return check(name, 0.2, True)
        message = (
            f"(z - z_mean) / exp(0.5 z_log_var) has mean {eps.mean():.3g} and sd "
            f"{eps.std():.3g}, expected 0 and 1"
        )
        sd, want = float(np.std(z - mu)), float(np.median(np.exp(0.5 * lv)))
        message += f"; sd of z - z_mean: got {sd:.3g}, expected about {want:.3g}"
        hint = ""
        spread = float(np.nanmax(np.std(eps, axis=0))) if len(eps) > 1 else float("nan")
        if sd < 1e-6:
            hint = "z is not sampled (z == z_mean): z = z_mean + exp(0.5 * z_log_var) * eps"
        elif spread < 1e-3:
            message += (
                f"; every draw has the same eps (its sd over the {len(eps)} draws: {spread:.2g})"
            )
            hint = (
                "your sampler draws one eps for the whole batch, shared by every image: draw it "
                "with z_mean's full shape, keras.random.normal(ops.shape(z_mean))"
            )
        elif is_standard((z - mu) / np.exp(lv)):
            hint = (
                f"your sampler's sd is exp(z_log_var), the variance (measured sd {sd:.3g}), "
                "where the standard deviation exp(0.5 * z_log_var) is needed"
            )
        elif is_standard((z - mu) / np.exp(2 * lv)):
            hint = (
                f"your sampler's sd is exp(2 * z_log_var) (measured sd {sd:.3g}); the standard "
                "deviation is exp(0.5 * z_log_var)"
            )
        elif is_standard((z - mu) / np.sqrt(np.abs(lv))):
            hint = "you used the variance where the log-variance is expected: sd = exp(0.5 lv)"
        elif is_standard((z - lv) / np.exp(0.5 * mu)):
            hint = (
                "z_mean and z_log_var are swapped: Sampling()([z_mean, z_log_var]) and the "
                "encoder returns [z_mean, z_log_var, z], in this order"
            )
        elif _uniform((z - mu) / np.exp(0.5 * lv)):
            hint = "eps must be Gaussian, keras.random.normal, not uniform"
    if not obs.get("reparam.shifted"):
        message += " (could not shift the heads' biases; tested on the raw encoder)"
    return check(name, 0.2, False, message, hint)


def _uniform(eps: np.ndarray) -> bool:
    """Draws shaped like a uniform: excess kurtosis near -1.2, far from a Gaussian's 0."""
    return abs(excess_kurtosis(eps) + 1.2) < 0.4


def vae_layers(z_dim: int, hidden_dim: int) -> tuple[list[str], list[str]]:
    """The handout's MLP VAE as tokens: encoder, decoder."""
    encoder = [
        "Flatten",
        f"Dense({hidden_dim})",
        "LeakyReLU(0.2)",
        f"Dense({z_dim})",
        f"Dense({z_dim})",
        "Sampling",
    ]
    decoder = [
        f"Dense({hidden_dim})",
        "LeakyReLU(0.2)",
        "Dense(784)",
        "sigmoid",
        "Reshape(28, 28, 1)",
    ]
    return encoder, decoder


def vae_params(z_dim: int, hidden_dim: int) -> tuple[int, int]:
    """Parameter counts of the handout's MLP VAE: encoder, decoder."""
    encoder = 784 * hidden_dim + hidden_dim + 2 * (hidden_dim * z_dim + z_dim)
    decoder = z_dim * hidden_dim + hidden_dim + hidden_dim * 784 + 784
    return encoder, decoder


def vae_graphs(z_dim: int, hidden_dim: int, sampler: bool = True) -> dict[str, TokenGraph]:
    """The handout's MLP VAE as token graphs: both heads fed the hidden LeakyReLU, the sampler
    (left out when ``sampler`` is False) fed both heads; the decoder a chain."""
    encoder, decoder = vae_layers(z_dim, hidden_dim)
    sources = [(-1,), (0,), (1,), (2,), (2,), (3, 4)]
    if not sampler:
        encoder, sources = encoder[:-1], sources[:-1]
    return {"encoder": TokenGraph(encoder, sources), "decoder": chain(decoder)}


def head_finding(graph: object) -> str:
    """What the encoder's recorded graph shows of its two heads (outputs 0 and 1): one layer
    giving both, or one head fed the other; "" when neither (or no graph)."""
    if not isinstance(graph, dict):
        return ""
    outputs, inbound = graph.get("outputs"), graph.get("inbound")
    if not isinstance(outputs, list) or len(outputs) < 2 or not isinstance(inbound, list):
        return ""
    mean, log_var = outputs[:2]
    if not all(isinstance(i, int) and 0 <= i < len(inbound) for i in (mean, log_var)):
        return ""
    if mean == log_var:
        return (
            "one Dense layer gives both z_mean and z_log_var (so z_log_var == z_mean): give each "
            "head its own Dense(z_dim), both fed the hidden layer"
        )

    def fed(index: int) -> set:
        return {s for call in inbound[index] for s in call}

    for head, other, name, other_name in (
        (log_var, mean, "z_log_var", "z_mean"),
        (mean, log_var, "z_mean", "z_log_var"),
    ):
        if other in fed(head):
            return (
                f"{name} is computed from {other_name} (its Dense is fed {other_name}'s "
                "output): both heads are Dense(z_dim) layers fed the hidden layer's output"
            )
    return ""


def _architecture(spec: VaeSpec, obs: Observations):
    name = "layers and parameter counts as in the handout (hidden_dim respected)"
    parts, messages, findings = [], [], []
    facts10 = {m: obs.get(f"z10.{m}.facts") or {} for m in ("encoder", "decoder")}
    want = dict(zip(("encoder", "decoder"), vae_layers(10, 512), strict=True))
    sampler = obs.get("z10.sampler")
    skip = {"encoder": frozenset({sampler}) if isinstance(sampler, int) else frozenset()}
    want_graphs = vae_graphs(10, 512, sampler=not skip["encoder"])
    for model in ("encoder", "decoder"):
        layers = facts10[model].get("layers")
        if model == "encoder" and layers is not None and skip["encoder"]:
            # the sampler is judged by its draws (any layer, a Lambda included), not its class
            layers = [layer for i, layer in enumerate(layers) if i != sampler]
            want[model] = [t for t in want[model] if t != "Sampling"]
        got = layer_tokens(layers) if layers is not None else None
        graph = obs.get(f"z10.{model}.graph")
        found = [head_finding(graph)] if model == "encoder" and head_finding(graph) else []
        read = (
            None
            if got is None
            else token_graph(facts10[model]["layers"], graph, skip.get(model, frozenset()))
        )
        if read is not None and not found:
            found = graph_findings(*read, want_graphs[model])
        findings.extend(found)
        ok = got == want[model] and not found
        parts.append(0.25 * ok)
        if got is None:
            messages.append(f"{model}: no model to inspect")
        elif not ok:
            diffs = differences(got, want[model]) if got != want[model] else []
            messages.append(f"{model}: " + "; ".join(dict.fromkeys(found + diffs)))
    for z_dim, kwargs in spec.builds:
        hidden = kwargs.get("hidden_dim", 512)
        for model, count in zip(("encoder", "decoder"), vae_params(z_dim, hidden), strict=True):
            got = (obs.get(f"z{z_dim}.{model}.facts") or {}).get("params")
            parts.append(0.125 * (got == count))
            if got != count:
                shown = "no model" if got is None else f"{got:,}"
                messages.append(
                    f"{model}, z_dim={z_dim}, hidden_dim={hidden}: got {shown} parameters, "
                    f"expected {count:,}"
                )
    fraction = sum(parts)
    hint = ""
    if findings:  # a fact of the layer graph
        hint = findings[0]
    elif fraction < 1:
        hint = architecture_hint(messages)
        if any("hidden_dim=64" in m for m in messages) and not any(
            "hidden_dim=512" in m for m in messages
        ):
            hint = "use the hidden_dim argument instead of a fixed 512"
    shown = "; ".join(messages[:3]) + ("; ..." if len(messages) > 3 else "")
    return check(name, 0.2, fraction, shown, hint)


def _convolutional(obs: Observations):
    """Conv2D in the encoder, with two heads of their own where the layer graph was recorded
    (one layer for both, or one head fed the other, loses the encoder's half: a graph fact);
    Conv2DTranspose, or UpSampling2D and a convolution, in the decoder."""
    name = (
        "convolutional: Conv2D in the encoder (its two heads separate), Conv2DTranspose "
        "(or upsampling) in the decoder"
    )
    encoder = (obs.get("z10.encoder.facts") or {}).get("layers") or []
    decoder = (obs.get("z10.decoder.facts") or {}).get("layers") or []
    heads = head_finding(obs.get("z10.encoder.graph"))
    conv = any(layer.get("class") == "Conv2D" for layer in encoder)
    enc_ok = conv and not heads
    dec_ok = any(
        layer.get("class") in ("Conv2DTranspose", "UpSampling2D") for layer in decoder
    ) and any(layer.get("class") in ("Conv2D", "Conv2DTranspose") for layer in decoder)
    messages = []
    if not conv:
        messages.append("no Conv2D layer in the encoder")
    if heads:
        messages.append(f"encoder: {heads.split(':')[0]}")
    if not dec_ok:
        messages.append("no Conv2DTranspose (or UpSampling2D + Conv2D) in the decoder")
    hint = ""
    if heads:
        hint = heads
    elif not (enc_ok and dec_ok):
        hint = (
            "a convolutional VAE downsamples with strided Conv2D and upsamples with Conv2DTranspose"
        )
    return check(name, 0.2, (enc_ok + dec_ok) / 2, "; ".join(messages), hint)


def negative_elbo(x, reconstruction, z_mean, z_log_var) -> float:
    """mean_batch( -log p(x | z) + KL ), nats per image (the grader's NumPy formulas)."""
    return float(np.mean(expected_loss(x, reconstruction) + expected_kl(z_mean, z_log_var)))


def _training(inputs, obs: Observations):
    name = f"vae.fit lowers the negative ELBO ({EPOCHS} epochs of {TRAIN_IMAGES} images)"
    x_eval = inputs["train"][:EVAL_IMAGES]
    losses = {}
    for tag in ("before", "after"):
        arrays = [obs.array(f"train.{tag}.{k}") for k in ("reconstruction", "z_mean", "z_log_var")]
        if all(a is not None for a in arrays) and arrays[0].shape == x_eval.shape:
            losses[tag] = negative_elbo(x_eval, *arrays)
    history = _fit_losses(obs.get("train.history") or {})
    if "before" not in losses:
        message = (
            error_text(obs, "train.before", "decoder(encoder(x)[2])")
            or "no encoder and decoder to evaluate the negative ELBO with"
        )
        return check(name, 0.2, False, message, "")
    if not history:
        message = error_text(obs, "train.fit", "vae.fit(x)") or error_text(
            obs, "train.compile", "vae.compile(optimizer)"
        )
        return check(name, 0.2, False, message or "fit reported no loss", "")
    before, after = losses["before"], losses.get("after", float("nan"))
    parts, messages, hints = [], [], []
    lowered = np.isfinite(after) and after < before - 2.0
    parts.append(0.5 * lowered)
    if not lowered:
        messages.append(f"negative ELBO before fit {before:.1f}, after {after:.1f} nats")
    first = history[0]
    consistent = np.isfinite(first) and 0.5 * before <= first <= 1.5 * before
    parts.append(0.5 * consistent)
    if not consistent:
        messages.append(
            f"fit's loss in the first epoch: got {fmt(first)}, expected about the negative "
            f"ELBO, {before:.1f} nats"
        )
        given = (obs.get("z10.vae.facts") or {}).get("type") == "VAE"
        if given and _reparameterisation(obs).passed:
            # the given VAE, the reference losses, a right sampler: only the loss arguments remain
            hints.append(
                "pass the losses in this order: VAE(encoder, decoder, reconstruction_loss, "
                "kl_divergence)"
            )
    return check(name, 0.2, sum(parts), "; ".join(messages), "; ".join(hints))


def _fit_losses(history: dict) -> list[float]:
    """The loss ``fit`` reported per epoch: its ``loss`` key, else the only key naming a loss."""
    if history.get("loss"):
        return history["loss"]
    named = [v for k, v in history.items() if "loss" in k]
    return named[0] if len(named) == 1 else []
