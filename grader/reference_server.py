"""The trusted reference process: other questions' reference values, outside the sandbox.

While one question is graded, the submission's *other* answers that it may call are replaced
by relays (:mod:`grader.collect._relay`), so that one mistake costs points once: ``vae_loss`` is
checked with the reference ``reconstruction_loss`` and ``kl_divergence``, and ``build_vae``
trains with the reference losses. The reference answers never enter the student's process:
each relay asks this process, which :mod:`grader.sandbox` starts next to the sandboxed child
(``python -m grader.reference_server FD``; NumPy only, no TensorFlow), over a Unix socket.

Channels. ``FD`` is the control socket, held by the child's zygote only. Before it forks the
worker of a task, the zygote sends ``{"open": "<question id>"}`` (one JSON line); this process
answers with a new socket (``SCM_RIGHTS``) that serves every relayed function *except* that
question's own (no oracle for the answer being graded). The worker closes the control socket
before any student code runs, so its channel is the only one it can use.

Messages on a channel, both ways (:mod:`grader.collect._wire`): a 4-byte big-endian length, a
JSON header, then the arrays' raw float32 bytes (C order), one after the other. Request header:
``{"fn": name, "op": "value" | "grad", "shapes": [[...], ...], "params": {...}}``; for
``grad`` the first array is the upstream gradient (shaped like the value). Reply header:
``{"ok": true, "shapes": [...]}`` then the arrays, or ``{"ok": false, "error": text}``. Nothing
in a request is trusted: header size, JSON layout, function and operation names, the number of
arrays, their ranks, sizes (:data:`MAX_ELEMENTS` in all) and shapes, and every parameter are
checked before any data is read; a bad request gets an error reply, a broken stream closes the
channel.

The formulas are the handout's, in float64 on the float32 inputs, sent back as float32, with
their closed-form gradients with respect to every input (what TensorFlow would compute through
the reference written in ``keras.ops``, clipping included):

- ``kl_divergence(mu, lv)`` = 1/2 sum_k (exp(lv_k) + mu_k^2 - 1 - lv_k) over the last axis;
  d/dmu = mu, d/dlv = (exp(lv) - 1) / 2;
- ``reconstruction_loss(x, y)`` = -sum_pixels [x log y' + (1 - x) log(1 - y')] per image, with
  y' = clip(y, 1e-7, 1 - 1e-7); d/dx = -(log y' - log(1 - y')),
  d/dy = -(x / y' - (1 - x) / (1 - y')) where y is not clipped, else 0;
- ``vae_loss(x, y, mu, lv, beta)`` = mean_batch(reconstruction_loss + beta kl_divergence);
- ``add_noise(x; sigma, seed)`` = clip(x + sigma N(0, 1), 0, 1) with ``default_rng(seed)``
  (no gradient: a NumPy function).
"""

from __future__ import annotations

import json
import math
import socket
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from grader.collect._wire import read_arrays, read_header, send_message

MAX_ELEMENTS = 16 * 2**20  # float32 numbers per message, all arrays together (64 MiB)
MAX_RANK = 6
MAX_CHANNELS = 64  # open at once (one per running worker)
EPSILON = np.float32(1e-7)  # the reference's clip of y, in float32 as it does


class RequestError(ValueError):
    """A request this process refuses (the reply says why)."""


# ---------------------------------------------------------------- the formulas


def _kl(mu: np.ndarray, lv: np.ndarray) -> np.ndarray:
    return 0.5 * np.sum(np.exp(lv) + mu**2 - 1.0 - lv, axis=-1)


def _kl_grad(upstream, mu, lv):
    u = upstream[..., None]
    return [u * mu, u * 0.5 * (np.exp(lv) - 1.0)]


def _clipped(y: np.ndarray) -> np.ndarray:
    return np.clip(y.astype(np.float32), EPSILON, np.float32(1.0) - EPSILON).astype(np.float64)


