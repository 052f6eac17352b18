"""`tp-ae train` and `tp-ae bench`: what a run writes (models, metrics.json, figures), that the
saved models reproduce the reported test loss, and one-line errors for bad flags."""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys

import numpy as np
import pytest

from tests.conftest import cli_env
from tp_ae.cli import main

pytest.importorskip("keras")

# what each model's run must hold, written out here rather than read from tp_ae.train.MODELS
AE_FIGURES = {"reconstructions.png", "loss_curves.png"}
VAE_FIGURES = AE_FIGURES | {
    "samples.png",
    "latent_space.png",
    "latent_traversal.png",
    "class_interpolation.png",
}
EXPECTED_FIGURES = {
    "mlp": AE_FIGURES,
    "conv": AE_FIGURES,
    "denoising": AE_FIGURES | {"denoising.png"},
    "vae": VAE_FIGURES,
    "conv_vae": VAE_FIGURES,
}


def train(tmp_path_factory, *argv: str):
    """Run `tp-ae train ... --data offline --epochs 1` in-process.

    Returns (exit status, run folder, what it printed on stdout)."""
    out = tmp_path_factory.mktemp("runs")
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        status = main(["train", *argv, "--data", "offline", "--epochs", "1", "--out", str(out)])
    return status, out / argv[0], printed.getvalue()


@pytest.fixture(scope="module")
def mlp_run(tmp_path_factory):
    return train(tmp_path_factory, "mlp", "--quiet")


@pytest.fixture(scope="module")
def vae_run(tmp_path_factory):
    return train(tmp_path_factory, "vae", "--batch-size", "256", "--quiet")


def read_metrics(folder):
    return json.loads((folder / "metrics.json").read_text())


@pytest.mark.slow
def test_mlp_run_writes_models_metrics_and_figures(mlp_run):
    """Does `tp-ae train mlp` exit 0 and write both models, metrics.json and its two figures?"""
    status, folder, _ = mlp_run
    assert status == 0
    written = {p.name for p in folder.iterdir()}
    assert written == {"encoder.keras", "decoder.keras", "metrics.json"} | AE_FIGURES
    assert all((folder / name).stat().st_size > 5000 for name in written - {"metrics.json"})


@pytest.mark.slow
def test_metrics_record_settings_source_history_and_time(mlp_run):
    """Does metrics.json hold the settings used, the data source, one train and one test loss
    per epoch, the loss's name and the wall seconds?"""
    _, folder, _ = mlp_run
    metrics = read_metrics(folder)
    assert metrics["model"] == "mlp"
    assert metrics["data"] == {
        "source": metrics["data"]["source"],
        "n_train": 4000,
        "n_test": 1000,
    }
    assert metrics["data"]["source"].startswith("offline")
    assert metrics["settings"]["epochs"] == 1
    assert metrics["settings"]["seed"] == 0 and metrics["settings"]["z_dim"] == 10
    assert len(metrics["history"]["loss"]) == len(metrics["history"]["val_loss"]) == 1
    assert metrics["final"]["test_loss"] == metrics["history"]["val_loss"][-1]
    assert "binary cross-entropy" in metrics["loss"]
    seconds = metrics["wall_seconds"]
    assert 0 < seconds["training"] < seconds["total"]
    assert set(metrics["files"]) == {"encoder.keras", "decoder.keras"} | AE_FIGURES


@pytest.mark.slow
def test_saved_autoencoder_reproduces_the_reported_test_loss(mlp_run, offline_mnist):
    """Do the saved encoder and decoder, reloaded and scored by `tp-ae bench`'s NumPy formula,
    give the test loss metrics.json reports?"""
    from tp_ae.bench import score

    _, folder, _ = mlp_run
    (_, _), (x_test, _) = offline_mnist
    reported = read_metrics(folder)["final"]["test_loss"]
    assert score("mlp", folder, x_test) == pytest.approx(reported, rel=1e-3)


@pytest.mark.slow
def test_vae_run_writes_every_figure_and_a_three_output_encoder(vae_run, offline_mnist):
    """Does `tp-ae train vae` write the six VAE figures, and does its saved encoder output
    [z_mean, z_log_var, z], each (N, 10), and its decoder images in [0, 1]?"""
    import keras

    status, folder, _ = vae_run
    assert status == 0
    assert VAE_FIGURES <= {p.name for p in folder.iterdir()}
    (_, _), (x_test, _) = offline_mnist
    encoder = keras.saving.load_model(folder / "encoder.keras")
    outputs = encoder(x_test[:7])
    assert len(outputs) == 3
    assert [tuple(t.shape) for t in outputs] == [(7, 10)] * 3
    decoder = keras.saving.load_model(folder / "decoder.keras")
    images = np.asarray(decoder(np.asarray(outputs[2])))
    assert images.shape == (7, 28, 28, 1) and images.min() >= 0 and images.max() <= 1


@pytest.mark.slow
def test_vae_metrics_hold_each_loss_part_in_nats(vae_run, offline_mnist):
    """Does a VAE's metrics.json name the negative ELBO and keep reconstruction and KL per epoch,
    and does the reloaded VAE score near its reported test loss (one z draw)?"""
    from tp_ae.bench import score

    _, folder, _ = vae_run
    metrics = read_metrics(folder)
    assert "negative ELBO" in metrics["loss"] and "nats per image" in metrics["loss"]
    for key in ("reconstruction_loss", "kl_loss", "val_reconstruction_loss", "val_kl_loss"):
        assert len(metrics["history"][key]) == 1
    assert metrics["settings"]["batch_size"] == 256
    (_, _), (x_test, _) = offline_mnist
    assert score("vae", folder, x_test) == pytest.approx(metrics["final"]["test_loss"], abs=2.0)


