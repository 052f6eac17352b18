"""Figures of the TP, each written to a PNG file whose path is returned.

Images are (N, 28, 28, 1) or (N, 28, 28) arrays in [0, 1], shown in grey from 0 (black) to 1
(white). Figures are drawn on ``matplotlib.figure.Figure`` objects with the Agg renderer, not
through ``pyplot``: no window opens, no global backend is switched (a notebook keeps its own),
and nothing is left in memory after the file is written. Matplotlib is imported on first use.
"""

from __future__ import annotations

import os
import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

from tp_ae.errors import TpAeError

__all__ = [
    "pca_2d",
    "save_class_interpolation",
    "save_denoising",
    "save_latent_space",
    "save_latent_traversal",
    "save_loss_curves",
    "save_reconstructions",
    "save_sample_grid",
]

PathLike = str | os.PathLike
CELL_INCHES = 0.9  # size of one digit in a grid of images
LABEL_INCHES = 1.3  # room on the left for row labels
DPI = 100
IMAGE_SIDE = 28  # pixels


def save_reconstructions(
    originals: np.ndarray,
    reconstructions: np.ndarray,
    path: PathLike,
    title: str | None = None,
    n: int = 10,
) -> Path:
    """Originals (top row) above their reconstructions (bottom row), ``n`` digits."""
    rows = [_images(originals, n), _images(reconstructions, n)]
    title = title or "Test digits and their reconstructions"
    return _save_image_rows(rows, ["original", "reconstruction"], path, title)


def save_denoising(
    noisy: np.ndarray,
    denoised: np.ndarray,
    clean: np.ndarray,
    path: PathLike,
    n: int = 10,
    title: str | None = None,
) -> Path:
    """Three rows of ``n`` digits: noisy input, denoised output, clean target."""
    rows = [_images(noisy, n), _images(denoised, n), _images(clean, n)]
    labels = ["noisy input", "denoised", "clean target"]
    return _save_image_rows(rows, labels, path, title or "Denoising autoencoder on test digits")


def save_sample_grid(images: np.ndarray, path: PathLike, title: str | None = None) -> Path:
    """All ``images`` in a near-square grid (e.g. 64 -> 8 x 8), row by row."""
    images = _images(images)
    cols = int(np.ceil(np.sqrt(len(images))))
    rows = int(np.ceil(len(images) / cols))
    fig = _figure(cols * CELL_INCHES, rows * CELL_INCHES + 0.5)
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0 - 0.5 / fig.get_figheight()))
    _show(ax, _montage(images, rows, cols))
    _suptitle(fig, title or f"{len(images)} decoded samples, z ~ N(0, I)")
    return _save(fig, path)


def save_loss_curves(
    history: Mapping[str, Sequence[float]], path: PathLike, title: str | None = None
) -> Path:
    """One panel per loss (``loss``, ``reconstruction_loss``, ...): train solid, test dashed.

    ``history`` maps names to per-epoch values, Keras style: ``loss`` and its ``val_loss``.
    """
    names = [k for k in history if not k.startswith("val_")]
    names += [k[4:] for k in history if k.startswith("val_") and k[4:] not in names]
    names.sort(key=lambda k: k != "loss")  # the total loss first, the others as given
    if not names:
        raise TpAeError("no losses to plot: the history is empty")
    fig = _figure(max(4.2 * len(names), 6.0), 3.6)
    axes = fig.subplots(1, len(names), squeeze=False)[0]
    for ax, name in zip(axes, names, strict=True):
        for key, style, label in ((name, "-", "train"), (f"val_{name}", "--", "test")):
            values = history.get(key)
            if values:
                ax.plot(np.arange(1, len(values) + 1), values, style, marker=".", label=label)
        which, last = (
            ("test", history.get(f"val_{name}"))
            if history.get(f"val_{name}")
            else (
                "train",
                history[name],
            )
        )
        ax.set_title(f"{name.replace('_', ' ')} (last {which} value {last[-1]:.4g})", fontsize=10)
        ax.set_xlabel("epoch")
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.grid(alpha=0.3)
        ax.legend()
    _suptitle(fig, title or "Loss per epoch")
    fig.tight_layout()
    return _save(fig, path)


