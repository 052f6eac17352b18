# Part 1: autoencoders (solution). Made by `tp-ae make-exercises` from tp_ae/autoencoders.py,
# exercises/README.md. Instructors: edit those and rerun the command, not this copy.
"""Part 1: autoencoders: Part 1 of the handout, exercises/README.md.

Questions: 1.1 `build_mlp_autoencoder`, 1.2 `build_conv_autoencoder`, 1.3 (written,
`written_1_3`), 1.4 `add_noise`, 1.5 (written, `written_1_5`).

Run ``python part1_autoencoders.py [--epochs N] [--out DIR]`` to train the models and save figures
(in figures/part1 by default). Check your answers: ``tp-ae check part1_autoencoders.py``.
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

import keras
import numpy as np
from keras import layers

from tp_ae.data import load_mnist
from tp_ae.plots import save_denoising, save_loss_curves, save_reconstructions
from tp_ae.training import fit_autoencoder

IMAGE_SHAPE = (28, 28, 1)


# --- Question 1.1: build_mlp_autoencoder ----------------------------------------------------------
def build_mlp_autoencoder(z_dim: int = 10) -> tuple[keras.Model, keras.Model, keras.Model]:
    """MLP autoencoder: encoder (N, 28, 28, 1) -> (N, z_dim), decoder back to [0, 1] images.

    Encoder Flatten -> Dense(z_dim) -> LeakyReLU(0.2); decoder Dense(784) -> sigmoid ->
    Reshape(28, 28, 1). Returns ``(encoder, decoder, autoencoder)``.
    """
    x = keras.Input(shape=IMAGE_SHAPE, name="x")
    h = layers.Flatten()(x)
    h = layers.Dense(z_dim)(h)
    z = layers.LeakyReLU(negative_slope=0.2, name="z")(h)
    encoder = keras.Model(x, z, name="mlp_encoder")

    z_in = keras.Input(shape=(z_dim,), name="z")
    h = layers.Dense(28 * 28, activation="sigmoid")(z_in)
    y = layers.Reshape(IMAGE_SHAPE, name="y")(h)
    decoder = keras.Model(z_in, y, name="mlp_decoder")
    autoencoder = keras.Model(x, decoder(encoder(x)), name="mlp_autoencoder")
    return encoder, decoder, autoencoder


# --- Question 1.2: build_conv_autoencoder ---------------------------------------------------------
def build_conv_autoencoder(z_dim: int = 10) -> tuple[keras.Model, keras.Model, keras.Model]:
    """Convolutional autoencoder: encoder (N, 28, 28, 1) -> (N, z_dim), decoder back to images.

    Encoder: Conv2D(8, 3x3, stride 2, same) -> LeakyReLU(0.2) -> Conv2D(4, 3x3, stride 2, same)
    -> LeakyReLU(0.2) -> Flatten -> Dense(z_dim). Decoder: Dense(7*7*8) -> Reshape(7, 7, 8) ->
    Conv2DTranspose(4, 3x3, stride 2, same) -> LeakyReLU(0.2) -> Conv2DTranspose(1, 3x3,
    stride 2, same) -> sigmoid: 7x7 -> 14x14 -> 28x28x1.
    Returns ``(encoder, decoder, autoencoder)``.
    """
    x = keras.Input(shape=IMAGE_SHAPE, name="x")
    h = layers.Conv2D(8, 3, strides=2, padding="same")(x)  # 14x14x8
    h = layers.LeakyReLU(negative_slope=0.2)(h)
    h = layers.Conv2D(4, 3, strides=2, padding="same")(h)  # 7x7x4
    h = layers.LeakyReLU(negative_slope=0.2)(h)
    h = layers.Flatten()(h)
    z = layers.Dense(z_dim, name="z")(h)
    encoder = keras.Model(x, z, name="conv_encoder")

    z_in = keras.Input(shape=(z_dim,), name="z")
    h = layers.Dense(7 * 7 * 8)(z_in)
    h = layers.Reshape((7, 7, 8))(h)
    h = layers.Conv2DTranspose(4, 3, strides=2, padding="same")(h)  # 14x14x4
    h = layers.LeakyReLU(negative_slope=0.2)(h)
    h = layers.Conv2DTranspose(1, 3, strides=2, padding="same")(h)  # 28x28x1
    y = layers.Activation("sigmoid", name="y")(h)
    decoder = keras.Model(z_in, y, name="conv_decoder")
    autoencoder = keras.Model(x, decoder(encoder(x)), name="conv_autoencoder")
    return encoder, decoder, autoencoder


# --- Question 1.4: add_noise ----------------------------------------------------------------------
def add_noise(x: np.ndarray, sigma: float = 20 / 255, seed: int | None = None) -> np.ndarray:
    """Return x + n, n ~ N(0, sigma^2) i.i.d. per pixel, clipped to [0, 1]; float32, x's shape.

    The same ``seed`` gives the same noise; ``seed=None`` draws fresh noise each call.
    """
    x = np.asarray(x, dtype=np.float32)
    rng = np.random.default_rng(seed)
    noisy = x + sigma * rng.standard_normal(x.shape)
    return np.clip(noisy, 0.0, 1.0).astype(np.float32)


# --- Given code: training, figures, report (nothing to write below) -------------------------------
N_SHOWN = 10  # test digits drawn in each figure
COMPARISON_EPOCHS = 5  # every autoencoder's budget, so that question 1.3 compares like with like
BATCH_SIZE = 64


@dataclass(frozen=True)
class Settings:
    """What a run uses; ``epochs=None`` trains every autoencoder for COMPARISON_EPOCHS epochs."""

    epochs: int | None = None
    batch_size: int = BATCH_SIZE  # the same for every model (same number of steps)
    out_dir: Path = Path("figures/part1")  # figures are saved here
    data: str = "auto"  # auto, keras, offline, or a path to mnist.npz (see tp_ae.data)
    z_dim: int = 10
    seed: int = 0  # seeds Keras, NumPy and Python before each model is built


@dataclass
class TrainedAutoencoder:
    """An autoencoder after training, and its history (``loss``, ``val_loss`` per epoch)."""

    name: str
    encoder: keras.Model
    decoder: keras.Model
    autoencoder: keras.Model
    history: dict[str, list[float]]


def train_autoencoder(
    name: str,
    build: Callable,
    x_train: np.ndarray,
    x_test: np.ndarray,
    settings: Settings,
    noise: Callable | None = None,
) -> TrainedAutoencoder:
    """Build with your ``build(z_dim)`` and train; ``noise(x, seed=...)`` makes it denoising."""
    keras.utils.set_random_seed(settings.seed)  # same initial weights on every run
    encoder, decoder, autoencoder = build(z_dim=settings.z_dim)
    history = fit_autoencoder(
        autoencoder,
        x_train,
        x_test,
        epochs=settings.epochs or COMPARISON_EPOCHS,
        batch_size=settings.batch_size,
        noise=noise,
        seed=settings.seed,
        verbose=2,
    )
    return TrainedAutoencoder(name, encoder, decoder, autoencoder, history)


def save_autoencoder_figures(
    trained: TrainedAutoencoder, x_test: np.ndarray, settings: Settings
) -> list[Path]:
    """Reconstructions of the first test digits and the loss curves, as PNG files."""
    out, name = settings.out_dir, trained.name
    y = trained.autoencoder.predict(x_test[:N_SHOWN], verbose=0)
    return [
        save_reconstructions(
            x_test[:N_SHOWN], y, out / f"{name}_reconstructions.png", title=f"{name} autoencoder"
        ),
        save_loss_curves(trained.history, out / f"{name}_loss.png", title=f"{name} autoencoder"),
    ]


def denoising_report(trained: TrainedAutoencoder, x_test: np.ndarray, noise: Callable) -> str:
    """Mean squared error to the clean test digits: of the noisy input, of its denoising, and of
    the reconstruction of the clean input by the same autoencoder."""
    noisy = noise(x_test, seed=1)
    errors = {
        "noisy input": noisy,
        "denoised noisy input": trained.autoencoder.predict(noisy, verbose=0),
        "reconstructed clean input": trained.autoencoder.predict(x_test, verbose=0),
    }
    return "\n".join(
        f"mean squared error to the clean digits, {what}: {np.mean((y - x_test) ** 2):.4f}"
        for what, y in errors.items()
    )


def save_denoising_figure(
    trained: TrainedAutoencoder, x_test: np.ndarray, noise: Callable, settings: Settings
) -> Path:
    """Noisy inputs, their denoised outputs and the clean digits, as one PNG file."""
    clean = x_test[:N_SHOWN]
    noisy = noise(clean, seed=1)
    denoised = trained.autoencoder.predict(noisy, verbose=0)
    return save_denoising(noisy, denoised, clean, settings.out_dir / f"{trained.name}.png")


def loss_table(runs: list[TrainedAutoencoder]) -> str:
    """Last epoch's training and test loss of each run, one line each."""
    lines = [f"{'model':<16} {'loss':>8} {'val_loss':>8}"]
    for run in runs:
        loss, val_loss = run.history["loss"][-1], run.history["val_loss"][-1]
        lines.append(f"{run.name:<16} {loss:8.4f} {val_loss:8.4f}")
    return "\n".join(lines)


