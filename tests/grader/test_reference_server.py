"""grader/reference_server.py: the trusted process's values, gradients and refusals (NumPy only)."""

from __future__ import annotations

import json
import socket
import struct
import threading

import numpy as np
import pytest

from grader import reference_server as server
from grader.checks.kl_divergence import expected_kl
from grader.checks.reconstruction_loss import expected_loss
from grader.collect import _wire


@pytest.fixture
def rng():
    return np.random.default_rng(11)


def _request(allowed, fn, op, arrays, params=None):
    header = {"fn": fn, "op": op, "shapes": [list(np.shape(a)) for a in arrays]}
    header["params"] = params or {}
    shapes = server.check_header(allowed, header)
    return server.answer(allowed, header, [np.asarray(a, np.float32) for a in arrays]), shapes


ALL = server.relayed_for("build_vae")


def _numerical_grad(f, arrays, index, h=1e-3):
    """Central differences of sum(f(*arrays)) with respect to arrays[index], in float64."""
    base = [np.array(a, dtype=np.float64) for a in arrays]
    grad = np.zeros_like(base[index])
    for i in np.ndindex(grad.shape):
        up, down = [a.copy() for a in base], [a.copy() for a in base]
        up[index][i] += h
        down[index][i] -= h
        grad[i] = (np.sum(f(*up)) - np.sum(f(*down))) / (2 * h)
    return grad


def test_values_match_the_graders_own_formulas(rng):
    """Are the relayed losses the grader's NumPy formulas (the scoring side's, written apart)?"""
    mu, lv = rng.normal(size=(5, 3)), rng.normal(size=(5, 3))
    x = (rng.random((4, 28, 28, 1)) < 0.3).astype(np.float32)
    y = rng.uniform(0.02, 0.98, (4, 28, 28, 1)).astype(np.float32)
    (kl,), _ = _request(ALL, "kl_divergence", "value", [mu, lv])
    np.testing.assert_allclose(kl, expected_kl(np.float32(mu), np.float32(lv)), rtol=1e-6)
    (recon,), _ = _request(ALL, "reconstruction_loss", "value", [x, y])
    np.testing.assert_allclose(recon, expected_loss(x, y), rtol=1e-6)
    z_mu, z_lv = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    (total,), _ = _request(ALL, "vae_loss", "value", [x, y, z_mu, z_lv, np.float32(2.0)])
    want = np.mean(expected_loss(x, y) + 2 * expected_kl(np.float32(z_mu), np.float32(z_lv)))
    assert total.shape == () and total == pytest.approx(want, rel=1e-6)


@pytest.mark.parametrize(
    ("fn", "shapes", "upstream"),
    [
        ("kl_divergence", [(3, 2), (3, 2)], (3,)),
        ("reconstruction_loss", [(2, 3, 2), (2, 3, 2)], (2,)),
        ("vae_loss", [(2, 4), (2, 4), (2, 3), (2, 3), ()], ()),
    ],
)
def test_gradients_match_central_differences(rng, fn, shapes, upstream):
    """Is each closed-form gradient the derivative of the value (numerically, every input)?"""
    arrays = [rng.uniform(0.1, 0.9, s) for s in shapes]
    u = rng.normal(size=upstream)

    def value(*inputs):
        (out,), _ = _request(ALL, fn, "value", list(inputs))
        return np.float64(out) * u

    grads, _ = _request(ALL, fn, "grad", [u, *arrays])
    assert len(grads) == len(arrays)
    for index, grad in enumerate(grads):
        want = _numerical_grad(value, arrays, index)
        np.testing.assert_allclose(grad, want, rtol=2e-2, atol=2e-3)


def test_clipped_pixels_get_no_gradient():
    """Where y is exactly 0 or 1 (clipped, as the reference does), is d/dy zero and finite?"""
    x = np.array([[0.0, 1.0, 1.0]], np.float32)
    y = np.array([[0.0, 1.0, 0.5]], np.float32)
    (dx, dy), _ = _request(ALL, "reconstruction_loss", "grad", [np.ones(1), x, y])
    assert np.all(np.isfinite(dx)) and dy[0, 0] == 0 and dy[0, 1] == 0 and dy[0, 2] != 0


