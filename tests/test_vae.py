"""Part 2 reference VAE: the encoder's outputs, reparameterisation, sampling, training, saving."""

from __future__ import annotations

import subprocess
import sys

import keras
import numpy as np
import pytest

from tests.conftest import cli_env
from tp_ae.layers import VAE, Sampling
from tp_ae.losses import kl_divergence, reconstruction_loss, vae_loss
from tp_ae.vae import build_conv_vae, build_vae, sample_images


@pytest.fixture(scope="module")
def mlp_vae():
    keras.utils.set_random_seed(0)
    return build_vae(z_dim=10)


def test_vae_parameter_counts_match_the_architecture():
    """Do the VAE's encoder and decoder have the handout's parameter counts (hidden 512, d 10)?"""
    encoder, decoder, _ = build_vae(z_dim=10, hidden_dim=512)
    assert encoder.count_params() == 784 * 512 + 512 + 2 * (512 * 10 + 10)
    assert decoder.count_params() == 10 * 512 + 512 + 512 * 784 + 784


@pytest.mark.parametrize("build", [build_vae, build_conv_vae], ids=["mlp", "conv"])
@pytest.mark.parametrize("z_dim", [2, 10])
def test_encoder_returns_mean_log_var_and_sample(build, z_dim, rng):
    """Does the encoder return [z_mean, z_log_var, z], each (N, z_dim), and the decoder images?"""
    encoder, decoder, vae = build(z_dim=z_dim)
    x = rng.random((4, 28, 28, 1)).astype("float32")
    outputs = encoder(x)
    assert len(outputs) == 3
    assert all(tuple(o.shape) == (4, z_dim) for o in outputs)
    y = np.asarray(decoder(outputs[2]))
    assert y.shape == (4, 28, 28, 1) and 0 <= y.min() and y.max() <= 1
    assert isinstance(vae, VAE)


def test_sampling_follows_mean_and_exp_half_log_var():
    """Is z = mu + exp(0.5 lv) * eps: mean mu and standard deviation exp(0.5 lv) per dimension?"""
    n = 20_000
    mu = np.tile(np.array([[-2.0, 0.0, 3.0]], dtype="float32"), (n, 1))
    log_var = np.tile(np.array([[np.log(0.25), 0.0, np.log(4.0)]], dtype="float32"), (n, 1))
    z = np.asarray(Sampling(seed=3)([mu, log_var]))
    np.testing.assert_allclose(z.mean(0), [-2.0, 0.0, 3.0], atol=0.05)
    np.testing.assert_allclose(z.std(0), [0.5, 1.0, 2.0], rtol=0.03)


def test_sample_images_is_reproducible_per_seed(mlp_vae):
    """Same seed, same images; different seed, different images; shape and range as specified?"""
    _, decoder, _ = mlp_vae
    a = sample_images(decoder, 6, z_dim=10, seed=1)
    assert a.shape == (6, 28, 28, 1) and a.dtype == np.float32
    assert 0 <= a.min() and a.max() <= 1
    np.testing.assert_array_equal(a, sample_images(decoder, 6, z_dim=10, seed=1))
    assert not np.allclose(a, sample_images(decoder, 6, z_dim=10, seed=2))


def test_short_training_lowers_the_negative_elbo_and_reports_both_terms(offline_mnist):
    """Does fit lower the test negative ELBO and report reconstruction and KL separately?"""
    (x_train, _), (x_test, _) = offline_mnist
    keras.utils.set_random_seed(0)
    _, _, vae = build_vae()
    vae.compile(optimizer=keras.optimizers.Adam(1e-3))
    before = vae.evaluate(x_test[:500], verbose=0, return_dict=True)
    history = vae.fit(x_train[:2000], epochs=3, batch_size=128, verbose=0).history
    after = vae.evaluate(x_test[:500], verbose=0, return_dict=True)
    assert {"loss", "reconstruction_loss", "kl_loss"} <= set(history)
    assert history["loss"][-1] < history["loss"][0]
    assert after["loss"] < before["loss"] - 200  # untrained ~545 nats; 3 epochs reach < 250
    assert after["loss"] == pytest.approx(after["reconstruction_loss"] + after["kl_loss"], rel=1e-4)


