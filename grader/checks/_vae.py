"""What the VAE builders' checks (``build_vae`` and the bonus ``build_conv_vae``) read and compare.

The checks themselves are pytest tests in :mod:`grader.checks._vae_checks`, collected by both
``test_build_vae.py`` and ``test_build_conv_vae.py``. Here, parent side and NumPy only: the
seeded inputs, each builder's :class:`VaeSpec`, the handout's MLP VAE (layers, token graphs,
parameter counts), what the recorded layer graph shows of the encoder's two heads, the
reparameterisation draws, and the negative ELBO the grader computes itself.

While the checks' observations are collected, the submission's losses are the reference ones
(a loss mistake is charged to the loss's question only). Built with z_dim = 2 and 10; z is drawn
2,048 times with the heads' biases shifted so that mu ~ 1 and lv ~ 2, where the classic slips
give clearly different spreads.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from grader.checks._architecture import (
    TokenGraph,
    chain,
    graph_findings,
    head_finding,
    layer_tokens,
    token_graph,
)
from grader.checks._common import error_text
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
from tp_ae.selfcheck.draws import is_gaussian, sampler_draws


@dataclass(frozen=True)
class VaeSpec:
    question_id: str
    builds: tuple[tuple[int, dict], ...]  # (z_dim, keyword arguments) of each build
    conv: bool  # True: only "is convolutional" is checked, not exact layers

    @property
    def z_dims(self) -> list[int]:
        return [z_dim for z_dim, _ in self.builds]

    def call(self, z_dim: int) -> str:
        """The build's call as the student reads it, e.g. ``build_vae(z_dim=2, hidden_dim=64)``."""
        kwargs = dict(self.builds)[z_dim]
        return f"{self.question_id}({', '.join(f'{k}={v}' for k, v in kwargs.items())})"

    def build_error(self, obs: Observations, z_dim: int) -> str:
        """What the student's code raised building, or unpacking, the z_dim build; or ''."""
        key = f"z{z_dim}"
        return error_text(obs, f"{key}.build", self.call(z_dim)) or error_text(
            obs, f"{key}.returned", f"unpacking {self.call(z_dim)}"
        )


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


# ---------------------------------------------------------------- the reparameterisation draws


def sampler_is_right(obs: Observations) -> bool:
    """Whether the draws follow z = z_mean + exp(0.5 z_log_var) eps, eps ~ N(0, I)."""
    draws = sampler_draws(obs)
    if draws is None:
        return False
    mu, lv, z = draws
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        return is_gaussian((z - mu) / np.exp(0.5 * lv))


# ---------------------------------------------------------------- the handout's MLP VAE


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


def compare_layers(obs: Observations, model: str) -> tuple[list[str] | None, list[str], list[str]]:
    """The z_dim = 10 ``model``'s ("encoder" or "decoder") layers as tokens (None: no model to
    inspect), the handout's (hidden_dim = 512), and what the recorded layer graph shows (facts
    of the graph: the heads, a layer fed another input than the handout's). The sampler is
    judged by its draws, not its class: when the child found it, it is left out of both."""
    facts = obs.get(f"z10.{model}.facts") or {}
    want = dict(zip(("encoder", "decoder"), vae_layers(10, 512), strict=True))[model]
    sampler = obs.get("z10.sampler")
    skip = frozenset({sampler}) if model == "encoder" and isinstance(sampler, int) else frozenset()
    layers = facts.get("layers")
    if layers is None:
        return None, want, []
    if skip:
        layers = [layer for i, layer in enumerate(layers) if i != sampler]
        want = [t for t in want if t != "Sampling"]
    graph = obs.get(f"z10.{model}.graph")
    heads = head_finding(graph) if model == "encoder" else ""
    if heads:
        return layer_tokens(layers), want, [heads]
    read = token_graph(facts["layers"], graph, skip)
    want_graph = vae_graphs(10, 512, sampler=not isinstance(sampler, int))[model]
    found = graph_findings(*read, want_graph) if read is not None else []
    return layer_tokens(layers), want, found


# ---------------------------------------------------------------- training


def negative_elbo(x, reconstruction, z_mean, z_log_var) -> float:
    """mean_batch( -log p(x | z) + KL ), nats per image (the grader's NumPy formulas)."""
    return float(np.mean(expected_loss(x, reconstruction) + expected_kl(z_mean, z_log_var)))


def elbo_of(obs: Observations, tag: str, x_eval: np.ndarray) -> float | None:
    """The negative ELBO (nats per image) of the 64 evaluation images, from the encoder's and
    decoder's outputs recorded ``tag`` ("before" or "after") the fit; None when missing."""
    arrays = [obs.array(f"train.{tag}.{k}") for k in ("reconstruction", "z_mean", "z_log_var")]
    if all(a is not None for a in arrays) and arrays[0].shape == x_eval.shape:
        return negative_elbo(x_eval, *arrays)
    return None


def fit_losses(history: object) -> list[float]:
    """The loss ``fit`` reported per epoch: its ``loss`` key, else the only key naming a loss."""
    if not isinstance(history, dict):
        return []
    if history.get("loss"):
        return history["loss"]
    named = [v for k, v in history.items() if "loss" in k]
    return named[0] if len(named) == 1 else []