def save_latent_space(
    z: np.ndarray, labels: np.ndarray, path: PathLike, title: str | None = None
) -> Path:
    """Codes ``z`` (N, z_dim) in 2-D (first two principal components when z_dim > 2), one
    colour per digit ``labels`` (N,), with a legend."""
    z = np.asarray(z, dtype=np.float64).reshape(len(z), -1)
    labels = np.asarray(labels).reshape(-1)
    if len(labels) != len(z):
        raise TpAeError(f"{len(z)} codes but {len(labels)} labels; pass one label per code")
    if z.shape[1] > 2:
        points, _, explained = pca_2d(z)
        axis_names = [f"PC {i + 1} ({100 * e:.0f}% of variance)" for i, e in enumerate(explained)]
    else:
        points = np.pad(z, ((0, 0), (0, 2 - z.shape[1])))
        axis_names = ["z[0]", "z[1]"]
    fig = _figure(6.4, 5.2)
    ax = fig.add_subplot()
    colours = _colours()
    for digit in np.unique(labels):
        mask = labels == digit
        ax.scatter(*points[mask].T, s=6, alpha=0.6, color=colours[int(digit) % 10], label=digit)
    ax.set_xlabel(axis_names[0])
    ax.set_ylabel(axis_names[1])
    ax.legend(title="digit", markerscale=3, loc="center left", bbox_to_anchor=(1.0, 0.5))
    _suptitle(fig, title or f"Latent codes of {len(z)} test digits")
    fig.tight_layout()
    return _save(fig, path)


def save_latent_traversal(
    decoder,
    z_center: np.ndarray,
    path: PathLike,
    directions: np.ndarray | None = None,
    steps: int = 9,
    span: float = 3.0,
    title: str | None = None,
) -> Path:
    """Decode a ``steps`` x ``steps`` grid of codes z_center + a d1 + b d2, a, b in [-span, span].

    ``directions``: (2, z_dim), default the first two latent axes; columns move along d1, rows
    along d2. ``decoder``: a Keras model (or callable) from (N, z_dim) codes to images.
    """
    z_center = np.asarray(z_center, dtype=np.float32).reshape(-1)
    if directions is None:
        directions = np.eye(2, len(z_center), dtype=np.float32)
    directions = np.asarray(directions, dtype=np.float32)
    if directions.shape != (2, len(z_center)):
        raise TpAeError(
            f"directions have shape {directions.shape}, expected (2, {len(z_center)}): "
            "two directions of the latent space"
        )
    offsets = np.linspace(-span, span, steps, dtype=np.float32)
    a, b = np.meshgrid(offsets, offsets[::-1])  # rows from +span (top) to -span
    codes = z_center + a.reshape(-1, 1) * directions[0] + b.reshape(-1, 1) * directions[1]
    images = _images(_decode(decoder, codes))
    fig = _figure(steps * CELL_INCHES + 1.2, steps * CELL_INCHES + 1.0)
    ax = fig.add_axes(_inches_box(fig, left=1.0, bottom=0.55, right=0.2, top=0.45))
    _show(ax, _montage(images, steps, steps))
    _label_cells(
        ax, columns=[f"{v:+.1f}" for v in offsets], rows=[f"{v:+.1f}" for v in offsets[::-1]]
    )
    ax.set_xlabel("offset along direction 1")
    ax.set_ylabel("offset along direction 2")
    _suptitle(fig, title or "Decoded codes around a centre code, along two directions")
    return _save(fig, path)


def save_class_interpolation(
    decoder,
    z_means: np.ndarray,
    labels: np.ndarray,
    path: PathLike,
    digit_a: int = 3,
    digit_b: int = 8,
    steps: int = 10,
) -> Path:
    """Decode ``steps`` codes on the line from the mean code of ``digit_a`` to that of
    ``digit_b``; ``z_means`` (N, z_dim) are the encoder's means of digits ``labels`` (N,)."""
    z_means = np.asarray(z_means, dtype=np.float32).reshape(len(z_means), -1)
    labels = np.asarray(labels).reshape(-1)
    ends = []
    for digit in (digit_a, digit_b):
        mask = labels == digit
        if not mask.any():
            raise TpAeError(f"no digit {digit} among the labels; pick digits present in the data")
        ends.append(z_means[mask].mean(axis=0))
    t = np.linspace(0.0, 1.0, steps, dtype=np.float32)
    images = _images(_decode(decoder, (1 - t[:, None]) * ends[0] + t[:, None] * ends[1]))
    fig = _figure(steps * CELL_INCHES + 0.4, CELL_INCHES + 1.1)
    ax = fig.add_axes(_inches_box(fig, left=0.2, bottom=0.45, right=0.2, top=0.65))
    _show(ax, _montage(images, 1, steps))
    _label_cells(ax, columns=[f"{v:.2f}" for v in t])
    ax.set_xlabel(f"t: code = (1 - t) mean({digit_a}) + t mean({digit_b})", fontsize=9)
    _suptitle(fig, f"From the mean code of digit {digit_a} to that of digit {digit_b}")
    return _save(fig, path)


