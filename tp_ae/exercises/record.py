"""The recorded run behind the answer key: ``python -m tp_ae.exercises.record``.

Runs the generated solutions (``solutions/part1_autoencoders.py``, ``solutions/part2_vae.py``)
with their default settings on the offline digits (4,000 train, 1,000 test, seed 0), saves their
figures under ``solutions/figures/``, and writes every number the answer key quotes to
``solutions/recorded.json``. ``tp-ae make-exercises`` then renders ``solutions/answers.md`` from
``tp_ae/exercises/templates/answers.md`` and that file; ``--check`` fails when they differ.

A few minutes on a 2-core CPU: not run by CI (the key is checked against the data, not rerun).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import platform
import sys
import time
from pathlib import Path
from types import ModuleType

import numpy as np

from tp_ae.errors import TpAeError
from tp_ae.exercises.key import RECORD_COMMAND, RECORD_FILE, check_record

ROOT = Path(__file__).resolve().parents[2]
ACTIVE_VARIANCE = 0.01  # a latent dimension is active when var(z_mean) over the test set is above


def load(path: Path) -> ModuleType:
    """Import a generated solution file as a module (its __main__ block does not run)."""
    name = f"recorded_{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _r(value: float, digits: int) -> float:
    return round(float(value), digits)


def data_facts(x_train: np.ndarray, x_test: np.ndarray) -> dict:
    """Grey pixels, the entropy floor of the Bernoulli loss, the loss of the mean image."""
    x = x_test.reshape(len(x_test), -1).astype(np.float64)
    p = np.clip(x, 1e-7, 1 - 1e-7)
    entropy = -(x * np.log(p) + (1 - x) * np.log(1 - p))  # per pixel, 0 for black or white
    mean = np.clip(x_train.reshape(len(x_train), -1).mean(0), 1e-7, 1 - 1e-7)
    mean_loss = -(x * np.log(mean) + (1 - x) * np.log(1 - mean)).sum(1).mean()
    return {
        "grey_percent": _r(100 * np.mean((x > 0.1) & (x < 0.9)), 1),
        "entropy_per_pixel": _r(entropy.mean(), 4),
        "entropy_per_image": _r(entropy.sum(1).mean(), 1),
        "mean_image_loss": _r(mean_loss, 1),
    }


def part1(module: ModuleType, data: tuple, out: Path) -> dict:
    (x_train, _), (x_test, _) = data
    settings = module.Settings(out_dir=out)
    runs = {}
    for name, build, noise in (
        ("mlp", module.build_mlp_autoencoder, None),
        ("conv", module.build_conv_autoencoder, None),
        ("denoising_conv", module.build_conv_autoencoder, module.add_noise),
    ):
        trained = module.train_autoencoder(name, build, x_train, x_test, settings, noise=noise)
        if noise is None:
            module.save_autoencoder_figures(trained, x_test, settings)
        else:
            module.save_denoising_figure(trained, x_test, noise, settings)
        runs[name] = trained
    noisy = module.add_noise(x_test, seed=1)
    denoiser = runs["denoising_conv"].autoencoder
    mse = {
        "noisy": np.mean((noisy - x_test) ** 2),
        "denoised": np.mean((denoiser.predict(noisy, verbose=0) - x_test) ** 2),
        "clean": np.mean((denoiser.predict(x_test, verbose=0) - x_test) ** 2),
    }
    return {
        "epochs": len(runs["mlp"].history["loss"]),
        "batch_size": settings.batch_size,
        **{
            name: {
                "loss": _r(t.history["loss"][-1], 4),
                "val_loss": _r(t.history["val_loss"][-1], 4),
                "gap": _r(t.history["val_loss"][-1] - t.history["loss"][-1], 4),
                "encoder_params": int(t.encoder.count_params()),
                "decoder_params": int(t.decoder.count_params()),
            }
            for name, t in runs.items()
        },
        "mse": {k: _r(v, 4) for k, v in mse.items()},
    }


def _terms(module: ModuleType, trained, x_test: np.ndarray) -> dict:
    z_mean, z_log_var, z = trained.encoder.predict(x_test, verbose=0)
    y = trained.decoder.predict(z, verbose=0)
    reconstruction = float(np.mean(np.asarray(module.reconstruction_loss(x_test, y))))
    kl = float(np.mean(np.asarray(module.kl_divergence(z_mean, z_log_var))))
    y_mean = trained.decoder.predict(z_mean, verbose=0)
    return {
        "elbo": _r(reconstruction + kl, 1),
        "reconstruction": _r(reconstruction, 1),
        "kl": _r(kl, 1),
        "reconstruction_from_mean": _r(np.mean(module.reconstruction_loss(x_test, y_mean)), 1),
        "keras_mean": _r(reconstruction / 784, 4),
        "active": int((z_mean.var(axis=0) > ACTIVE_VARIANCE).sum()),
        "epochs": len(trained.history["loss"]),
    }


def part2(module: ModuleType, data: tuple, out: Path) -> dict:
    import keras

    (x_train, _), (x_test, y_test) = data
    settings = module.Settings(out_dir=out)
    result = {}
    for name, build in (("vae", module.build_vae), ("conv_vae", module.build_conv_vae)):
        trained = module.train_vae(name, build, x_train, x_test, settings)
        module.save_vae_figures(trained, x_test, y_test, settings)
        module.save_generation_figures(trained, x_test, y_test, settings)
        result[name] = _terms(module, trained, x_test)
    result["z2"] = {}  # what module.latent_2d draws, with its numbers
    for beta, what in ((0.0, "autoencoder (beta = 0)"), (1.0, "VAE (beta = 1)")):
        name = f"z2_beta{beta:g}"
        trained = module.train_beta_vae(name, beta, 2, x_train, x_test, settings)
        z_mean, z_log_var, _ = trained.encoder.predict(x_test, verbose=0)
        module.save_latent_space(z_mean, y_test, out / f"{name}_codes.png", title=what)
        grid = module.prior_grid(trained.decoder)
        title = f"{what}: decoded grid over N(0, I)"
        module.save_sample_grid(grid, out / f"{name}_grid.png", title)
        result["z2"][f"beta{beta:g}"] = {
            **_terms(module, trained, x_test),
            "code_std": [_r(s, 2) for s in z_mean.std(axis=0)],
            "code_mean": [_r(m, 2) for m in z_mean.mean(axis=0)],
            "posterior_std": _r(np.exp(0.5 * z_log_var).mean(), 3),
        }
    result["beta"], rows = {}, {}  # what module.beta_sweep draws, with its numbers
    for beta in module.BETAS:
        name = f"vae_beta_{beta:g}"
        trained = module.train_beta_vae(name, beta, settings.z_dim, x_train, x_test, settings)
        terms = result["beta"][f"{beta:g}"] = _terms(module, trained, x_test)
        samples = module.sample_images(trained.decoder, 12, z_dim=settings.z_dim, seed=0)
        rows[f"beta = {beta:g}\nrec. {terms['reconstruction']:.0f}, KL {terms['kl']:.0f}"] = samples
    module.save_image_rows(rows, out / "beta_sweep.png", "z ~ N(0, I), decoded")
    # question 2.5: the per-pixel mean as reconstruction term, against the sum
    keras.utils.set_random_seed(settings.seed)
    encoder, decoder, _ = module.build_vae(z_dim=settings.z_dim)

    def mean_loss(x, y, z_mean, z_log_var):
        return module.ops.mean(
            module.reconstruction_loss(x, y) / 784 + module.kl_divergence(z_mean, z_log_var)
        )

    vae = module.VAE(
        encoder, decoder, module.reconstruction_loss, module.kl_divergence, vae_loss=mean_loss
    )
    history = module.fit_vae(vae, x_train, x_test, epochs=settings.epochs, verbose=0)
    trained = module.TrainedVAE("mean", encoder, decoder, vae, history)
    result["pixel_mean"] = _terms(module, trained, x_test)
    return result


def record_run(root: Path, source: str) -> dict:
    """Train and draw what the answer key quotes, from the solutions under ``root``, on the data
    ``source``; returns the record (figures written under ``root/solutions/figures``)."""
    from tp_ae.data import load_mnist

    start = time.perf_counter()
    data = load_mnist(source)
    figures = root / "solutions" / "figures"
    record = {
        "command": RECORD_COMMAND,
        "data": source,
        "seed": 0,
        "facts": data_facts(data[0][0], data[1][0]),
    }
    record["part1"] = part1(
        load(root / "solutions" / "part1_autoencoders.py"), data, figures / "part1"
    )
    record["part2"] = part2(load(root / "solutions" / "part2_vae.py"), data, figures / "part2")
    import keras

    record["machine"] = {
        "python": platform.python_version(),
        "keras": keras.__version__,
        "seconds": round(time.perf_counter() - start),
    }
    check_record(record)  # the layout the answer key's template reads (tp_ae/exercises/key.py)
    return record


def main(argv: list[str] | None = None) -> int:
    """Record the run, write solutions/recorded.json; a user error is one line, exit 1."""
    parser = argparse.ArgumentParser(description="Record the numbers of the answer key.")
    parser.add_argument("--root", type=Path, default=ROOT, help="the project checkout")
    parser.add_argument(
        "--data",
        default="offline",
        help="data source (default: offline, the digits the key's text describes)",
    )
    args = parser.parse_args(argv)
    try:
        record = record_run(args.root, args.data)
    except TpAeError as err:
        print(f"record: error: {err}", file=sys.stderr)
        return 1
    path = args.root / RECORD_FILE
    path.write_text(json.dumps(record, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {path} ({record['machine']['seconds']} s); now run `tp-ae make-exercises`")
    return 0


if __name__ == "__main__":
    sys.exit(main())
