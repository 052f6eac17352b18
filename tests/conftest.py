"""Shared fixtures. No test may reach the network: the Keras download URL points at a closed
local port and Keras's cache at an empty temporary folder for every test."""

from __future__ import annotations

import os

import numpy as np
import pytest

CLOSED_PORT_URL = "http://127.0.0.1:9/mnist.npz"  # port 9 (discard): refused at once


@pytest.fixture(autouse=True)
def no_network_no_cache(monkeypatch, tmp_path_factory):
    """Every test sees an empty Keras cache, no TP_AE_DATA and an unreachable download URL."""
    import tp_ae.data

    monkeypatch.setenv("KERAS_HOME", str(tmp_path_factory.mktemp("keras_home")))
    monkeypatch.delenv("TP_AE_DATA", raising=False)
    monkeypatch.setattr(tp_ae.data, "KERAS_MNIST_URL", CLOSED_PORT_URL)
    monkeypatch.setattr(tp_ae.data, "PROJECT_DATA_DIR", tmp_path_factory.mktemp("empty_data"))


@pytest.fixture(scope="session", autouse=True)
def private_cache_home(tmp_path_factory):
    """The whole session (subprocesses included) caches the parsed offline digits in one temporary
    $XDG_CACHE_HOME, never in the real home folder."""
    old = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("xdg_cache"))
    yield
    if old is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = old


@pytest.fixture(scope="session")
def offline_mnist():
    """The offline split: ((x_train, y_train), (x_test, y_test)), 4,000 + 1,000 real digits."""
    from tp_ae.data import load_mnist

    return load_mnist("offline")


@pytest.fixture
def rng():
    return np.random.default_rng(1234)


def cli_env(**extra: str) -> dict[str, str]:
    """Environment for a `tp-ae` subprocess: no network data sources, quiet TensorFlow."""
    env = {k: v for k, v in os.environ.items() if k not in ("TP_AE_DATA",)}
    env.update({"TF_CPP_MIN_LOG_LEVEL": "3", **extra})
    return env
