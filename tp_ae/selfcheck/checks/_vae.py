"""Shared by build_vae and the bonus build_conv_vae.

Built with z_dim = 2 and 10: three Models; the encoder returns ``[z_mean, z_log_var, z]``,
each (N, z_dim); the decoder gives (N, 28, 28, 1) in [0, 1]; z follows
z = mu + exp(0.5 lv) eps over 2,048 draws (the heads' biases shifted so that slips show); the
architecture (prepared tokens and parameter counts; where the layer graph was recorded, the
heads and layers fed as in the handout); a few steps of ``vae.fit`` lower the
negative ELBO.

Unlike the grader, the release has no reference losses: the VAE trains with the student's own
``reconstruction_loss`` and ``kl_divergence`` (the given ``VAE(...)`` line uses them), and the
negative ELBO before and after is measured with the student's own ``vae_loss``. The feedback
says so: a mistake in those questions can show here too.
"""

from __future__ import annotations

import importlib

import numpy as np

from tp_ae.selfcheck import builds, judge
from tp_ae.selfcheck.checks import Environment
from tp_ae.selfcheck.checks._graph import (
    chain,
    graph_findings,
    head_finding,
    token_graph,
    two_heads,
)
from tp_ae.selfcheck.checks._models import (
    architecture_hint,
    build_error,
    decoder_check,
    layer_tokens,
    returned_check,
)
from tp_ae.selfcheck.collect import _vae
from tp_ae.selfcheck.data import QuestionData
from tp_ae.selfcheck.draws import sampler_draws, sampler_finding
from tp_ae.selfcheck.recorder import Recorder
from tp_ae.selfcheck.results import CheckResult

MAIN_KEYS = ("z2.build", "z10.build")
NAMES = _vae.NAMES
OWN_LOSSES_NOTE = (
    "the training check trains with your own reconstruction_loss and kl_divergence and measures "
    "the negative ELBO with your own vae_loss (the grader uses the reference ones): a mistake "
    "in questions 2.2, 2.4 or 2.6 can cost points here too"
)


def _builds(data: QuestionData) -> list[tuple[int, dict]]:
    return [(int(z), dict(kwargs)) for z, kwargs in data.setting("builds")]


def _call(data: QuestionData, z_dim: int) -> str:
    kwargs = dict(_builds(data))[z_dim]
    return f"{data.question_id}({', '.join(f'{k}={v}' for k, v in kwargs.items())})"


def collect(fn, data: QuestionData, rec: Recorder, env: Environment) -> None:
    """The grader's collector (``tp_ae.selfcheck.collect.<question_id>``); the negative ELBO
    before and after the fit measured with the student's own ``vae_loss``."""
    collector = importlib.import_module(f"tp_ae.selfcheck.collect.{data.question_id}")
    collector.collect(fn, data.arrays, rec, vae_loss=_own(env, "vae_loss"))
    if any(key.startswith("train.") for key in (*rec.values, *rec.errors)):  # it was trained
        env.notes.append(OWN_LOSSES_NOTE)


def _own(env: Environment, name: str):
    return next(
        (m.__dict__[name] for m in env.modules.values() if callable(m.__dict__.get(name))), None
    )


# ---------------------------------------------------------------- scoring


def score(data: QuestionData, rec: Recorder) -> list[CheckResult]:
    calls = [(f"z{z}", _call(data, z)) for z, _ in _builds(data)]
    n = data.setting("n")
    return [
        returned_check(
            data, rec, 0, calls, NAMES, "(encoder, decoder, vae), each a keras.Model", "returned"
        ),
        _encoder(data, rec, n),
        decoder_check(
            data,
            rec,
            2,
            n,
            [z for z, _ in _builds(data)],
            lambda z: build_error(rec, f"z{z}", _call(data, z)),
            data.hint("sigmoid"),
        ),
        _reparameterisation(data, rec),
        _convolutional(data, rec) if data.setting("conv") else _architecture(data, rec),
        _training(data, rec),
    ]


def _encoder(data: QuestionData, rec: Recorder, n: int) -> CheckResult:
    parts, messages, hints = builds.vae_codes(
        rec,
        [z for z, _ in _builds(data)],
        n,
        lambda z_dim: (
            judge.error_text(rec, f"z{z_dim}.encoded", "encoder(x)")
            or build_error(rec, f"z{z_dim}", _call(data, z_dim))
        ),
        data.hint("three_outputs"),
        data.hint("heads"),
    )
    return CheckResult(
        data.name(1),
        data.weight(1),
        float(np.mean(parts)),
        "; ".join(m for m in messages if m),
        "; ".join(dict.fromkeys(hints)),
    )


