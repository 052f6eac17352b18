"""``tp-ae train MODEL``: train one model of the TP, save it, its metrics and its figures.

Writes ``OUT/MODEL/``: ``encoder.keras``, ``decoder.keras`` (a VAE's encoder outputs
``[z_mean, z_log_var, z]``), ``metrics.json`` (settings, data source, per-epoch train and test
losses, wall seconds) and PNG figures. TensorFlow is imported only inside :func:`run`.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from tp_ae.data import MnistData, load_dataset
from tp_ae.errors import TpAeError
from tp_ae.training import TrainConfig, default_config


@dataclass(frozen=True)
class ModelSpec:
    """One model of ``tp-ae train``: what it is, how it trains and which figures it draws."""

    title: str  # in figure titles and metrics.json
    reference: str  # the reference answer it trains
    vae: bool  # trained on the negative ELBO (fit_vae), else on BCE (fit_autoencoder)
    figures: tuple[str, ...]  # the PNG files written into OUT/MODEL/, keys of FIGURE_DRAWERS


AE_FIGURES = ("loss_curves.png", "reconstructions.png")
VAE_FIGURES = (
    *AE_FIGURES,
    "samples.png",
    "latent_space.png",
    "latent_traversal.png",
    "class_interpolation.png",
)
# The names are those of the question ids and figure files (conv_vae, denoising_conv.png).
MODELS: dict[str, ModelSpec] = {
    "mlp": ModelSpec("MLP autoencoder", "build_mlp_autoencoder", False, AE_FIGURES),
    "conv": ModelSpec("convolutional autoencoder", "build_conv_autoencoder", False, AE_FIGURES),
    "denoising": ModelSpec(
        "denoising autoencoder", "add_noise(x) -> x", False, (*AE_FIGURES, "denoising.png")
    ),
    "vae": ModelSpec("MLP VAE with a Bernoulli decoder", "build_vae", True, VAE_FIGURES),
    "conv_vae": ModelSpec("convolutional VAE", "build_conv_vae", True, VAE_FIGURES),
}
OLD_NAMES = {"denoise": "denoising", "conv-vae": "conv_vae"}  # accepted, not advertised
AE_LOSS_DOC = "binary cross-entropy: mean over the 784 pixels, nats per pixel (Keras's)"
VAE_LOSS_DOC = "negative ELBO: reconstruction_loss + kl_loss, nats per image, one z sample"
N_SHOWN = 10  # test digits in the reconstruction and denoising figures
N_SAMPLES = 64  # decoded prior samples in the sample grid
INTERPOLATION_DIGITS = (3, 8)


# Keras imports these when installed, for features `tp-ae train` never uses (the scikit-learn
# wrappers, pandas inputs, keras.visualization's pyplot, notebook display when saving): about
# 1 s of a 4 s start-up (python -X importtime).
KERAS_EXTRAS = ("sklearn", "pandas", "matplotlib.pyplot", "IPython")


def import_keras_lean():
    """Import and return ``keras`` without :data:`KERAS_EXTRAS` (Keras then runs without
    those features in this process; the packages stay importable for everyone else)."""
    if "keras" in sys.modules:
        return sys.modules["keras"]
    blocked = [name for name in KERAS_EXTRAS if name not in sys.modules]
    for name in blocked:
        sys.modules[name] = None  # makes `import name` raise ImportError, which Keras handles
    try:
        import keras
    finally:
        for name in blocked:
            if name in sys.modules and sys.modules[name] is None:
                del sys.modules[name]
    return keras


def model_name(text: str) -> str:
    """A model name as typed on the command line, old spellings mapped to the current ones."""
    return OLD_NAMES.get(text, text)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "model",
        type=model_name,
        choices=list(MODELS),
        metavar="{" + ",".join(MODELS) + "}",
        help="; ".join(f"{name}: {m.title} ({m.reference})" for name, m in MODELS.items()),
    )
    parser.add_argument(
        "--data",
        default="auto",
        metavar="SOURCE",
        help="auto (default), keras, offline, or a path to mnist.npz / a folder of idx files",
    )
    parser.add_argument("--epochs", type=int, help="passes over the training set (default: tuned)")
    parser.add_argument(
        "--batch-size", type=int, help="images per gradient step (default: tuned per model)"
    )
    parser.add_argument(
        "--learning-rate", type=float, help="Adam's peak step size (default: tuned per model)"
    )
    parser.add_argument("--z-dim", type=int, default=10, help="latent size (default 10)")
    parser.add_argument(
        "--arch",
        choices=["conv", "mlp"],
        default="conv",
        help="denoising only: which autoencoder to train (default conv)",
    )
    parser.add_argument(
        "--noise-sigma",
        type=float,
        default=20 / 255,
        help="denoising only: standard deviation of the input noise (default 20/255)",
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument(
        "--out", default="runs", metavar="DIR", help="write into DIR/MODEL/ (default runs)"
    )
    parser.add_argument("--quiet", action="store_true", help="no per-epoch progress, summary only")


def run(args: argparse.Namespace) -> int:
    start = time.perf_counter()
    _check_args(args)
    data = load_dataset(args.data)
    keras = import_keras_lean()
    spec = MODELS[args.model]
    config = default_config(args.model).replace(
        epochs=args.epochs,
        batch_size=args.batch_size,
        learning_rate=args.learning_rate,
        z_dim=args.z_dim,
    )
    keras.utils.set_random_seed(args.seed)
    out = Path(args.out) / args.model
    out.mkdir(parents=True, exist_ok=True)
    verbose = 0 if args.quiet else 1 if sys.stdout.isatty() else 2

    seconds = {"start": start, "training": time.perf_counter()}
    train = _train_vae if spec.vae else _train_autoencoder
    encoder, decoder, history = train(args, config, data, verbose)
    _check_finite(history)
    seconds["figures"] = time.perf_counter()
    encoder.save(out / "encoder.keras")
    decoder.save(out / "decoder.keras")
    trained = Trained(args, spec, config, data, encoder, decoder, history)
    figures = [FIGURE_DRAWERS[name](trained, out / name) for name in spec.figures]
    seconds["end"] = time.perf_counter()

    metrics = _metrics(args, config, data, history, seconds, figures)
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
    unit = "nats/image (negative ELBO)" if spec.vae else "nats/pixel (BCE)"
    print(
        f"{args.model}: test loss {history['val_loss'][-1]:.4g} {unit} after {config.epochs} "
        f"epochs, {metrics['wall_seconds']['total']:.1f} s; wrote {out}/ (encoder.keras, "
        f"decoder.keras, metrics.json, {len(figures)} figures)"
    )
    return 0


def _metrics(args, config, data, history, seconds: dict[str, float], figures: list[Path]) -> dict:
    """The content of metrics.json: what ran, on what, how it went, how long it took."""
    import keras

    spec = MODELS[args.model]
    return {
        "model": args.model,
        "description": f"{_title(args)} ({spec.reference})",
        "data": {"source": data.source, "n_train": len(data.x_train), "n_test": len(data.x_test)},
        "settings": {**asdict(config), "seed": args.seed, **_model_settings(args)},
        "loss": VAE_LOSS_DOC if spec.vae else AE_LOSS_DOC,
        "final": {"train_loss": history["loss"][-1], "test_loss": history["val_loss"][-1]},
        "history": history,
        "wall_seconds": {  # total: from reading the flags to the last figure
            "training": round(seconds["figures"] - seconds["training"], 3),
            "saving_and_figures": round(seconds["end"] - seconds["figures"], 3),
            "total": round(seconds["end"] - seconds["start"], 3),
        },
        "files": ["encoder.keras", "decoder.keras", *(p.name for p in figures)],
        "versions": {"keras": keras.__version__, "backend": keras.backend.backend()},
    }


# --- steps --------------------------------------------------------------------------------


def _check_args(args: argparse.Namespace) -> None:
    for flag in ("epochs", "batch_size", "z_dim"):
        value = getattr(args, flag)
        if value is not None and value < 1:
            raise TpAeError(f"--{flag.replace('_', '-')} must be at least 1, got {value}")
    if args.learning_rate is not None and not args.learning_rate > 0:
        raise TpAeError(f"--learning-rate must be positive, got {args.learning_rate}")
    if args.noise_sigma < 0:
        raise TpAeError(f"--noise-sigma must be zero or positive, got {args.noise_sigma}")


def _model_settings(args: argparse.Namespace) -> dict:
    if args.model == "denoising":
        return {"arch": args.arch, "noise_sigma": args.noise_sigma}
    return {}


def _title(args: argparse.Namespace) -> str:
    """The model's name in figure titles: "MLP autoencoder", "denoising conv autoencoder"..."""
    if args.model == "denoising":
        return f"denoising {'MLP' if args.arch == 'mlp' else 'convolutional'} autoencoder"
    return MODELS[args.model].title


