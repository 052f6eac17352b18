"""``tp-ae bench``: time-to-quality of ``tp-ae train`` against the plain way to train.

The yardstick is what a student would write for the same architecture: ``model.fit`` with
Adam's defaults, batch 128, 30 epochs, the test set as validation data. Each side runs as its
own process, timed from start to exit (importing TensorFlow, loading the data, training,
saving; ``tp-ae train`` also draws its figures), one after the other in the same run so
that both see the same machine; with ``--repeats`` the order alternates. Then both saved
models are scored on the same test images with the same NumPy formulas: binary
cross-entropy in nats per pixel for the autoencoders (the TP's loss), the negative ELBO in
nats per image (one z sample) for the VAEs.

``python -m tp_ae.bench yardstick MODEL ...`` runs the yardstick alone (what the bench runs).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from tp_ae.errors import TpAeError
from tp_ae.train import model_name

MODELS = ("mlp", "conv", "vae", "conv_vae")  # names of `tp-ae train` models
VAES = ("vae", "conv_vae")
YARDSTICK_EPOCHS = 30
YARDSTICK_BATCH_SIZE = 128
EPSILON = 1e-7  # Keras clips predictions to [eps, 1 - eps] before the log; so do we
SIDES = ("yardstick", "tp-ae train")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--models",
        nargs="+",
        type=model_name,
        choices=MODELS,
        metavar="MODEL",
        default=["mlp", "conv", "vae"],
        help=f"models to compare, of {', '.join(MODELS)} (default: mlp conv vae)",
    )
    parser.add_argument(
        "--data",
        default="offline",
        metavar="SOURCE",
        help="training data of both sides (default offline: 4,000 train / 1,000 test digits)",
    )
    parser.add_argument(
        "--test-data",
        metavar="PATH",
        help="score on this test split instead of --data's: a folder holding "
        "t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz, or a mnist.npz",
    )
    parser.add_argument(
        "--repeats", type=int, default=1, help="runs of each side, order alternating (default 1)"
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed of both sides")
    parser.add_argument(
        "--out",
        default="runs/bench",
        metavar="DIR",
        help="models, logs and bench.json go here (default runs/bench)",
    )


def run(args: argparse.Namespace) -> int:
    if args.repeats < 1:
        raise TpAeError(f"--repeats must be at least 1, got {args.repeats}")
    if args.test_data and not Path(args.test_data).exists():
        raise TpAeError(f"--test-data {args.test_data}: no such file or folder")
    out = Path(args.out)
    runs = []
    for model in args.models:
        for repeat in range(args.repeats):
            sides = SIDES if repeat % 2 == 0 else SIDES[::-1]
            for side in sides:
                folder = _folder(out, side, repeat, model)
                wall, cpu = _timed(_command(side, model, args, folder), folder / f"{model}.log")
                runs.append(
                    {"model": model, "side": side, "repeat": repeat, "wall_s": wall, "cpu_s": cpu}
                )
                print(
                    f"  {model:8s} {side:12s} run {repeat + 1}: {wall:6.1f} s wall, "
                    f"{cpu:6.1f} s CPU",
                    flush=True,
                )

    test_x, test_name = _test_images(args)
    for entry in runs:
        folder = _folder(out, entry["side"], entry["repeat"], entry["model"])
        entry["test_loss"] = score(entry["model"], folder, test_x, seed=args.seed)
        entry["epochs"], entry["batch_size"] = _settings(entry, folder)

    rows = _summarise(runs)
    machine = _machine()
    print(f"\ncommand: tp-ae {' '.join(sys.argv[1:])}")
    print(f"test set: {test_name}; machine: {machine}")
    print(format_table(rows))
    report = {"machine": machine, "test_set": test_name, "command": sys.argv, "runs": runs}
    (out / "bench.json").write_text(json.dumps({**report, "rows": rows}, indent=2) + "\n")
    return 0


# --- the two sides ------------------------------------------------------------------------


def _command(side: str, model: str, args: argparse.Namespace, folder: Path) -> list[str]:
    common = ["--data", args.data, "--seed", str(args.seed)]
    if side == "yardstick":
        return [
            sys.executable,
            "-m",
            "tp_ae.bench",
            "yardstick",
            model,
            *common,
            "--out",
            str(folder),
        ]
    # tp-ae train writes into OUT/MODEL, and folder is .../MODEL
    return [sys.executable, "-m", "tp_ae.cli", "train", model, *common, "--out", str(folder.parent)]


def _timed(command: list[str], log: Path) -> tuple[float, float]:
    """Run ``command`` to completion, output to ``log``; returns its (wall, CPU) seconds."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "w") as f:
        cpu_before = _children_cpu_seconds()
        start = time.perf_counter()
        done = subprocess.run(command, stdout=f, stderr=subprocess.STDOUT, check=False)
        wall = time.perf_counter() - start
    if done.returncode != 0:
        tail = log.read_text().strip().splitlines()[-1:] or ["no output"]
        raise TpAeError(f"{' '.join(command[2:5])} failed ({tail[0]}); see {log}")
    return wall, _children_cpu_seconds() - cpu_before


