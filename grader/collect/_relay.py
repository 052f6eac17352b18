"""Relays: the other questions' functions, inside a worker, answered by the trusted process.

While one question is graded, the submission's functions for the *other* questions that it may
call are replaced by these stand-ins (one mistake costs points once), and so are the
answer-free ``tp_ae`` stubs of those questions. A relay holds no formula: it sends its inputs,
as float32, over the worker's channel to :mod:`grader.reference_server` (outside the sandbox)
and returns the reply. The losses are ``tf.custom_gradient`` functions around
``tf.numpy_function``, so that ``vae.fit`` trains through them (eagerly or compiled, the
gradient asked from the same process); a Keras symbolic tensor gets a symbolic result (a
``keras.Operation``). ``add_noise`` is a NumPy function.

Functions that take or return Keras models (the builders, ``sample_images``) are not relayed:
a model cannot cross processes. The submission's own versions stay in place for those.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable

import numpy as np

from grader.collect import _wire


class RelayError(RuntimeError):
    """The grader's reference process refused a request or could not be reached."""


class Channel:
    """One worker's connection to the reference process (a socket it inherited)."""

    def __init__(self, fd: int):
        self._sock = socket.socket(fileno=fd)
        self._lock = threading.Lock()

    def call(self, name: str, op: str, arrays, params: dict | None = None) -> list[np.ndarray]:
        """Send one request; the reply's arrays (float32), or RelayError with its message."""
        arrays = [np.asarray(a, dtype=np.float32) for a in arrays]
        with self._lock:
            try:
                _wire.send_message(
                    self._sock, {"fn": name, "op": op, "params": params or {}}, arrays
                )
                header = _wire.read_header(self._sock)
                if not isinstance(header, dict) or not header.get("ok"):
                    error = header.get("error") if isinstance(header, dict) else None
                    raise RelayError(f"{name} (the reference, run by the grader): {error}")
                shapes = [tuple(int(s) for s in shape) for shape in header["shapes"]]
                return [a.copy() for a in _wire.read_arrays(self._sock, shapes)]
            except (OSError, EOFError, ValueError, KeyError, TypeError) as err:
                raise RelayError(
                    f"{name}: the grader's reference process did not answer ({err})"
                ) from None


def relays(channel: Channel | None, question_id: str) -> dict[str, Callable]:
    """The stand-ins for every relayed question but ``question_id`` (none without a channel)."""
    if channel is None:
        return {}
    makers = {
        "kl_divergence": lambda: _loss(channel, "kl_divergence", _kl_shape),
        "reconstruction_loss": lambda: _loss(channel, "reconstruction_loss", _recon_shape),
        "vae_loss": lambda: _vae_loss(channel),
        "add_noise": lambda: _add_noise(channel),
    }
    return {name: make() for name, make in makers.items() if name != question_id}


# shapes of the results, for graph mode and symbolic tensors (the reference's, not a formula)
def _kl_shape(shapes):
    return tuple(shapes[0])[:-1]


def _recon_shape(shapes):
    return tuple(shapes[0])[:1]


def _scalar_shape(shapes):
    return ()


def _relayed(channel: Channel, name: str, out_shape) -> Callable:
    """``name``'s value on float32 tensors, with its gradient, both from the reference process."""
    import tensorflow as tf

    @tf.custom_gradient
    def relayed(*tensors):
        value = tf.numpy_function(
            lambda *arrays: channel.call(name, "value", arrays)[0], list(tensors), tf.float32
        )
        value.set_shape(out_shape([t.shape for t in tensors]))

        def grad(upstream):
            grads = tf.numpy_function(
                lambda u, *arrays: channel.call(name, "grad", (u, *arrays)),
                [upstream, *tensors],
                [tf.float32] * len(tensors),
            )
            for g, t in zip(grads, tensors, strict=True):
                g.set_shape(t.shape)
            return grads

        return value, grad

    def call(*args):
        return relayed(*(tf.cast(a, tf.float32) for a in args))

    return call


def _operation(name: str, fn: Callable, out_shape) -> Callable:
    """``fn`` as a keras Operation, so that symbolic (functional API) tensors work too."""
    import keras

    class Relay(keras.Operation):
        def call(self, *args):
            return fn(*args)

        def compute_output_spec(self, *args):
            return keras.KerasTensor(out_shape([a.shape for a in args]), dtype="float32")

    def apply(*args):
        if any(keras.backend.is_keras_tensor(a) for a in args):
            return Relay(name=f"{name}_relay")(*args)
        return fn(*args)

    return apply


def _loss(channel: Channel, name: str, out_shape) -> Callable:
    apply = _operation(name, _relayed(channel, name, out_shape), out_shape)
    if name == "kl_divergence":

        def kl_divergence(z_mean, z_log_var):
            return apply(z_mean, z_log_var)

        return kl_divergence

    def reconstruction_loss(x, y):
        return apply(x, y)

    return reconstruction_loss


def _vae_loss(channel: Channel) -> Callable:
    apply = _operation("vae_loss", _relayed(channel, "vae_loss", _scalar_shape), _scalar_shape)

    def vae_loss(x, y, z_mean, z_log_var, beta=1.0):
        import keras

        return apply(x, y, z_mean, z_log_var, keras.ops.convert_to_tensor(beta, "float32"))

    return vae_loss


def _add_noise(channel: Channel) -> Callable:
    def add_noise(x, sigma=20 / 255, seed=None):
        x = np.asarray(x, dtype=np.float32)
        params = {"sigma": float(sigma), "seed": None if seed is None else int(seed)}
        return channel.call("add_noise", "value", [x], params)[0]

    return add_noise