def _train_autoencoder(args, config, data, verbose: int):
    from tp_ae.autoencoders import add_noise, build_conv_autoencoder, build_mlp_autoencoder
    from tp_ae.training import fit_autoencoder

    arch = args.arch if args.model == "denoising" else args.model
    build = build_conv_autoencoder if arch == "conv" else build_mlp_autoencoder
    encoder, decoder, autoencoder = build(z_dim=config.z_dim)
    noise = None
    if args.model == "denoising":

        def noise(x, seed=None):
            return add_noise(x, sigma=args.noise_sigma, seed=seed)

    history = fit_autoencoder(
        autoencoder,
        data.x_train,
        data.x_test,
        noise=noise,
        seed=args.seed,
        verbose=verbose,
        config=config,
    )
    return encoder, decoder, history


def _train_vae(args, config, data, verbose: int):
    from tp_ae.training import fit_vae
    from tp_ae.vae import build_conv_vae, build_vae

    build = build_vae if args.model == "vae" else build_conv_vae
    encoder, decoder, vae = build(z_dim=config.z_dim)
    history = fit_vae(
        vae, data.x_train, data.x_test, seed=args.seed, verbose=verbose, config=config
    )
    return encoder, decoder, history


def _check_finite(history: dict[str, list[float]]) -> None:
    losses = history.get("loss", [])
    if not losses or not np.all(np.isfinite(losses)):
        raise TpAeError(
            f"training diverged (loss {losses[-1] if losses else 'missing'} at epoch "
            f"{len(losses)}); lower --learning-rate or change --seed"
        )


