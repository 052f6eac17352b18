# Part 2: variational autoencoder (solution). Made by `tp-ae make-exercises` from tp_ae/losses.py,
# tp_ae/vae.py, exercises/README.md. Instructors: edit those and rerun the command, not this copy.
"""Part 2: variational autoencoder: Part 2 of the handout, exercises/README.md.

Questions: 2.1 (written, `written_2_1`), 2.2 `kl_divergence`, 2.3 (written, `written_2_3`), 2.4
`reconstruction_loss`, 2.5 (written, `written_2_5`), 2.6 `vae_loss`, 2.7 `build_vae`, 2.8
`sample_images`, 2.9 `build_conv_vae`, 2.10 (written, `written_2_10`), 2.11 (written,
`written_2_11`), 2.12 (written, `written_2_12`).

Run ``python part2_vae.py [--epochs N] [--out DIR]`` to train the models and save figures
(in figures/part2 by default). Check your answers: ``tp-ae check part2_vae.py``.
Written answers go in answers.md, under their ``## written_...`` headings.
"""

from __future__ import annotations

import tp_ae  # noqa: F401 - first: keeps TensorFlow's start-up messages off the terminal

# isort: split

import argparse
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from statistics import NormalDist

import keras
import matplotlib.pyplot as plt
import numpy as np
from keras import layers, ops

from tp_ae.data import load_mnist
from tp_ae.layers import VAE, Sampling
from tp_ae.plots import (
    save_class_interpolation,
    save_latent_space,
    save_latent_traversal,
    save_loss_curves,
    save_reconstructions,
    save_sample_grid,
)
from tp_ae.training import fit_vae

EPSILON = 1e-7  # keeps log(y) and log(1 - y) finite when the decoder outputs exactly 0 or 1
IMAGE_SHAPE = (28, 28, 1)


# --- Question 2.2: kl_divergence ------------------------------------------------------------------
def kl_divergence(z_mean, z_log_var):
    """KL( q(z | x) || N(0, I) ) per image, q = N(z_mean, diag(exp(z_log_var))).

    ``z_mean``, ``z_log_var``: (N, z_dim). Returns (N,), in nats: 0 when q is the prior.
    """
    z_mean, z_log_var = ops.cast(z_mean, "float32"), ops.cast(z_log_var, "float32")
    return 0.5 * ops.sum(ops.exp(z_log_var) + ops.square(z_mean) - 1.0 - z_log_var, axis=-1)


# --- Question 2.4: reconstruction_loss ------------------------------------------------------------
def reconstruction_loss(x, y):
    """-log p(x | z) per image, each pixel x_j a Bernoulli variable of parameter y_j.

    ``x``: images, ``y``: decoder outputs, both (N, 28, 28, 1) in [0, 1]. Returns (N,), in nats
    per image (a sum over the 784 pixels, not a mean); finite when y is exactly 0 or 1.
    """
    x, y = ops.cast(x, "float32"), ops.cast(y, "float32")
    y = ops.clip(y, EPSILON, 1.0 - EPSILON)
    log_likelihood = x * ops.log(y) + (1.0 - x) * ops.log(1.0 - y)
    return -ops.sum(ops.reshape(log_likelihood, (ops.shape(x)[0], -1)), axis=-1)


# --- Question 2.6: vae_loss -----------------------------------------------------------------------
def vae_loss(x, y, z_mean, z_log_var, beta: float = 1.0):
    """Batch mean of reconstruction_loss + beta * kl_divergence: a scalar, nats per image.

    ``x``, ``y``: (N, 28, 28, 1); ``z_mean``, ``z_log_var``: (N, z_dim). ``beta = 1`` gives the
    negative ELBO; another ``beta`` weighs the KL term more (> 1) or less (< 1).
    """
    return ops.mean(reconstruction_loss(x, y) + beta * kl_divergence(z_mean, z_log_var))