def _terms(vae, x):
    """Per-batch means of -log p(x|z) and KL for the outputs of ``vae(x)``, in NumPy."""
    out = vae(x)
    y = np.asarray(out["reconstruction"], np.float64).reshape(len(x), -1).clip(1e-7, 1 - 1e-7)
    flat = x.reshape(len(x), -1)
    nll = -(flat * np.log(y) + (1 - flat) * np.log(1 - y)).sum(1).mean()
    mu, lv = np.asarray(out["z_mean"], np.float64), np.asarray(out["z_log_var"], np.float64)
    return nll, (0.5 * (np.exp(lv) + mu**2 - 1 - lv).sum(1)).mean()


def test_fit_minimises_the_vae_loss_it_is_given(rng):
    """Does fit report (and so minimise) the vae_loss passed to the VAE, not its own formula:
    a loss that doubles the KL term gives loss = reconstruction + 2 KL, both terms reported?"""
    x = (rng.random((32, 28, 28, 1)) > 0.5).astype("float32")
    keras.utils.set_random_seed(0)
    encoder, decoder, _ = build_vae(z_dim=3, hidden_dim=8)

    def double_kl(x, y, z_mean, z_log_var):
        return vae_loss(x, y, z_mean, z_log_var, beta=2.0)

    vae = VAE(encoder, decoder, reconstruction_loss, kl_divergence, vae_loss=double_kl)
    vae.compile(optimizer=keras.optimizers.SGD(0.0))  # step 0: the weights stay put
    nll, kl = _terms(vae, x)
    assert kl > 0.1
    logs = vae.evaluate(x, batch_size=32, verbose=0, return_dict=True)
    assert logs["loss"] == pytest.approx(nll + 2 * kl, rel=1e-3)
    assert logs["reconstruction_loss"] == pytest.approx(nll, rel=1e-3)
    assert logs["kl_loss"] == pytest.approx(kl, rel=1e-3)


def test_without_vae_loss_fit_minimises_the_sum_of_the_two_terms(rng):
    """Does the four-argument VAE(encoder, decoder, reconstruction_loss, kl_divergence) of
    older submissions still minimise the negative ELBO, reconstruction + KL?"""
    x = (rng.random((32, 28, 28, 1)) > 0.5).astype("float32")
    encoder, decoder, _ = build_vae(z_dim=3, hidden_dim=8)
    vae = VAE(encoder, decoder, reconstruction_loss, kl_divergence)
    vae.compile(optimizer=keras.optimizers.SGD(0.0))
    nll, kl = _terms(vae, x)
    logs = vae.evaluate(x, batch_size=32, verbose=0, return_dict=True)
    assert logs["loss"] == pytest.approx(nll + kl, rel=1e-3)


def test_a_vae_without_a_loss_encodes_but_refuses_to_train_in_one_line(rng):
    """Does VAE(encoder, decoder) build and run, and does fit say which loss to pass?"""
    from tp_ae.errors import TpAeError

    x = rng.random((8, 28, 28, 1)).astype("float32")
    encoder, decoder, _ = build_vae(z_dim=3, hidden_dim=8)
    vae = VAE(encoder, decoder)
    assert tuple(vae(x)["reconstruction"].shape) == (8, 28, 28, 1)
    vae.compile(optimizer="adam")
    with pytest.raises(TpAeError, match=r"no loss to train on.*vae_loss=vae_loss") as error:
        vae.fit(x, epochs=1, verbose=0)
    assert "\n" not in str(error.value)