# --- figures ------------------------------------------------------------------------------


@dataclass
class Trained:
    """A trained model and what its figures are drawn from."""

    args: argparse.Namespace
    spec: ModelSpec
    config: TrainConfig
    data: MnistData
    encoder: Any  # keras.Model; a VAE's outputs [z_mean, z_log_var, z]
    decoder: Any  # keras.Model
    history: dict[str, list[float]]

    @property
    def title(self) -> str:
        return _title(self.args)

    @cached_property
    def test_codes(self) -> tuple[np.ndarray, np.ndarray]:
        """A VAE's (z_mean, z) of every test image, each (N, z_dim)."""
        z_mean, _, z = (np.asarray(t) for t in self.encoder(self.data.x_test))
        return z_mean, z


def _loss_curves(t: Trained, path: Path) -> Path:
    from tp_ae import plots

    unit = "nats per image" if t.spec.vae else "nats per pixel"
    return plots.save_loss_curves(t.history, path, f"{t.title}: loss ({unit})")


def _reconstructions(t: Trained, path: Path) -> Path:
    from tp_ae import plots

    x = t.data.x_test[:N_SHOWN]
    if t.spec.vae:
        y = _call(t.decoder, t.test_codes[1][:N_SHOWN])
        title = f"{t.title}: test digits and decoded z ~ q(z | x)"
    else:
        y = _call(t.decoder, _call(t.encoder, x))
        title = f"{t.title}: test digits and their reconstructions"
    return plots.save_reconstructions(x, y, path, title)


def _denoising(t: Trained, path: Path) -> Path:
    from tp_ae import plots
    from tp_ae.autoencoders import add_noise

    x = t.data.x_test[:N_SHOWN]
    sigma = t.args.noise_sigma
    noisy = add_noise(x, sigma=sigma, seed=t.args.seed + 1)
    denoised = _call(t.decoder, _call(t.encoder, noisy))
    title = f"{t.title} on test digits with noise (sigma = {sigma:.3g})"
    return plots.save_denoising(noisy, denoised, x, path, title=title)


def _samples(t: Trained, path: Path) -> Path:
    from tp_ae import plots
    from tp_ae.vae import sample_images

    samples = sample_images(t.decoder, N_SAMPLES, z_dim=t.config.z_dim, seed=t.args.seed)
    return plots.save_sample_grid(samples, path)


def _latent_space(t: Trained, path: Path) -> Path:
    from tp_ae import plots

    z_mean = t.test_codes[0]
    title = f"{t.title}: means of q(z | x) for {len(z_mean)} test digits"
    return plots.save_latent_space(z_mean, t.data.y_test, path, title)


def _latent_traversal(t: Trained, path: Path) -> Path:
    from tp_ae import plots

    _, axes, _ = plots.pca_2d(t.test_codes[0])
    return plots.save_latent_traversal(
        t.decoder,
        np.zeros(t.config.z_dim),
        path,
        directions=axes,
        title=f"{t.title}: decoded z = 0 + a d1 + b d2, d1 and d2 the test codes' principal axes",
    )


def _class_interpolation(t: Trained, path: Path) -> Path:
    from tp_ae import plots

    digit_a, digit_b = INTERPOLATION_DIGITS
    return plots.save_class_interpolation(
        t.decoder, t.test_codes[0], t.data.y_test, path, digit_a, digit_b
    )


# figure file -> what draws it (ModelSpec.figures says which files each model gets)
FIGURE_DRAWERS: dict[str, Callable[[Trained, Path], Path]] = {
    "loss_curves.png": _loss_curves,
    "reconstructions.png": _reconstructions,
    "denoising.png": _denoising,
    "samples.png": _samples,
    "latent_space.png": _latent_space,
    "latent_traversal.png": _latent_traversal,
    "class_interpolation.png": _class_interpolation,
}


def _call(model, x: np.ndarray) -> np.ndarray:
    """One eager forward pass (no ``predict``: it would trace a function for a single call)."""
    return np.asarray(model(np.asarray(x, dtype=np.float32)))
