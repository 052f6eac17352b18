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
from dataclasses import asdict
from pathlib import Path

import numpy as np

from tp_ae.data import load_dataset
from tp_ae.errors import TpAeError

# name -> what it is, for --help and metrics.json
MODELS: dict[str, str] = {
    "mlp": "MLP autoencoder (build_mlp_autoencoder)",
    "conv": "convolutional autoencoder (build_conv_autoencoder)",
    "denoise": "denoising autoencoder: add_noise(x) -> x",
    "vae": "MLP VAE with a Bernoulli decoder (build_vae)",
    "conv-vae": "convolutional VAE (build_conv_vae)",
}
VAES = ("vae", "conv-vae")
AE_LOSS_DOC = "binary cross-entropy: mean over the 784 pixels, nats per pixel (Keras's)"
VAE_LOSS_DOC = "negative ELBO: reconstruction_loss + kl_loss, nats per image, one z sample"
N_SHOWN = 10  # test digits in the reconstruction and denoising figures
N_SAMPLES = 64  # decoded prior samples in the sample grid
INTERPOLATION_DIGITS = (3, 8)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "model",
        choices=list(MODELS),
        help="; ".join(f"{name}: {what}" for name, what in MODELS.items()),
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
        help="denoise only: which autoencoder to train (default conv)",
    )
    parser.add_argument(
        "--noise-sigma",
        type=float,
        default=20 / 255,
        help="denoise only: standard deviation of the input noise (default 20/255)",
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
    import keras

    from tp_ae.training import default_config

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
    train = _train_vae if args.model in VAES else _train_autoencoder
    encoder, decoder, history = train(args, config, data, verbose)
    _check_finite(history)
    seconds["figures"] = time.perf_counter()
    encoder.save(out / "encoder.keras")
    decoder.save(out / "decoder.keras")
    figures = _figures(args, config, data, encoder, decoder, history, out)
    seconds["end"] = time.perf_counter()

    metrics = _metrics(args, config, data, history, seconds, figures)
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
    unit = "nats/image (negative ELBO)" if args.model in VAES else "nats/pixel (BCE)"
    print(
        f"{args.model}: test loss {history['val_loss'][-1]:.4g} {unit} after {config.epochs} "
        f"epochs, {metrics['wall_seconds']['total']:.1f} s; wrote {out}/ (encoder.keras, "
        f"decoder.keras, metrics.json, {len(figures)} figures)"
    )
    return 0


def _metrics(args, config, data, history, seconds: dict[str, float], figures: list[Path]) -> dict:
    """The content of metrics.json: what ran, on what, how it went, how long it took."""
    import keras

    return {
        "model": args.model,
        "description": MODELS[args.model] + (f", {args.arch}" if args.model == "denoise" else ""),
        "data": {"source": data.source, "n_train": len(data.x_train), "n_test": len(data.x_test)},
        "settings": {**asdict(config), "seed": args.seed, **_model_settings(args)},
        "loss": VAE_LOSS_DOC if args.model in VAES else AE_LOSS_DOC,
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
    if args.model == "denoise":
        return {"arch": args.arch, "noise_sigma": args.noise_sigma}
    return {}


def _train_autoencoder(args, config, data, verbose: int):
    from tp_ae.autoencoders import add_noise, build_conv_autoencoder, build_mlp_autoencoder
    from tp_ae.training import fit_autoencoder

    arch = args.arch if args.model == "denoise" else args.model
    build = build_conv_autoencoder if arch == "conv" else build_mlp_autoencoder
    encoder, decoder, autoencoder = build(z_dim=config.z_dim)
    noise = None
    if args.model == "denoise":

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


def _figures(args, config, data, encoder, decoder, history, out: Path) -> list[Path]:
    """The PNG figures of one model; returns their paths."""
    from tp_ae import plots

    x = data.x_test[:N_SHOWN]
    name = MODELS[args.model].split(" (")[0]
    if args.model == "denoise":
        name = f"denoising {'MLP' if args.arch == 'mlp' else 'convolutional'} autoencoder"
    unit = "nats per image" if args.model in VAES else "nats per pixel"
    paths = [plots.save_loss_curves(history, out / "loss_curves.png", f"{name}: loss ({unit})")]
    if args.model not in VAES:
        y = _call(decoder, _call(encoder, x))
        title = f"{name}: test digits and their reconstructions"
        paths.append(plots.save_reconstructions(x, y, out / "reconstructions.png", title))
        if args.model == "denoise":
            from tp_ae.autoencoders import add_noise

            noisy = add_noise(x, sigma=args.noise_sigma, seed=args.seed + 1)
            denoised = _call(decoder, _call(encoder, noisy))
            title = f"{name} on test digits with noise (sigma = {args.noise_sigma:.3g})"
            paths.append(
                plots.save_denoising(noisy, denoised, x, out / "denoising.png", title=title)
            )
        return paths

    from tp_ae.vae import sample_images

    z_mean, _, z = (np.asarray(t) for t in encoder(data.x_test))
    y = _call(decoder, z[:N_SHOWN])
    paths.append(
        plots.save_reconstructions(
            x, y, out / "reconstructions.png", f"{name}: test digits and decoded z ~ q(z | x)"
        )
    )
    samples = sample_images(decoder, N_SAMPLES, z_dim=config.z_dim, seed=args.seed)
    paths.append(plots.save_sample_grid(samples, out / "samples.png"))
    paths.append(
        plots.save_latent_space(
            z_mean,
            data.y_test,
            out / "latent_space.png",
            f"{name}: means of q(z | x) for {len(z_mean)} test digits",
        )
    )
    _, axes, _ = plots.pca_2d(z_mean)
    paths.append(
        plots.save_latent_traversal(
            decoder,
            np.zeros(config.z_dim),
            out / "latent_traversal.png",
            directions=axes,
            title=f"{name}: decoded z = 0 + a d1 + b d2, d1 and d2 the test codes' principal axes",
        )
    )
    digit_a, digit_b = INTERPOLATION_DIGITS
    paths.append(
        plots.save_class_interpolation(
            decoder, z_mean, data.y_test, out / "class_interpolation.png", digit_a, digit_b
        )
    )
    return paths


def _call(model, x: np.ndarray) -> np.ndarray:
    """One eager forward pass (no ``predict``: it would trace a function for a single call)."""
    return np.asarray(model(np.asarray(x, dtype=np.float32)))
