"""tp_ae.training: brief training on the offline digits really learns, the history is the test
loss it claims to be (checked with NumPy), and the tuned recipe's pieces do what they say."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("keras")

import keras  # noqa: E402

from tp_ae import training  # noqa: E402
from tp_ae.autoencoders import build_conv_autoencoder, build_mlp_autoencoder  # noqa: E402
from tp_ae.errors import TpAeError  # noqa: E402
from tp_ae.vae import build_conv_vae, build_vae  # noqa: E402

EPS = 1e-7


def bce_per_pixel(x, y) -> float:
    """Mean over images and pixels of -[x log y + (1 - x) log(1 - y)], NumPy, float64."""
    x, y = np.asarray(x, np.float64), np.clip(np.asarray(y, np.float64), EPS, 1 - EPS)
    return float(np.mean(-(x * np.log(y) + (1 - x) * np.log(1 - y))))


def mean_image_bce(x_train, x_test) -> float:
    """Test BCE of the best image-independent guess: the per-pixel mean of the training set."""
    mean = np.broadcast_to(x_train.mean(axis=0), x_test.shape)
    return bce_per_pixel(x_test, mean)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("build", "epochs"),
    [(build_mlp_autoencoder, 2), (build_conv_autoencoder, 1)],
    ids=["mlp", "conv"],
)
def test_brief_training_beats_the_mean_image(build, epochs, offline_mnist):
    """After one or two epochs, is the test loss well below what predicting the mean image gets,
    and is val_loss the NumPy BCE of the model's test reconstructions?"""
    (x_train, _), (x_test, _) = offline_mnist
    keras.utils.set_random_seed(0)
    _, _, autoencoder = build()
    history = training.fit_autoencoder(autoencoder, x_train, x_test, epochs=epochs, verbose=0)

    assert set(history) >= {"loss", "val_loss"}
    assert len(history["loss"]) == len(history["val_loss"]) == epochs
    baseline = mean_image_bce(x_train, x_test)  # about 0.26 nats per pixel
    assert history["val_loss"][-1] < 0.8 * baseline
    reconstructions = np.asarray(autoencoder(x_test))
    assert history["val_loss"][-1] == pytest.approx(
        bce_per_pixel(x_test, reconstructions), rel=1e-3
    )


@pytest.mark.slow
def test_brief_vae_training_goes_below_200_nats(offline_mnist):
    """After three epochs, is the VAE's test negative ELBO below 200 nats (an untrained one is
    above 500), and do its parts add up and agree with a NumPy ELBO of the trained model?"""
    (x_train, _), (x_test, _) = offline_mnist
    keras.utils.set_random_seed(0)
    encoder, decoder, vae = build_vae()
    history = training.fit_vae(vae, x_train, x_test, epochs=3, verbose=0)

    for key in ("loss", "reconstruction_loss", "kl_loss"):
        assert len(history[key]) == len(history[f"val_{key}"]) == 3
    assert history["val_loss"][-1] < 200
    parts = history["val_reconstruction_loss"][-1] + history["val_kl_loss"][-1]
    assert history["val_loss"][-1] == pytest.approx(parts, rel=1e-4)

    z_mean, z_log_var, z = (np.asarray(t, np.float64) for t in encoder(x_test))
    y = np.clip(np.asarray(decoder(z), np.float64), EPS, 1 - EPS)
    x = x_test.astype(np.float64)
    recon = -np.sum((x * np.log(y) + (1 - x) * np.log(1 - y)).reshape(len(x), -1), axis=1)
    kl = 0.5 * np.sum(np.exp(z_log_var) + z_mean**2 - 1 - z_log_var, axis=1)
    assert history["val_loss"][-1] == pytest.approx(np.mean(recon + kl), abs=2.0)  # one z draw