def _recon(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    yc = _clipped(y)
    log_likelihood = x * np.log(yc) + (1.0 - x) * np.log(1.0 - yc)
    return -log_likelihood.reshape(len(x), -1).sum(axis=1)


def _recon_grad(upstream, x, y):
    yc = _clipped(y)
    u = upstream.reshape((len(x),) + (1,) * (x.ndim - 1))
    inside = (y >= np.float64(EPSILON)) & (y <= np.float64(np.float32(1.0) - EPSILON))
    dx = -u * (np.log(yc) - np.log(1.0 - yc))
    dy = -u * (x / yc - (1.0 - x) / (1.0 - yc)) * inside
    return [dx, dy]


def _vae_terms(x, y, mu, lv, beta):
    recon, kl = _recon(x, y), _kl(mu, lv)
    if recon.shape != kl.shape:
        raise RequestError(
            f"reconstruction_loss gives shape {recon.shape} and kl_divergence {kl.shape}: "
            "they cannot be added"
        )
    return recon, kl


def _vae(x, y, mu, lv, beta):
    recon, kl = _vae_terms(x, y, mu, lv, beta)
    return np.mean(recon + float(beta) * kl)


def _vae_grad(upstream, x, y, mu, lv, beta):
    recon, kl = _vae_terms(x, y, mu, lv, beta)
    per_sample = np.full(recon.shape, float(upstream) / recon.size)
    dx, dy = _recon_grad(per_sample, x, y)
    dmu, dlv = _kl_grad(per_sample * float(beta), mu, lv)
    return [dx, dy, dmu, dlv, np.asarray(float(upstream) * np.mean(kl))]


def _add_noise(x, *, sigma: float, seed: int | None):
    rng = np.random.default_rng(seed)
    return np.clip(x + sigma * rng.standard_normal(x.shape), 0.0, 1.0)


# ---------------------------------------------------------------- the table


@dataclass(frozen=True)
class Relayed:
    """One relayed reference: its arguments' names, the value, its gradient (None: none)."""

    args: tuple[str, ...]
    value: Callable
    grad: Callable | None
    check: Callable[[list[np.ndarray]], None]
    params: tuple[str, ...] = ()


def _same_shape(names: tuple[str, str]) -> Callable[[list[np.ndarray]], None]:
    def check(arrays: list[np.ndarray]) -> None:
        a, b = arrays
        if a.shape != b.shape:
            raise RequestError(
                f"{names[0]} and {names[1]} must have the same shape, got {a.shape} and {b.shape}"
            )
        if a.ndim < 1:
            raise RequestError(f"{names[0]} must have a batch axis, got a scalar")

    return check


def _vae_check(arrays: list[np.ndarray]) -> None:
    _same_shape(("x", "y"))(arrays[:2])
    _same_shape(("z_mean", "z_log_var"))(arrays[2:4])
    if arrays[4].shape != ():
        raise RequestError(f"beta must be a number, got shape {arrays[4].shape}")


RELAYED: dict[str, Relayed] = {
    "kl_divergence": Relayed(
        ("z_mean", "z_log_var"), _kl, _kl_grad, _same_shape(("z_mean", "z_log_var"))
    ),
    "reconstruction_loss": Relayed(("x", "y"), _recon, _recon_grad, _same_shape(("x", "y"))),
    "vae_loss": Relayed(("x", "y", "z_mean", "z_log_var", "beta"), _vae, _vae_grad, _vae_check),
    "add_noise": Relayed(("x",), _add_noise, None, lambda arrays: None, ("sigma", "seed")),
}


def relayed_for(question_id: str) -> frozenset[str]:
    """The references a worker grading ``question_id`` may ask for: every one but its own."""
    return frozenset(name for name in RELAYED if name != question_id)


# ---------------------------------------------------------------- one request


def answer(allowed: frozenset[str], header: dict, arrays: list[np.ndarray]) -> list[np.ndarray]:
    """The reply's arrays (float32) for a checked request; RequestError when refused."""
    name, op = header["fn"], header["op"]
    entry = RELAYED[name]
    with np.errstate(all="ignore"):
        inputs = [a.astype(np.float64) for a in arrays]
        if op == "value":
            entry.check(inputs)
            params = _params(entry, header.get("params", {}))
            out = [np.asarray(entry.value(*inputs, **params))]
        else:
            upstream, inputs = inputs[0], inputs[1:]
            entry.check(inputs)
            expected = np.shape(entry.value(*inputs))
            if upstream.shape != expected:
                raise RequestError(f"upstream gradient of shape {upstream.shape}, not {expected}")
            out = entry.grad(upstream, *inputs)
    return [np.asarray(a, dtype=np.float32, order="C") for a in out]


def _params(entry: Relayed, raw: object) -> dict:
    if not isinstance(raw, dict) or set(raw) != set(entry.params):
        raise RequestError(f"parameters must be {sorted(entry.params)}")
    params = {}
    if "sigma" in raw:
        sigma = raw["sigma"]
        if isinstance(sigma, bool) or not isinstance(sigma, (int, float)):
            raise RequestError("sigma must be a number")
        if not math.isfinite(sigma):
            raise RequestError(f"sigma must be finite, got {sigma}")
        params["sigma"] = float(sigma)
    if "seed" in raw:
        seed = raw["seed"]
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
            raise RequestError("seed must be an integer or None")
        if seed is not None and not 0 <= seed < 2**63:
            raise RequestError(f"seed must be in [0, 2**63), got {seed}")
        params["seed"] = seed
    return params


def check_header(allowed: frozenset[str], header: object) -> list[tuple[int, ...]]:
    """The shapes a request declares, once its layout is checked; RequestError otherwise."""
    if not isinstance(header, dict) or set(header) - {"fn", "op", "shapes", "params"}:
        raise RequestError("a request is an object with fn, op, shapes and params")
    name, op, shapes = header.get("fn"), header.get("op"), header.get("shapes")
    if not isinstance(name, str) or name not in RELAYED:
        raise RequestError(f"no relayed reference named {str(name)[:40]!r}")
    if name not in allowed:
        raise RequestError(f"the reference {name} is not available while {name} is graded")
    entry = RELAYED[name]
    if op not in ("value", "grad") or (op == "grad" and entry.grad is None):
        raise RequestError(f"{name}: no operation {str(op)[:20]!r}")
    count = len(entry.args) + (op == "grad")
    if not isinstance(shapes, list) or len(shapes) != count:
        raise RequestError(f"{name} {op} takes {count} arrays")
    checked, total = [], 0
    for shape in shapes:
        if not isinstance(shape, list) or len(shape) > MAX_RANK:
            raise RequestError(f"an array's shape is a list of at most {MAX_RANK} sizes")
        if not all(
            isinstance(s, int) and not isinstance(s, bool) and 0 <= s <= MAX_ELEMENTS for s in shape
        ):
            raise RequestError(f"array sizes are integers in [0, {MAX_ELEMENTS}]")
        size = math.prod(shape)
        total += size
        if total > MAX_ELEMENTS:
            raise RequestError(f"more than {MAX_ELEMENTS} numbers in one request")
        checked.append(tuple(shape))
    return checked


# ---------------------------------------------------------------- serving


def serve_channel(sock: socket.socket, allowed: frozenset[str]) -> None:
    """Answer requests on one worker's channel until it closes (or sends a broken frame)."""
    with sock:
        while True:
            try:
                header = read_header(sock)
            except (EOFError, OSError, ValueError):
                return
            try:
                shapes = check_header(allowed, header)
            except RequestError as err:
                # the data that follows cannot be skipped safely: reply, then close
                _reply_error(sock, str(err))
                return
            try:
                arrays = read_arrays(sock, shapes)
            except (EOFError, OSError):
                return
            try:
                out = answer(allowed, header, arrays)
            except RequestError as err:
                if not _reply_error(sock, str(err)):
                    return
                continue
            except Exception as err:  # noqa: BLE001 - any bad input is refused, never fatal
                if not _reply_error(sock, f"{type(err).__name__}: {err}"[:300]):
                    return
                continue
            try:
                send_message(sock, {"ok": True}, out)
            except OSError:
                return


def _reply_error(sock: socket.socket, message: str) -> bool:
    try:
        send_message(sock, {"ok": False, "error": message[:500]})
        return True
    except OSError:
        return False


def serve(control: socket.socket) -> None:
    """Open channels on the zygote's requests until the control socket closes."""
    open_channels = threading.BoundedSemaphore(MAX_CHANNELS)
    buffer = b""
    while True:
        try:
            chunk = control.recv(4096)
        except OSError:
            return
        if not chunk:
            return
        buffer += chunk
        if len(buffer) > 65536:
            return
        while b"\n" in buffer:
            line, buffer = buffer.split(b"\n", 1)
            question_id = _open_request(line)
            if question_id is None or not open_channels.acquire(blocking=False):
                control.sendall(b"no\n")
                continue
            ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                socket.send_fds(control, [b"ok\n"], [theirs.fileno()])
            finally:
                theirs.close()

            threading.Thread(
                target=_serve_then_release,
                args=(ours, relayed_for(question_id), open_channels),
                daemon=True,
            ).start()


def _serve_then_release(sock, allowed, open_channels) -> None:
    try:
        serve_channel(sock, allowed)
    finally:
        open_channels.release()


def _die_with_parent() -> None:
    """PR_SET_PDEATHSIG SIGKILL (Linux): this process ends when the grader that started it does."""
    try:
        import ctypes
        import signal

        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL), 0, 0, 0)
    except (OSError, AttributeError):
        pass


def _open_request(line: bytes) -> str | None:
    try:
        request = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    question_id = request.get("open") if isinstance(request, dict) else None
    return question_id if isinstance(question_id, str) and len(question_id) < 100 else None


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    _die_with_parent()
    control = socket.socket(fileno=int(argv[0]))
    serve(control)
    return 0


if __name__ == "__main__":
    sys.exit(main())