# --- Question 2.7: build_vae ----------------------------------------------------------------------
def build_vae(z_dim: int = 10, hidden_dim: int = 512) -> tuple[keras.Model, keras.Model, VAE]:
    """MLP VAE: encoder x -> [z_mean, z_log_var, z] (each (N, z_dim)); decoder z -> y in [0, 1].

    Encoder Flatten -> Dense(hidden_dim) -> LeakyReLU(0.2) -> Dense(z_dim) heads for z_mean and
    z_log_var -> Sampling. Decoder Dense(hidden_dim) -> LeakyReLU(0.2) -> Dense(784) -> sigmoid
    -> Reshape(28, 28, 1). Returns ``(encoder, decoder, vae)``; ``vae.fit`` minimises your
    ``vae_loss`` (the given line after the solution passes it to the VAE).
    """
    x = keras.Input(shape=IMAGE_SHAPE, name="x")
    h = layers.Flatten()(x)
    h = layers.Dense(hidden_dim)(h)
    h = layers.LeakyReLU(negative_slope=0.2)(h)
    z_mean = layers.Dense(z_dim, name="z_mean")(h)
    z_log_var = layers.Dense(z_dim, name="z_log_var")(h)
    z = Sampling(name="z")([z_mean, z_log_var])
    encoder = keras.Model(x, [z_mean, z_log_var, z], name="vae_encoder")

    z_in = keras.Input(shape=(z_dim,), name="z")
    h = layers.Dense(hidden_dim)(z_in)
    h = layers.LeakyReLU(negative_slope=0.2)(h)
    h = layers.Dense(28 * 28, activation="sigmoid")(h)
    y = layers.Reshape(IMAGE_SHAPE, name="y")(h)
    decoder = keras.Model(z_in, y, name="vae_decoder")
    vae = VAE(encoder, decoder, reconstruction_loss, kl_divergence, vae_loss=vae_loss, name="vae")
    return encoder, decoder, vae


# --- Question 2.8: sample_images ------------------------------------------------------------------
def sample_images(
    decoder: keras.Model, n_images: int, z_dim: int = 10, seed: int | None = None
) -> np.ndarray:
    """Decode z ~ N(0, I) into (n_images, 28, 28, 1) float32 in [0, 1]; same seed, same images."""
    z = np.random.default_rng(seed).standard_normal((n_images, z_dim)).astype(np.float32)
    return np.asarray(decoder.predict(z, verbose=0), dtype=np.float32)


# --- Question 2.9: build_conv_vae -----------------------------------------------------------------
def build_conv_vae(z_dim: int = 10) -> tuple[keras.Model, keras.Model, VAE]:
    """Bonus, convolutional VAE: same inputs, outputs and training as :func:`build_vae`.

    Encoder Conv2D(32, 3x3, s2) -> Conv2D(64, 3x3, s2) (LeakyReLU(0.2) after each) -> Flatten ->
    Dense(128) -> heads; decoder Dense(7*7*64) -> Reshape -> Conv2DTranspose(32, 3x3, s2) ->
    Conv2DTranspose(1, 3x3, s2) -> sigmoid: 7x7 -> 14x14 -> 28x28x1.
    """
    x = keras.Input(shape=IMAGE_SHAPE, name="x")
    h = layers.Conv2D(32, 3, strides=2, padding="same")(x)  # 14x14x32
    h = layers.LeakyReLU(negative_slope=0.2)(h)
    h = layers.Conv2D(64, 3, strides=2, padding="same")(h)  # 7x7x64
    h = layers.LeakyReLU(negative_slope=0.2)(h)
    h = layers.Flatten()(h)
    h = layers.Dense(128)(h)
    h = layers.LeakyReLU(negative_slope=0.2)(h)
    z_mean = layers.Dense(z_dim, name="z_mean")(h)
    z_log_var = layers.Dense(z_dim, name="z_log_var")(h)
    z = Sampling(name="z")([z_mean, z_log_var])
    encoder = keras.Model(x, [z_mean, z_log_var, z], name="conv_vae_encoder")

    z_in = keras.Input(shape=(z_dim,), name="z")
    h = layers.Dense(7 * 7 * 64)(z_in)
    h = layers.LeakyReLU(negative_slope=0.2)(h)
    h = layers.Reshape((7, 7, 64))(h)
    h = layers.Conv2DTranspose(32, 3, strides=2, padding="same")(h)  # 14x14x32
    h = layers.LeakyReLU(negative_slope=0.2)(h)
    h = layers.Conv2DTranspose(1, 3, strides=2, padding="same")(h)  # 28x28x1
    y = layers.Activation("sigmoid", name="y")(h)
    decoder = keras.Model(z_in, y, name="conv_vae_decoder")
    vae = VAE(
        encoder, decoder, reconstruction_loss, kl_divergence, vae_loss=vae_loss, name="conv_vae"
    )
    return encoder, decoder, vae