SAVE_VAE = """
import sys, numpy as np
import keras
from tp_ae.vae import build_vae
keras.utils.set_random_seed(0)
_, _, vae = build_vae(z_dim=4, hidden_dim=16)
x = np.random.default_rng(0).random((64, 28, 28, 1)).astype("float32")
vae.compile(optimizer="adam")
vae.fit(x, epochs=1, batch_size=32, verbose=0)
vae.save(sys.argv[1] + "/vae.keras")
np.save(sys.argv[1] + "/x.npy", x)
np.save(sys.argv[1] + "/z_mean.npy", np.asarray(vae(x[:4])["z_mean"]))
np.save(sys.argv[1] + "/y.npy", np.asarray(vae.decoder(np.zeros((2, 4), "float32"))))
"""
LOAD_VAE = """
import sys, numpy as np
import keras
import tp_ae.losses
from tp_ae.layers import VAE
vae = keras.saving.load_model(sys.argv[1] + "/vae.keras")
assert isinstance(vae, VAE), type(vae)
x = np.load(sys.argv[1] + "/x.npy")
np.testing.assert_allclose(np.asarray(vae(x[:4])["z_mean"]), np.load(sys.argv[1] + "/z_mean.npy"))
y = np.asarray(vae.decoder(np.zeros((2, 4), "float32")))
np.testing.assert_allclose(y, np.load(sys.argv[1] + "/y.npy"))
assert vae.vae_loss is tp_ae.losses.vae_loss, vae.vae_loss
vae.compile(optimizer="adam")
history = vae.fit(x, epochs=1, batch_size=32, verbose=0).history
print("TRAINED", sorted(history))
"""


def test_a_whole_vae_saves_and_loads_as_keras_file(tmp_path):
    """In a fresh process, does load_model give back a VAE with the same weights (same z_mean
    and decoded images) and, its losses' module being imported, one that trains on?"""
    for script in (SAVE_VAE, LOAD_VAE):
        result = subprocess.run(
            [sys.executable, "-c", script, str(tmp_path)],
            capture_output=True,
            text=True,
            timeout=120,
            env=cli_env(),
        )
        assert result.returncode == 0, result.stderr[-2000:]
    assert "TRAINED ['kl_loss', 'loss', 'reconstruction_loss']" in result.stdout


SAVE_THEN_LOAD = """
import sys, numpy as np
{first}
from tp_ae.vae import build_vae
encoder, decoder, _ = build_vae(z_dim=4, hidden_dim=16)
encoder.save(sys.argv[1] + "/encoder.keras"); decoder.save(sys.argv[1] + "/decoder.keras")
z = np.zeros((2, 4), "float32")
np.save(sys.argv[1] + "/y.npy", np.asarray(decoder(z)))
"""
LOAD = """
import sys, numpy as np
{first}
enc = keras.saving.load_model(sys.argv[1] + "/encoder.keras")
dec = keras.saving.load_model(sys.argv[1] + "/decoder.keras")
assert [o.shape[-1] for o in enc.outputs] == [4, 4, 4]
y = np.asarray(dec(np.zeros((2, 4), "float32")))
np.testing.assert_allclose(y, np.load(sys.argv[1] + "/y.npy"))
print("LOADED", type(enc.layers[-1]).__name__)
"""


@pytest.mark.parametrize("order", ["import tp_ae\nimport keras", "import keras\nimport tp_ae"])
def test_saved_encoder_and_decoder_load_after_import_tp_ae(tmp_path, order):
    """In a fresh process, does load_model read a saved VAE encoder (Sampling layer) after
    `import tp_ae`, whichever of keras and tp_ae is imported first?"""
    for script in (SAVE_THEN_LOAD, LOAD):
        result = subprocess.run(
            [sys.executable, "-c", script.format(first=order), str(tmp_path)],
            capture_output=True,
            text=True,
            timeout=120,
            env=cli_env(),
        )
        assert result.returncode == 0, result.stderr[-2000:]
    assert "LOADED Sampling" in result.stdout


@pytest.mark.parametrize("module", ["autoencoders", "losses", "vae", "layers"])
def test_models_and_losses_use_no_tensorflow_specific_calls(module):
    """Are the reference models and losses written in keras.ops/keras.random only (no tf.*)?"""
    from pathlib import Path

    source = (Path(__file__).resolve().parents[1] / "tp_ae" / f"{module}.py").read_text()
    assert "import tensorflow" not in source and "tf." not in source
