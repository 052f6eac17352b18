"""Template of Part 1's given code: train the autoencoders, save figures, print the losses.

Read as text by ``tp-ae make-exercises``, never imported by it. Its imports join the reference's
(those of question functions are dropped: the student writes them); the code below the imports
goes under the questions of ``part1_autoencoders.py`` and into the notebook's given-code cell;
the code below the "script only" line goes to the ``.py`` files only.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import keras
import numpy as np

from tp_ae.autoencoders import add_noise, build_conv_autoencoder, build_mlp_autoencoder
from tp_ae.data import load_mnist
from tp_ae.plots import save_denoising, save_loss_curves, save_reconstructions
from tp_ae.training import fit_autoencoder

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


# --- script only -----------------------------------------------------------------------------


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