def test_add_noise_is_seeded_and_clipped():
    """Same seed, same noise; clipped to [0, 1]; float32 of x's shape."""
    x = np.zeros((2, 5), np.float32)
    params = {"sigma": 0.3, "seed": 4}
    (a,), _ = _request(ALL, "add_noise", "value", [x], params)
    (b,), _ = _request(ALL, "add_noise", "value", [x], params)
    assert a.dtype == np.float32 and a.shape == x.shape
    assert np.array_equal(a, b) and a.min() >= 0 and a.max() <= 1 and np.any(a > 0)


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ({"fn": "kl_divergence", "op": "value", "shapes": [[2, 2], [2, 2]]}, "not available"),
        ({"fn": "build_vae", "op": "value", "shapes": []}, "no relayed reference"),
        ({"fn": "vae_loss", "op": "value", "shapes": [[1]]}, "takes 5 arrays"),
        ({"fn": "add_noise", "op": "grad", "shapes": [[1], [1]]}, "no operation"),
        ({"fn": "vae_loss", "op": "value", "shapes": [[2**30, 2**30]] * 5}, "sizes are integers"),
        ({"fn": "vae_loss", "op": "value", "shapes": [[4096, 4096]] * 5}, "more than"),
        ({"fn": "vae_loss", "op": "value", "shapes": [[1.5]] * 5}, "sizes are integers"),
        ({"fn": "vae_loss", "op": "value", "shapes": [[1] * 9] * 5}, "at most"),
        ({"fn": "vae_loss", "op": "eval", "shapes": []}, "no operation"),
        (["kl_divergence"], "a request is an object"),
    ],
)
def test_bad_headers_are_refused(header, message):
    """Is every malformed or forbidden request refused, with a reason, before data is read?"""
    with pytest.raises(server.RequestError, match=message):
        server.check_header(server.relayed_for("kl_divergence"), header)


@pytest.mark.parametrize(
    ("fn", "arrays", "params", "message"),
    [
        ("reconstruction_loss", [np.zeros((2, 3)), np.zeros((2, 4))], {}, "same shape"),
        ("kl_divergence", [np.zeros(()), np.zeros(())], {}, "batch axis"),
        ("add_noise", [np.zeros(3)], {"sigma": float("nan"), "seed": 1}, "finite"),
        ("add_noise", [np.zeros(3)], {"sigma": 0.1, "seed": -1}, "seed"),
        ("add_noise", [np.zeros(3)], {"sigma": 0.1}, "parameters"),
        ("add_noise", [np.zeros(3)], {"sigma": "0.1", "seed": 1}, "number"),
    ],
)
def test_bad_values_are_refused(fn, arrays, params, message):
    with pytest.raises(server.RequestError, match=message):
        _request(ALL, fn, "value", arrays, params)


def _serving(allowed):
    ours, theirs = socket.socketpair()
    thread = threading.Thread(target=server.serve_channel, args=(ours, allowed), daemon=True)
    thread.start()
    return theirs, thread


def test_a_channel_answers_then_closes_on_garbage():
    """Over a real socket: an answer, an error reply that keeps the channel, then a broken
    frame (a header longer than allowed) that closes it."""
    client, thread = _serving(ALL)
    with client:
        mu = np.zeros((2, 3), np.float32)
        _wire.send_message(client, {"fn": "kl_divergence", "op": "value", "params": {}}, [mu, mu])
        header = _wire.read_header(client)
        assert header["ok"] and header["shapes"] == [[2]]
        assert np.array_equal(_wire.read_arrays(client, [(2,)])[0], np.zeros(2))
        bad = [np.zeros((2, 3)), np.zeros((2, 3))]
        _wire.send_message(client, {"fn": "add_noise", "op": "value", "params": {}}, bad[:1])
        assert not _wire.read_header(client)["ok"]
        client.sendall(struct.pack(">I", 10**6) + json.dumps({}).encode())
        thread.join(timeout=5)
        assert not thread.is_alive()


def test_the_control_socket_opens_channels_without_the_graded_question():
    """Does a channel opened for kl_divergence refuse kl_divergence and answer the others?"""
    control, theirs = socket.socketpair()
    thread = threading.Thread(target=server.serve, args=(theirs,), daemon=True)
    thread.start()
    with control:
        control.sendall(b'{"open": "kl_divergence"}\n')
        message, fds, _, _ = socket.recv_fds(control, 3, 1)
        assert message == b"ok\n" and len(fds) == 1
        with socket.socket(fileno=fds[0]) as channel:
            x = np.full((1, 4), 0.5, np.float32)
            _wire.send_message(channel, {"fn": "reconstruction_loss", "op": "value"}, [x, x])
            assert _wire.read_header(channel)["ok"]
            _wire.read_arrays(channel, [(1,)])
            _wire.send_message(channel, {"fn": "kl_divergence", "op": "value"}, [x, x])
            reply = _wire.read_header(channel)
            assert not reply["ok"] and "not available" in reply["error"]
        control.sendall(b"not json\n")
        assert control.recv(3) == b"no\n"
    thread.join(timeout=5)
    assert not thread.is_alive()