def show(*paths: Path) -> None:
    """Say where each figure went; in a notebook, also draw it below the cell."""
    for path in paths:
        print(f"saved {path}")
        if "ipykernel" in sys.modules:
            from IPython.display import Image, display

            display(Image(filename=str(path)))


def parse_settings(argv: list[str] | None = None) -> Settings:
    """Settings from the command line; TP_AE_EPOCHS and TP_AE_OUT give the defaults."""
    parser = argparse.ArgumentParser(description="Train the autoencoders of Part 1, save figures.")
    parser.add_argument(
        "--epochs",
        type=int,
        default=int(os.environ.get("TP_AE_EPOCHS", 0)) or None,
        help="epochs per model (default: $TP_AE_EPOCHS, else 5 for every model)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=Path(os.environ.get("TP_AE_OUT", "figures/part1")),
        help="folder for the figures (default: $TP_AE_OUT, else figures/part1)",
    )
    parser.add_argument(
        "--data", default="auto", help="auto (default), keras, offline, or a path to mnist.npz"
    )
    args = parser.parse_args(argv)
    return Settings(epochs=args.epochs, out_dir=args.out, data=args.data)


def main(argv: list[str] | None = None) -> int:
    """Train the MLP, the conv and the denoising autoencoders; save figures; print the losses."""
    settings = parse_settings(argv)
    (x_train, _), (x_test, _) = load_mnist(settings.data)
    mlp = train_autoencoder("mlp", build_mlp_autoencoder, x_train, x_test, settings)
    show(*save_autoencoder_figures(mlp, x_test, settings))
    conv = train_autoencoder("conv", build_conv_autoencoder, x_train, x_test, settings)
    show(*save_autoencoder_figures(conv, x_test, settings))
    denoising = train_autoencoder(
        "denoising_conv", build_conv_autoencoder, x_train, x_test, settings, noise=add_noise
    )
    show(save_denoising_figure(denoising, x_test, add_noise, settings))
    print(loss_table([mlp, conv, denoising]))
    print(denoising_report(denoising, x_test, add_noise))
    return 0


if __name__ == "__main__":
    sys.exit(main())