def _reparameterisation(data: QuestionData, rec: Recorder) -> CheckResult:
    name, weight = data.name(3), data.weight(3)
    draws = sampler_draws(rec)
    if draws is None:
        message = (
            judge.error_text(rec, "reparam", "encoder(x)") or "no [z_mean, z_log_var, z] to test"
        )
        return CheckResult(name, weight, 0.0, message, data.hint("three_outputs"))
    found = sampler_finding(*draws, shifted=bool(rec.get("reparam.shifted")))
    if found is None:
        return CheckResult(name, weight, 1.0)
    return CheckResult(name, weight, 0.0, found.message, found.hint(data.hint))


def _architecture(data: QuestionData, rec: Recorder) -> CheckResult:
    fraction, shown, hint = builds.vae_architecture(
        rec,
        [(model, *_compare_layers(data, rec, model)) for model in ("encoder", "decoder")],
        _builds(data),
        lambda z_dim, hidden: tuple(data.spec["params"][m][str(z_dim)] for m in builds.MODELS),
        lambda messages: architecture_hint(data, messages),
        data.hint("hidden_dim"),
    )
    return CheckResult(data.name(4), data.weight(4), fraction, shown, hint)


def _compare_layers(
    data: QuestionData, rec: Recorder, model: str
) -> tuple[list[str] | None, list[str], list[str]]:
    """(the z_dim = 10 build's layer tokens, the prepared ones, the layer graph's findings)."""
    sampler = rec.get("z10.sampler")
    skip = frozenset({sampler}) if model == "encoder" and isinstance(sampler, int) else frozenset()
    all_layers = (rec.get(f"z10.{model}.facts") or {}).get("layers")
    layers, want = all_layers, list(data.spec["layers"][model])
    if layers is not None and skip:
        # the sampler is judged by its draws (any layer, a Lambda included), not its class
        layers = [layer for i, layer in enumerate(layers) if i != sampler]
        want = [t for t in want if t != "Sampling"]
    got = layer_tokens(layers) if layers is not None else None
    # the layer graph, where recorded: its findings are facts, given as the hint
    graph = rec.get(f"z10.{model}.graph")
    heads = head_finding(graph) if model == "encoder" else ""
    found = [heads] if heads else []
    read = None if got is None else token_graph(all_layers, graph, skip)
    if read is not None and not found:
        found = graph_findings(*read, two_heads(want) if model == "encoder" else chain(want))
    return got, want, found


def _convolutional(data: QuestionData, rec: Recorder) -> CheckResult:
    """Conv2D in the encoder, with two heads of their own where the layer graph was recorded
    (one layer for both, or one head fed the other, loses the encoder's half: a graph fact);
    Conv2DTranspose, or UpSampling2D and a convolution, in the decoder."""
    fraction, message, heads = builds.convolutional(rec)
    hint = heads or ("" if fraction >= 1 else data.hint("convolutional"))
    return CheckResult(data.name(4), data.weight(4), fraction, message, hint)


def _training(data: QuestionData, rec: Recorder) -> CheckResult:
    name, weight = data.name(5), data.weight(5)
    history = _fit_losses(rec.get("train.history") or {})
    if rec.array("train.before.reconstruction") is None:
        message = judge.error_text(rec, "train.before", "decoder(encoder(x)[2])")
        message = message or "no encoder and decoder to evaluate the negative ELBO with"
        return CheckResult(name, weight, 0.0, message, "")
    if not history:
        message = judge.error_text(rec, "train.fit", "vae.fit(x)") or judge.error_text(
            rec, "train.compile", "vae.compile(optimizer)"
        )
        return CheckResult(
            name, weight, 0.0, message or "fit reported no loss", data.hint("own_losses")
        )
    before, after = rec.array("train.before.elbo"), rec.array("train.after.elbo")
    if before is None or before.shape != ():
        message = judge.error_text(
            rec, "train.before.elbo", "your vae_loss(x, y, z_mean, z_log_var)"
        )
        message = message or "your vae_loss did not give one number"
        return CheckResult(name, weight, 0.0, message, data.hint("own_vae_loss"))
    before = float(before)
    after = float(after) if after is not None and after.shape == () else float("nan")
    fraction, messages, consistent = builds.training(before, after, history[0])
    given = (rec.get("z10.vae.facts") or {}).get("type") == "VAE"
    hint = ""
    if not consistent and given and _reparameterisation(data, rec).passed:
        # the given VAE and a right sampler: only the loss arguments remain (or your losses)
        hint = data.hint("losses_order")
    return CheckResult(name, weight, fraction, "; ".join(messages), hint)


def _fit_losses(history: dict) -> list[float]:
    """The loss ``fit`` reported per epoch: its ``loss`` key, else the only key naming a loss."""
    if history.get("loss"):
        return history["loss"]
    named = [v for k, v in history.items() if "loss" in k]
    return named[0] if len(named) == 1 else []