def _children_cpu_seconds() -> float:
    """User + system CPU seconds of the finished child processes (0 where unknown)."""
    try:
        import resource
    except ImportError:  # Windows
        return 0.0
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def yardstick(model: str, data: str, out: Path, seed: int = 0) -> None:
    """Train ``model`` the plain way (Adam defaults, batch 128, 30 epochs); save its parts."""
    import keras

    from tp_ae.data import load_mnist

    (x_train, _), (x_test, _) = load_mnist(data)
    keras.utils.set_random_seed(seed)
    encoder, decoder, net = _build(model)
    if model in VAES:
        net.compile(optimizer=keras.optimizers.Adam())
        targets, validation = None, (x_test,)
    else:
        net.compile(optimizer=keras.optimizers.Adam(), loss="binary_crossentropy")
        targets, validation = x_train, (x_test, x_test)
    net.fit(
        x_train,
        targets,
        batch_size=YARDSTICK_BATCH_SIZE,
        epochs=YARDSTICK_EPOCHS,
        validation_data=validation,
        verbose=2,
    )
    out.mkdir(parents=True, exist_ok=True)
    encoder.save(out / "encoder.keras")
    decoder.save(out / "decoder.keras")


def _build(model: str):
    from tp_ae.autoencoders import build_conv_autoencoder, build_mlp_autoencoder
    from tp_ae.vae import build_conv_vae, build_vae

    builders = {
        "mlp": build_mlp_autoencoder,
        "conv": build_conv_autoencoder,
        "vae": build_vae,
        "conv_vae": build_conv_vae,
    }
    return builders[model]()


# --- scoring ------------------------------------------------------------------------------


def score(model: str, folder: Path, x: np.ndarray, seed: int = 0, batch: int = 1000) -> float:
    """Test loss of the saved encoder/decoder in ``folder`` on images ``x`` (N, 28, 28, 1).

    Autoencoders: mean binary cross-entropy, nats per pixel. VAEs: mean negative ELBO, nats per
    image, -log p(x | z) + KL(q(z | x) || N(0, I)) with one z drawn by the encoder.
    """
    import keras

    keras.utils.set_random_seed(seed)
    encoder = keras.saving.load_model(folder / "encoder.keras")
    decoder = keras.saving.load_model(folder / "decoder.keras")
    losses = []
    for start in range(0, len(x), batch):
        xb = x[start : start + batch]
        if model in VAES:
            z_mean, z_log_var, z = (np.asarray(t, dtype=np.float64) for t in encoder(xb))
            y = np.asarray(decoder(z), dtype=np.float64)
            kl = 0.5 * np.sum(np.exp(z_log_var) + z_mean**2 - 1.0 - z_log_var, axis=1)
            losses.append(_bce(xb, y).reshape(len(xb), -1).sum(axis=1) + kl)
        else:
            y = np.asarray(decoder(encoder(xb)), dtype=np.float64)
            losses.append(_bce(xb, y).reshape(len(xb), -1).mean(axis=1))
    return float(np.mean(np.concatenate(losses)))