# --- Given code: training, figures, report (nothing to write below) -------------------------------
N_SHOWN = 10  # test digits drawn in the reconstruction figure
N_SAMPLES = 100  # images drawn from the prior in the sample grid
BETAS = (0.1, 1.0, 4.0)  # KL weights of the beta sweep (question 2.11)
GRID = 10  # the decoded grid over the prior of a 2-D code is GRID x GRID (question 2.10)


@dataclass(frozen=True)
class Settings:
    """What a run uses; ``epochs=None`` trains for tp_ae.training's default number of epochs."""

    epochs: int | None = None
    out_dir: Path = Path("figures/part2")  # figures are saved here
    data: str = "auto"  # auto, keras, offline, or a path to mnist.npz (see tp_ae.data)
    z_dim: int = 10
    seed: int = 0  # seeds Keras, NumPy and Python before each model is built


@dataclass
class TrainedVAE:
    """A VAE after training, and its history (``loss``, ``reconstruction_loss``, ``kl_loss``...)."""

    name: str
    encoder: keras.Model
    decoder: keras.Model
    vae: keras.Model
    history: dict[str, list[float]]


def train_vae(
    name: str, build: Callable, x_train: np.ndarray, x_test: np.ndarray, settings: Settings
) -> TrainedVAE:
    """Build with your ``build(z_dim)`` and train it to minimise the negative ELBO."""
    keras.utils.set_random_seed(settings.seed)  # same initial weights and samples on every run
    encoder, decoder, vae = build(z_dim=settings.z_dim)
    history = fit_vae(vae, x_train, x_test, epochs=settings.epochs, seed=settings.seed, verbose=2)
    return TrainedVAE(name, encoder, decoder, vae, history)


def elbo_report(trained: TrainedVAE, x_test: np.ndarray) -> str:
    """Test-set losses in nats per image, with your three loss functions, and what Keras's
    per-pixel mean binary cross-entropy gives on the same images."""
    z_mean, z_log_var, z = trained.encoder.predict(x_test, verbose=0)
    y = trained.decoder.predict(z, verbose=0)
    negative_elbo = float(np.asarray(vae_loss(x_test, y, z_mean, z_log_var)))
    reconstruction = float(np.mean(np.asarray(reconstruction_loss(x_test, y))))
    kl = float(np.mean(np.asarray(kl_divergence(z_mean, z_log_var))))
    keras_mean = float(keras.losses.BinaryCrossentropy()(x_test, y))
    return (
        f"{trained.name}, test set, nats per image: negative ELBO {negative_elbo:.1f} "
        f"= reconstruction {reconstruction:.1f} + KL {kl:.1f}\n"
        f"Keras binary_crossentropy (mean per pixel) {keras_mean:.4f}, "
        f"times 784 pixels {784 * keras_mean:.1f}"
    )


def save_vae_figures(
    trained: TrainedVAE, x_test: np.ndarray, y_test: np.ndarray, settings: Settings
) -> list[Path]:
    """Reconstructions (decoded from z_mean), the loss curves and the test codes by digit."""
    out, name = settings.out_dir, trained.name
    z_mean, _, _ = trained.encoder.predict(x_test, verbose=0)
    y = trained.decoder.predict(z_mean[:N_SHOWN], verbose=0)
    return [
        save_reconstructions(x_test[:N_SHOWN], y, out / f"{name}_reconstructions.png", title=name),
        save_loss_curves(trained.history, out / f"{name}_loss.png", title=name),
        save_latent_space(z_mean, y_test, out / f"{name}_latent_space.png", title=name),
    ]