def pca_2d(z: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Project (N, d) codes on their first two principal axes.

    Returns ``(points (N, 2), axes (2, d) unit vectors, explained (2,) fractions of variance)``.
    """
    z = np.asarray(z, dtype=np.float64)
    centred = z - z.mean(axis=0)
    _, singular, vt = np.linalg.svd(centred, full_matrices=False)
    variance = singular**2
    explained = variance[:2] / max(variance.sum(), np.finfo(float).tiny)
    return centred @ vt[:2].T, vt[:2], explained


# --- drawing helpers ----------------------------------------------------------------------


def _images(images: np.ndarray, n: int | None = None) -> np.ndarray:
    """(N, 28, 28[, 1]) -> the first ``n`` as (n, 28, 28) float arrays."""
    images = np.asarray(images, dtype=np.float32)
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    if images.ndim != 3 or len(images) == 0:
        raise TpAeError(f"expected images of shape (N, 28, 28, 1), got {images.shape}")
    return images if n is None else images[:n]


def _decode(decoder, codes: np.ndarray) -> np.ndarray:
    """Images decoded from (N, z_dim) codes by one direct call (``predict`` would trace)."""
    return np.asarray(decoder(np.asarray(codes, dtype=np.float32)))


def _save_image_rows(rows: list[np.ndarray], labels: list[str], path: PathLike, title: str):
    """Rows of digits, one label left of each row, in one image."""
    n = max(len(r) for r in rows)
    images = np.zeros((len(rows) * n, *rows[0].shape[1:]), dtype=np.float32)
    for r, row in enumerate(rows):
        images[r * n : r * n + len(row)] = row
    fig = _figure(LABEL_INCHES + n * CELL_INCHES, len(rows) * CELL_INCHES + 0.5)
    ax = fig.add_axes(_inches_box(fig, left=LABEL_INCHES, bottom=0.05, right=0.05, top=0.45))
    _show(ax, _montage(images, len(rows), n))
    _label_cells(ax, rows=labels)
    _suptitle(fig, title)
    return _save(fig, path)


def _montage(images: np.ndarray, rows: int, cols: int, pad: int = 2) -> np.ndarray:
    """(N, h, w) images -> one (rows (h + pad), cols (w + pad)) image, white between cells."""
    n, h, w = images.shape
    canvas = np.ones((rows, cols, h + pad, w + pad), dtype=np.float32)
    canvas[:, :, :h, :w] = 0.0  # missing cells are black, like an empty digit
    for i, image in enumerate(images[: rows * cols]):
        canvas[i // cols, i % cols, :h, :w] = image
    return canvas.transpose(0, 2, 1, 3).reshape(rows * (h + pad), cols * (w + pad))[:-pad, :-pad]


def _label_cells(ax, columns: list[str] | None = None, rows: list[str] | None = None) -> None:
    """Tick labels at the centres of the montage's cells (28 pixels + 2 of padding each)."""
    cell = IMAGE_SIDE + 2
    if columns is not None:
        ax.set_xticks(np.arange(len(columns)) * cell + IMAGE_SIDE / 2 - 0.5, columns, fontsize=8)
    if rows is not None:
        ax.set_yticks(np.arange(len(rows)) * cell + IMAGE_SIDE / 2 - 0.5, rows, fontsize=10)
    ax.tick_params(length=0)


def _inches_box(fig, left: float, bottom: float, right: float, top: float):
    """Axes rectangle (figure fractions) leaving the given margins, in inches."""
    width, height = fig.get_figwidth(), fig.get_figheight()
    return (left / width, bottom / height, 1 - (left + right) / width, 1 - (bottom + top) / height)


def _suptitle(fig, text: str, fontsize: float = 11) -> None:
    """The figure's title, wrapped onto several lines when it is wider than the figure."""
    chars_per_line = max(int(fig.get_figwidth() * 72 / (0.55 * fontsize)), 20)
    fig.suptitle(textwrap.fill(text, chars_per_line), fontsize=fontsize)


def _show(ax, image: np.ndarray) -> None:
    ax.imshow(image, cmap="gray", vmin=0.0, vmax=1.0, interpolation="nearest", aspect="equal")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)


def _colours() -> list:
    from matplotlib import colormaps

    return [colormaps["tab10"](i) for i in range(10)]


def _figure(width: float, height: float):
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=DPI)


def _save(fig, path: PathLike) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=DPI, facecolor="white")
    return path
