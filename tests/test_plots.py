"""tp_ae.plots: every figure is a readable PNG; the maths behind the figures (PCA, traversal grid,
class means) checked against NumPy. No TensorFlow: decoders here are plain functions."""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import pytest

from tp_ae import plots
from tp_ae.errors import TpAeError

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(path: Path) -> tuple[int, int]:
    """(width, height) read from the PNG header."""
    head = Path(path).read_bytes()[:24]
    assert head[:8] == PNG_SIGNATURE, f"{path} is not a PNG"
    return struct.unpack(">II", head[16:24])


@pytest.fixture
def images(rng):
    return rng.random((12, 28, 28, 1)).astype(np.float32)


class RecordingDecoder:
    """Decodes z to an image whose brightness is sigmoid(z[0]); remembers every code it saw."""

    def __init__(self):
        self.codes = []

    def __call__(self, z):
        z = np.asarray(z)
        self.codes.append(z)
        level = 1 / (1 + np.exp(-z[:, :1, None, None]))
        return np.broadcast_to(level, (len(z), 28, 28, 1)).astype(np.float32)


@pytest.mark.parametrize(
    "draw",
    [
        pytest.param(lambda x, p: plots.save_reconstructions(x, x[::-1], p), id="reconstructions"),
        pytest.param(lambda x, p: plots.save_denoising(x, x, x, p), id="denoising"),
        pytest.param(lambda x, p: plots.save_sample_grid(x, p, title="samples"), id="samples"),
        pytest.param(
            lambda x, p: plots.save_loss_curves({"loss": [3.0, 2.0], "val_loss": [3.5, 2.5]}, p),
            id="loss_curves",
        ),
        pytest.param(
            lambda x, p: plots.save_latent_space(
                np.random.default_rng(0).normal(size=(50, 10)), np.arange(50) % 10, p
            ),
            id="latent_space",
        ),
        pytest.param(
            lambda x, p: plots.save_latent_traversal(RecordingDecoder(), np.zeros(4), p),
            id="traversal",
        ),
        pytest.param(
            lambda x, p: plots.save_class_interpolation(
                RecordingDecoder(), np.eye(10, 3), np.arange(10), p
            ),
            id="interpolation",
        ),
    ],
)
def test_each_figure_is_a_png_at_the_returned_path(draw, images, tmp_path):
    """Does each save_* function write a non-trivial PNG, creating folders, and return its path?"""
    path = tmp_path / "new" / "folder" / "figure.png"
    returned = draw(images, path)
    assert returned == path
    width, height = png_size(path)
    assert width >= 300 and height >= 100
    assert path.stat().st_size > 2_000  # an empty white canvas compresses far below this


def test_reconstructions_show_n_digits_per_row(images, tmp_path):
    """Does `n` set how many digits a row holds (the figure widens with it)?"""
    narrow = png_size(plots.save_reconstructions(images, images, tmp_path / "a.png", n=4))
    wide = png_size(plots.save_reconstructions(images, images, tmp_path / "b.png", n=10))
    assert wide[0] - narrow[0] == pytest.approx(6 * plots.CELL_INCHES * plots.DPI, abs=2)
    assert wide[1] == narrow[1]


def test_pca_matches_the_covariance_eigenvectors(rng):
    """Are pca_2d's axes and variance fractions those of NumPy's covariance eigendecomposition?"""
    scales = np.array([5.0, 2.0, 1.0, 0.5])
    rotation, _ = np.linalg.qr(rng.normal(size=(4, 4)))
    z = (rng.normal(size=(5000, 4)) * scales) @ rotation.T + 3.0
    points, axes, explained = plots.pca_2d(z)

    eigenvalues, eigenvectors = np.linalg.eigh(np.cov(z, rowvar=False))
    top = eigenvectors[:, ::-1][:, :2].T
    np.testing.assert_allclose(np.abs(np.sum(axes * top, axis=1)), 1.0, atol=1e-6)
    np.testing.assert_allclose(explained, eigenvalues[::-1][:2] / eigenvalues.sum(), rtol=1e-6)
    np.testing.assert_allclose(points.mean(axis=0), 0.0, atol=1e-9)
    np.testing.assert_allclose(points.var(axis=0, ddof=1), eigenvalues[::-1][:2], rtol=1e-6)