@pytest.mark.slow
def test_denoising_trains_from_noisy_inputs_to_clean_targets(offline_mnist):
    """Is noise(x, seed=...) drawn once for train and once for test, fed as the input, while the
    loss compares the output with the clean images?"""
    (x_train, _), (x_test, _) = offline_mnist
    calls = []

    def noise(x, seed=None):
        calls.append((len(x), seed))
        return np.clip(x + 0.3, 0.0, 1.0)  # a visible, deterministic corruption

    keras.utils.set_random_seed(0)
    _, _, autoencoder = build_mlp_autoencoder()
    history = training.fit_autoencoder(
        autoencoder, x_train, x_test, epochs=1, noise=noise, seed=5, verbose=0
    )
    assert calls == [(len(x_train), 5), (len(x_test), 6)]
    denoised = np.asarray(autoencoder(noise(x_test)))
    assert history["val_loss"][-1] == pytest.approx(bce_per_pixel(x_test, denoised), rel=1e-3)
    assert history["val_loss"][-1] < bce_per_pixel(x_test, noise(x_test))


def test_fresh_output_bias_starts_at_the_mean_pixel_log_odds(offline_mnist):
    """Does a freshly built model's sigmoid output start at the training set's mean image, and is
    an output bias that is not all zeros (a trained model) left alone?"""
    (x_train, _), _ = offline_mnist
    _, decoder, autoencoder = build_mlp_autoencoder()
    training._init_output_bias(autoencoder, x_train)
    p = np.clip(x_train.reshape(len(x_train), -1).astype(np.float64).mean(axis=0), 1e-3, 1 - 1e-3)
    bias = np.asarray(decoder.layers[-2].bias)
    np.testing.assert_allclose(bias, np.log(p / (1 - p)), rtol=0, atol=1e-5)

    decoder.layers[-2].bias.assign(np.full(784, 0.25, np.float32))
    training._init_output_bias(autoencoder, x_train)
    np.testing.assert_array_equal(np.asarray(decoder.layers[-2].bias), 0.25)


def test_conv_output_bias_is_one_overall_log_odds(offline_mnist):
    """With one output channel (conv decoder), is the single bias the log-odds of the mean pixel?"""
    (x_train, _), _ = offline_mnist
    _, decoder, vae = build_conv_vae()
    training._init_output_bias(vae, x_train)
    p = x_train.astype(np.float64).mean()
    layer = [layer for layer in decoder.layers if layer.weights][-1]
    np.testing.assert_allclose(np.asarray(layer.bias), [np.log(p / (1 - p))], rtol=1e-5)


def test_schedule_warms_up_then_decays_to_the_final_fraction():
    """Does the step size rise linearly from 0 to the peak over the warm-up, then fall by a
    cosine to peak * final_lr_fraction at the last step?"""
    config = training.TrainConfig(
        epochs=4, batch_size=8, learning_rate=0.02, warmup_epochs=0.5, final_lr_fraction=0.1
    )
    schedule = training._schedule(config, steps_per_epoch=10)
    at = {step: float(schedule(step)) for step in (0, 2, 5, 5 + 35 / 2, 40)}
    assert at[0] == pytest.approx(0.0)
    assert at[2] == pytest.approx(0.02 * 2 / 5)
    assert at[5] == pytest.approx(0.02)
    assert at[5 + 35 / 2] == pytest.approx(0.02 * (0.1 + 0.9 * 0.5), rel=1e-3)  # half-way
    assert at[40] == pytest.approx(0.02 * 0.1, rel=1e-3)


@pytest.mark.parametrize(
    ("build", "expected"),
    [
        (build_mlp_autoencoder, False),
        (build_conv_autoencoder, True),
        (build_vae, False),
        (build_conv_vae, True),
    ],
)
def test_convolutional_models_get_the_conv_defaults(build, expected):
    """Is a model with a convolution anywhere inside (nested encoder/decoder) seen as conv?"""
    assert training._has_conv(build()[2]) is expected


def test_every_train_command_model_has_defaults():
    """Does each `tp-ae train` model have tuned defaults, and is an unknown name a clear error?"""
    from tp_ae.train import MODELS

    assert set(training.DEFAULT_CONFIGS) == set(MODELS)
    with pytest.raises(TpAeError, match="no training defaults for model 'gan'"):
        training.default_config("gan")


def test_replace_keeps_defaults_for_none():
    """Does TrainConfig.replace treat None as "keep the tuned value"?"""
    config = training.default_config("vae")
    changed = config.replace(epochs=3, batch_size=None)
    assert changed.epochs == 3 and changed.batch_size == config.batch_size
