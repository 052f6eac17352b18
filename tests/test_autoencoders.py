"""Part 1 reference: architectures as the handout specifies them, and Gaussian input noise."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from tp_ae.autoencoders import add_noise, build_conv_autoencoder, build_mlp_autoencoder

# Hand-computed from the handout's layers (weights + biases), z_dim = 10:
# MLP encoder 784*10 + 10; decoder 10*784 + 784.
# Conv encoder (9*1*8 + 8) + (9*8*4 + 4) + (7*7*4*10 + 10); decoder (10*392 + 392) +
# (9*8*4 + 4) + (9*4*1 + 1).
PARAM_COUNTS = {
    build_mlp_autoencoder: (7_850, 8_624),
    build_conv_autoencoder: (2_342, 4_641),
}
BUILDERS = list(PARAM_COUNTS)


@pytest.mark.parametrize("build", BUILDERS, ids=lambda b: b.__name__)
def test_parameter_counts_match_the_handout(build):
    """Do encoder and decoder have the parameter counts of the handout's architecture?"""
    encoder, decoder, _ = build(10)
    assert (encoder.count_params(), decoder.count_params()) == PARAM_COUNTS[build]


@pytest.mark.parametrize("z_dim", [2, 10])
@pytest.mark.parametrize("build", BUILDERS, ids=lambda b: b.__name__)
def test_shapes_and_output_range(build, z_dim, rng):
    """Do encoder, decoder and autoencoder map (N,28,28,1) -> (N,z_dim) -> [0,1] images?"""
    encoder, decoder, autoencoder = build(z_dim)
    x = rng.random((5, 28, 28, 1)).astype("float32")
    z = np.asarray(encoder(x))
    y = np.asarray(autoencoder(x))
    assert z.shape == (5, z_dim)
    assert y.shape == (5, 28, 28, 1)
    assert 0.0 <= y.min() and y.max() <= 1.0
    np.testing.assert_allclose(np.asarray(decoder(z)), y, atol=1e-6)


def test_conv_layers_have_the_handout_strides_and_filters():
    """Are the conv layers 3x3, stride 2, 'same', with 8, 4 (encoder) and 4, 1 (decoder) filters?"""
    encoder, decoder, _ = build_conv_autoencoder()
    convs = [layer for layer in encoder.layers if isinstance(layer, keras.layers.Conv2D)]
    deconvs = [layer for layer in decoder.layers if isinstance(layer, keras.layers.Conv2DTranspose)]
    assert [c.filters for c in convs] == [8, 4]
    assert [d.filters for d in deconvs] == [4, 1]
    for layer in convs + deconvs:
        assert layer.kernel_size == (3, 3) and layer.strides == (2, 2) and layer.padding == "same"


def test_add_noise_has_the_right_statistics_before_clipping():
    """On a mid-grey image, is the noise zero-mean with standard deviation 20/255?"""
    x = np.full((200, 28, 28, 1), 0.5, dtype=np.float32)  # 0.5 +- 4 sigma never clips
    noise = add_noise(x, seed=0) - x
    assert abs(noise.mean()) < 3 * (20 / 255) / np.sqrt(noise.size)
    assert noise.std() == pytest.approx(20 / 255, rel=0.01)


def test_add_noise_clips_dtype_shape_and_seed():
    """Is the result float32, x's shape, clipped to [0, 1], and reproducible per seed?"""
    x = np.concatenate([np.zeros((3, 28, 28, 1)), np.ones((3, 28, 28, 1))])  # float64 in
    noisy = add_noise(x, sigma=0.5, seed=7)
    assert noisy.dtype == np.float32 and noisy.shape == x.shape
    assert noisy.min() == 0.0 and noisy.max() == 1.0
    np.testing.assert_array_equal(noisy, add_noise(x, sigma=0.5, seed=7))
    assert not np.array_equal(noisy, add_noise(x, sigma=0.5, seed=8))
    assert not np.array_equal(add_noise(x, sigma=0.5), add_noise(x, sigma=0.5))