def save_generation_figures(
    trained: TrainedVAE, x_test: np.ndarray, y_test: np.ndarray, settings: Settings
) -> list[Path]:
    """Images from your ``sample_images``, a walk along the latent axes, and a walk from the
    mean code of one digit to another's."""
    out, name = settings.out_dir, trained.name
    images = sample_images(trained.decoder, N_SAMPLES, z_dim=settings.z_dim, seed=0)
    z_mean, _, _ = trained.encoder.predict(x_test, verbose=0)
    return [
        save_sample_grid(images, out / f"{name}_samples.png", title=f"{name}: z ~ N(0, I)"),
        save_latent_traversal(trained.decoder, z_mean[0], out / f"{name}_traversal.png"),
        save_class_interpolation(trained.decoder, z_mean, y_test, out / f"{name}_interp.png"),
    ]


def kl_weighted(beta: float) -> Callable:
    """Your vae_loss with the KL term weighted by ``beta`` (question 2.6's keyword)."""

    def loss(x, y, z_mean, z_log_var):
        return vae_loss(x, y, z_mean, z_log_var, beta=beta)

    return loss


def train_beta_vae(
    name: str, beta: float, z_dim: int, x_train: np.ndarray, x_test: np.ndarray, settings: Settings
) -> TrainedVAE:
    """Your build_vae's networks, trained on your vae_loss with the KL term weighted by beta."""
    keras.utils.set_random_seed(settings.seed)  # same initial weights for every beta
    encoder, decoder, _ = build_vae(z_dim=z_dim)
    vae = VAE(
        encoder, decoder, reconstruction_loss, kl_divergence, vae_loss=kl_weighted(beta), name=name
    )
    history = fit_vae(vae, x_train, x_test, epochs=settings.epochs, seed=settings.seed, verbose=0)
    return TrainedVAE(name, encoder, decoder, vae, history)


def test_terms(trained: TrainedVAE, x_test: np.ndarray) -> tuple[float, float]:
    """Test-set means of your reconstruction_loss and kl_divergence, nats per image."""
    z_mean, z_log_var, z = trained.encoder.predict(x_test, verbose=0)
    y = trained.decoder.predict(z, verbose=0)
    reconstruction = float(np.mean(np.asarray(reconstruction_loss(x_test, y))))
    return reconstruction, float(np.mean(np.asarray(kl_divergence(z_mean, z_log_var))))


def save_image_rows(rows: dict[str, np.ndarray], path: Path, title: str) -> Path:
    """One labelled row of images (n, 28, 28, 1) per entry, as one PNG file."""
    fig, axes = plt.subplots(len(rows), 1, figsize=(10, 1.15 * len(rows) + 0.6), squeeze=False)
    for ax, (label, images) in zip(axes[:, 0], rows.items(), strict=True):
        ax.imshow(np.concatenate(list(images[..., 0]), axis=1), cmap="gray", vmin=0, vmax=1)
        ax.set_ylabel(label, rotation=0, ha="right", va="center", fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
    fig.suptitle(title)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=90, bbox_inches="tight")
    plt.close(fig)
    return path


def beta_sweep(data: tuple, settings: Settings) -> tuple[str, Path]:
    """Question 2.11: one VAE per beta of BETAS; their test terms, and their samples by row."""
    (x_train, _), (x_test, _) = data
    lines = [f"{'beta':>5} {'reconstruction':>15} {'KL':>6} {'negative ELBO':>14}  (test, nats)"]
    rows = {}
    for beta in BETAS:
        trained = train_beta_vae(
            f"vae_beta_{beta:g}", beta, settings.z_dim, x_train, x_test, settings
        )
        reconstruction, kl = test_terms(trained, x_test)
        lines.append(f"{beta:5g} {reconstruction:15.1f} {kl:6.1f} {reconstruction + kl:14.1f}")
        samples = sample_images(trained.decoder, 12, z_dim=settings.z_dim, seed=0)
        rows[f"beta = {beta:g}\nrec. {reconstruction:.0f}, KL {kl:.0f}"] = samples
    path = save_image_rows(rows, settings.out_dir / "beta_sweep.png", "z ~ N(0, I), decoded")
    return "\n".join(lines), path