def test_traversal_decodes_the_grid_around_the_centre(tmp_path):
    """Are the decoded codes exactly z_center + a d1 + b d2 for a, b on the [-span, span] grid?"""
    decoder = RecordingDecoder()
    centre = np.array([0.5, -1.0, 2.0], dtype=np.float32)
    directions = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 2.0]], dtype=np.float32)
    plots.save_latent_traversal(
        decoder, centre, tmp_path / "t.png", directions=directions, steps=5, span=2.0
    )
    codes = np.concatenate(decoder.codes)
    offsets = np.linspace(-2.0, 2.0, 5)
    rows = offsets[::-1]  # the top row is +span
    expected = np.array(
        [centre + a * directions[0] + b * directions[1] for b in rows for a in offsets]
    )
    np.testing.assert_allclose(codes, expected, atol=1e-6)


def test_traversal_rejects_directions_of_the_wrong_size(tmp_path):
    """Does a direction of the wrong length fail with a message that names the expected shape?"""
    with pytest.raises(TpAeError, match=r"expected \(2, 3\)"):
        plots.save_latent_traversal(
            RecordingDecoder(), np.zeros(3), tmp_path / "t.png", directions=np.ones((2, 4))
        )


def test_class_interpolation_runs_between_the_class_means(tmp_path, rng):
    """Does the path start at digit a's mean code, end at digit b's, in equal steps?"""
    labels = rng.integers(0, 10, size=300)
    z_means = rng.normal(size=(300, 5)) + labels[:, None]
    decoder = RecordingDecoder()
    plots.save_class_interpolation(
        decoder, z_means, labels, tmp_path / "i.png", digit_a=2, digit_b=7, steps=6
    )
    codes = np.concatenate(decoder.codes)
    mean_a, mean_b = z_means[labels == 2].mean(axis=0), z_means[labels == 7].mean(axis=0)
    expected = [mean_a + t * (mean_b - mean_a) for t in np.linspace(0, 1, 6)]
    np.testing.assert_allclose(codes, expected, rtol=1e-5, atol=1e-5)


def test_class_interpolation_needs_both_digits(tmp_path):
    """Is a digit absent from the labels a one-line error naming it?"""
    with pytest.raises(TpAeError, match="no digit 8"):
        plots.save_class_interpolation(
            RecordingDecoder(), np.zeros((5, 2)), np.zeros(5), tmp_path / "i.png", 0, 8
        )


def test_latent_space_needs_one_label_per_code(tmp_path):
    """Are mismatched codes and labels refused with both counts in the message?"""
    with pytest.raises(TpAeError, match="10 codes but 9 labels"):
        plots.save_latent_space(np.zeros((10, 2)), np.zeros(9), tmp_path / "z.png")


def test_loss_curves_need_a_loss(tmp_path):
    """Is an empty history an error rather than an empty figure?"""
    with pytest.raises(TpAeError, match="history is empty"):
        plots.save_loss_curves({}, tmp_path / "l.png")


def test_montage_places_image_k_at_row_k_div_cols(rng):
    """Is image k of a montage at row k // cols, column k % cols, with white gaps between?"""
    images = rng.random((5, 28, 28)).astype(np.float32)
    canvas = plots._montage(images, rows=2, cols=3, pad=2)
    assert canvas.shape == (2 * 30 - 2, 3 * 30 - 2)
    for k, image in enumerate(images):
        r, c = divmod(k, 3)
        np.testing.assert_array_equal(canvas[30 * r : 30 * r + 28, 30 * c : 30 * c + 28], image)
    assert np.all(canvas[28:30, :] == 1.0)  # the gap between the rows
    assert np.all(canvas[30:, 60:] == 0.0)  # the sixth cell, without an image, is black