def _bce(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Pixel-wise -[x log y + (1 - x) log(1 - y)], y clipped to [eps, 1 - eps]."""
    x = np.asarray(x, dtype=np.float64)
    y = np.clip(y, EPSILON, 1.0 - EPSILON)
    return -(x * np.log(y) + (1.0 - x) * np.log(1.0 - y))


def _test_images(args: argparse.Namespace) -> tuple[np.ndarray, str]:
    from tp_ae.data import load_dataset, load_idx_split

    if args.test_data is None:
        data = load_dataset(args.data)
        return data.x_test, f"{len(data.x_test):,} test images of {data.source}"
    path = Path(args.test_data)
    if path.is_dir():
        x, _ = load_idx_split(path, "t10k")
        return x, f"t10k, {len(x):,} images from {path}"
    data = load_dataset(path)
    return data.x_test, f"{len(data.x_test):,} test images of {data.source}"


def _settings(entry: dict, folder: Path) -> tuple[int, int]:
    if entry["side"] == "yardstick":
        return YARDSTICK_EPOCHS, YARDSTICK_BATCH_SIZE
    settings = json.loads((folder / "metrics.json").read_text())["settings"]
    return settings["epochs"], settings["batch_size"]


# --- the table ----------------------------------------------------------------------------


def _summarise(runs: list[dict]) -> list[dict]:
    """One row per (model, side): the fastest run's wall and CPU seconds (the least disturbed
    by other load on the machine, as ``timeit`` reports) and the median test loss."""
    rows = []
    for model in dict.fromkeys(r["model"] for r in runs):
        for side in SIDES:
            mine = [r for r in runs if r["model"] == model and r["side"] == side]
            rows.append(
                {
                    "model": model,
                    "side": side,
                    "epochs": mine[0]["epochs"],
                    "batch_size": mine[0]["batch_size"],
                    "wall_s": min(r["wall_s"] for r in mine),
                    "cpu_s": min(r["cpu_s"] for r in mine),
                    "test_loss": statistics.median(r["test_loss"] for r in mine),
                    "runs": len(mine),
                }
            )
    return rows


def format_table(rows: list[dict]) -> str:
    """A Markdown table of the rows, with the reference's time and loss relative to the
    yardstick of the same model."""
    lines = [
        "| model | training | epochs | batch | wall s | CPU s | test loss | vs yardstick |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    yard = {r["model"]: r for r in rows if r["side"] == "yardstick"}
    for r in rows:
        unit = "nats/image" if r["model"] in VAES else "nats/pixel"
        base = yard[r["model"]]
        versus = (
            ""
            if r is base
            else f"{r['wall_s'] / base['wall_s']:.2f}x the wall time "
            f"({r.get('cpu_s', np.nan) / base.get('cpu_s', np.nan):.2f}x the CPU), "
            f"loss {r['test_loss'] - base['test_loss']:+.4g}"
        )
        name = "plain fit: Adam 1e-3" if r["side"] == "yardstick" else "tp-ae train"
        lines.append(
            f"| {r['model']} | {name} | {r['epochs']} | {r['batch_size']} | {r['wall_s']:.1f} "
            f"| {r.get('cpu_s', float('nan')):.1f} | {r['test_loss']:.4g} {unit} | {versus} |"
        )
    return "\n".join(lines)


def _machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import keras
    import tensorflow as tf

    return (
        f"{os.cpu_count()} CPU cores ({cpu}), {platform.system()}, Python "
        f"{platform.python_version()}, TensorFlow {tf.__version__}, Keras {keras.__version__}"
    )


def _folder(out: Path, side: str, repeat: int, model: str) -> Path:
    """Where one run's models go: OUT/{yardstick,reference}/run<k>/MODEL."""
    return out / ("yardstick" if side == "yardstick" else "reference") / f"run{repeat}" / model


def main(argv: list[str] | None = None) -> int:
    """``python -m tp_ae.bench yardstick MODEL --data SOURCE --out DIR [--seed N]``."""
    parser = argparse.ArgumentParser(prog="python -m tp_ae.bench")
    parser.add_argument("what", choices=["yardstick"])
    parser.add_argument("model", type=model_name, choices=MODELS)
    parser.add_argument("--data", default="offline")
    parser.add_argument("--out", required=True)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    yardstick(args.model, args.data, Path(args.out), seed=args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