def prior_grid(decoder: keras.Model) -> np.ndarray:
    """Decoded codes on a GRID x GRID grid of the 2-D prior's quantiles 5% ... 95%."""
    q = [NormalDist().inv_cdf(p) for p in np.linspace(0.05, 0.95, GRID)]
    z = np.array([[a, b] for b in q[::-1] for a in q], dtype=np.float32)
    return np.asarray(decoder.predict(z, verbose=0), dtype=np.float32)


def latent_2d(data: tuple, settings: Settings) -> list[Path]:
    """Question 2.10: your VAE with a 2-D code, without (beta = 0: an autoencoder) and with
    its KL term; the test codes by digit and the decoded grid over the prior, for each."""
    (x_train, _), (x_test, y_test) = data
    paths = []
    for beta, what in ((0.0, "autoencoder (beta = 0)"), (1.0, "VAE (beta = 1)")):
        name = f"z2_beta{beta:g}"
        trained = train_beta_vae(name, beta, 2, x_train, x_test, settings)
        z_mean, _, _ = trained.encoder.predict(x_test, verbose=0)
        out = settings.out_dir
        paths.append(save_latent_space(z_mean, y_test, out / f"{name}_codes.png", title=what))
        title = f"{what}: decoded grid over N(0, I)"
        paths.append(save_sample_grid(prior_grid(trained.decoder), out / f"{name}_grid.png", title))
    return paths


def run_bonus(name: str, build: Callable, data: tuple, settings: Settings) -> TrainedVAE | None:
    """run_vae for the bonus question, skipped (with a message) while it is not answered."""
    try:
        return run_vae(name, build, data, settings)
    except NotImplementedError as err:
        print(f"bonus skipped: {err}")
        return None


def show(*paths: Path) -> None:
    """Say where each figure went; in a notebook, also draw it below the cell."""
    for path in paths:
        print(f"saved {path}")
        if "ipykernel" in sys.modules:
            from IPython.display import Image, display

            display(Image(filename=str(path)))


def run_vae(name: str, build: Callable, data: tuple, settings: Settings) -> TrainedVAE:
    """Train one VAE, save all its figures and print its test losses."""
    (x_train, _), (x_test, y_test) = data
    trained = train_vae(name, build, x_train, x_test, settings)
    show(*save_vae_figures(trained, x_test, y_test, settings))
    print(elbo_report(trained, x_test))
    show(*save_generation_figures(trained, x_test, y_test, settings))
    return trained


def parse_settings(argv: list[str] | None = None) -> Settings:
    """Settings from the command line; TP_AE_EPOCHS and TP_AE_OUT give the defaults."""
    parser = argparse.ArgumentParser(description="Train the VAEs of Part 2, save figures.")
    parser.add_argument(
        "--epochs",
        type=int,
        default=int(os.environ.get("TP_AE_EPOCHS", 0)) or None,
        help="epochs per model (default: $TP_AE_EPOCHS, else tp_ae.training's default)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=Path(os.environ.get("TP_AE_OUT", "figures/part2")),
        help="folder for the figures (default: $TP_AE_OUT, else figures/part2)",
    )
    parser.add_argument(
        "--data", default="auto", help="auto (default), keras, offline, or a path to mnist.npz"
    )
    args = parser.parse_args(argv)
    return Settings(epochs=args.epochs, out_dir=args.out, data=args.data)


def main(argv: list[str] | None = None) -> int:
    """Train the MLP VAE, the conv VAE if the bonus is written, the 2-D codes and the beta
    sweep; save figures; report."""
    settings = parse_settings(argv)
    data = load_mnist(settings.data)
    run_vae("vae", build_vae, data, settings)
    run_bonus("conv_vae", build_conv_vae, data, settings)
    show(*latent_2d(data, settings))
    report, figure = beta_sweep(data, settings)
    print(report)
    show(figure)
    return 0


if __name__ == "__main__":
    sys.exit(main())