@pytest.mark.slow
def test_denoising_run_draws_noisy_denoised_clean(tmp_path_factory):
    """Does `tp-ae train denoising --arch mlp` write the denoising figure and record the noise?"""
    status, folder, _ = train(
        tmp_path_factory, "denoising", "--arch", "mlp", "--noise-sigma", "0.2", "--quiet"
    )
    assert status == 0
    assert (folder / "denoising.png").stat().st_size > 1000
    assert (
        set(read_metrics(folder)["files"]) - {"encoder.keras", "decoder.keras"}
        == (EXPECTED_FIGURES["denoising"])
    )
    settings = read_metrics(folder)["settings"]
    assert settings["arch"] == "mlp" and settings["noise_sigma"] == 0.2


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--epochs", "0"], "--epochs must be at least 1, got 0"),
        (["--batch-size", "-4"], "--batch-size must be at least 1, got -4"),
        (["--learning-rate", "0"], "--learning-rate must be positive"),
        (["--data", "/no/such/mnist.npz"], "no such file or folder"),
    ],
)
def test_bad_flags_are_one_line_errors(flags, message, tmp_path, capsys):
    """Is a bad flag value a one-line error, exit status 1, nothing written, no traceback?"""
    status = main(["train", "mlp", *flags, "--out", str(tmp_path)])
    err = capsys.readouterr().err
    assert status == 1
    assert message in err and len(err.strip().splitlines()) == 1
    assert not any(tmp_path.iterdir())


@pytest.mark.slow
def test_summary_is_one_line_with_loss_epochs_and_folder(mlp_run):
    """With --quiet, is the output one line saying the test loss, its unit, the epochs and
    where the files went?"""
    _, folder, printed = mlp_run
    lines = printed.strip().splitlines()
    assert len(lines) == 1
    loss = read_metrics(folder)["final"]["test_loss"]
    assert lines[0].startswith(f"mlp: test loss {loss:.4g} nats/pixel (BCE) after 1 epochs")
    assert f"wrote {folder}/" in lines[0]


def test_model_names_are_the_question_and_figure_spellings():
    """Are the `tp-ae train` models named as the question ids and figure files spell them
    (conv_vae, denoising), each with its figures in a table, and do the old spellings still
    parse without being shown?"""
    import argparse

    from tp_ae import train as train_module

    assert {name: set(m.figures) for name, m in train_module.MODELS.items()} == EXPECTED_FIGURES
    assert set(train_module.FIGURE_DRAWERS) == set().union(*EXPECTED_FIGURES.values())
    parser = argparse.ArgumentParser()
    train_module.add_arguments(parser)
    assert parser.parse_args(["conv-vae"]).model == "conv_vae"
    assert parser.parse_args(["denoise"]).model == "denoising"
    assert "conv-vae" not in parser.format_help() and "denoise:" not in parser.format_help()


@pytest.mark.slow
def test_train_imports_keras_without_the_extras_it_never_uses():
    """Does `tp-ae train`'s Keras import leave scikit-learn, pandas and pyplot unimported (a
    second of start-up), and can they still be imported afterwards?"""
    import importlib.util

    from tp_ae.train import KERAS_EXTRAS

    installed = [n for n in KERAS_EXTRAS if importlib.util.find_spec(n.split(".")[0])]
    code = (
        "import importlib, sys\nfrom tp_ae.train import import_keras_lean\n"
        "keras = import_keras_lean()\n"
        f"names = {installed!r}\n"
        "print('LOADED', [n for n in names if sys.modules.get(n) is not None])\n"
        "print('IMPORTABLE', all(importlib.import_module(n) for n in names))\n"
        "print('KERAS', keras.__name__)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300, env=cli_env()
    )
    assert "LOADED []" in result.stdout, result.stdout + result.stderr
    assert "IMPORTABLE True" in result.stdout and "KERAS keras" in result.stdout


def test_bench_help_does_not_import_tensorflow():
    """Does `tp-ae bench --help` answer without importing TensorFlow or Keras?"""
    code = (
        "import sys\nfrom tp_ae.cli import main\n"
        "try:\n    main(['bench', '--help'])\nexcept SystemExit:\n    pass\n"
        "print('HEAVY', [m for m in ('tensorflow', 'keras') if m in sys.modules])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=cli_env()
    )
    assert "--test-data" in result.stdout and "HEAVY []" in result.stdout, result.stderr


def test_bench_table_compares_each_model_with_its_yardstick():
    """Does the bench table give, per model, the reference's time ratio and loss difference?"""
    from tp_ae.bench import format_table

    rows = [
        {"model": "vae", "side": "yardstick", "epochs": 30, "batch_size": 128, "wall_s": 20.0},
        {"model": "vae", "side": "tp-ae train", "epochs": 20, "batch_size": 128, "wall_s": 10.0},
    ]
    rows[0].update(cpu_s=30.0, test_loss=125.0)
    rows[1].update(cpu_s=12.0, test_loss=117.0)
    table = format_table(rows).splitlines()
    assert len(table) == 4
    assert table[3] == (
        "| vae | tp-ae train | 20 | 128 | 10.0 | 12.0 | 117 nats/image "
        "| 0.50x the wall time (0.40x the CPU), loss -8 |"
    )
