"""Scoring helpers shared by the check modules (parent side: NumPy only, no TensorFlow).

A check says "got ..., expected ..." and, when it can tell which classic mistake was made, a
hint naming it (:class:`Mistake`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from grader.observations import Observations
from grader.results import CheckResult

RTOL = 1e-4
ATOL = 1e-4


@dataclass(frozen=True)
class Mistake:
    """A classic wrong answer: the values it would give on the check's inputs, and the hint."""

    values: np.ndarray
    hint: str


def check(name: str, weight: float, fraction: float | bool, message: str = "", hint: str = ""):
    """A CheckResult; ``fraction`` True/False means all or nothing."""
    return CheckResult(name, weight, float(fraction), message, hint)


def fmt(value: object, n: int = 3) -> str:
    """Short text of a value: a scalar to 4 significant digits, an array by its first values."""
    if value is None:
        return "nothing"
    array = np.asarray(value)
    if array.ndim == 0:
        return _num(array.item())
    flat = array.reshape(-1)
    head = ", ".join(_num(v) for v in flat[:n])
    more = ", ..." if flat.size > n else ""
    return f"[{head}{more}] (shape {shape_text(array.shape)})"


def shape_text(shape) -> str:
    shape = tuple(int(s) if s is not None else None for s in shape)
    return (
        "("
        + ", ".join("N" if s is None else str(s) for s in shape)
        + ("," if len(shape) == 1 else "")
        + ")"
    )


def _num(value: object) -> str:
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    return f"{float(value):.4g}"


def close(got: np.ndarray | None, expected: np.ndarray, rtol=RTOL, atol=ATOL, nan=False) -> bool:
    """Same shape and values within tolerance (NaNs equal only when ``nan``)."""
    if got is None:
        return False
    got = np.asarray(got, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    if got.shape != expected.shape:
        return False
    with np.errstate(invalid="ignore"):
        return bool(np.allclose(got, expected, rtol=rtol, atol=atol, equal_nan=nan))


def error_text(obs: Observations, key: str, call: str) -> str:
    """'kl_divergence(mu, lv) raised ValueError: ... (part2_vae.py, line 12)' or ''."""
    error = obs.error(key)
    return f"{call} raised {error}" if error else ""


def reductions(got: np.ndarray, expected_shape: tuple[int, ...]):
    """Ways to bring ``got`` to ``expected_shape`` when it is off by a known reduction mistake.

    Yields (values, shape_hint): shape_hint is "" when the shape was already right.
    """
    got = np.asarray(got, dtype=np.float64)
    if got.shape == expected_shape:
        yield got, ""
        return
    if expected_shape == ():
        if got.size == 1:
            yield got.reshape(()), f"return a scalar, not shape {shape_text(got.shape)}"
        elif got.ndim >= 1:
            hint = (
                f"return the batch mean, a scalar: you returned shape {shape_text(got.shape)}"
                " (one value per sample): take the mean over the batch"
            )
            yield got.mean().reshape(()), hint
            yield got.sum().reshape(()), hint
        return
    n = expected_shape[0]
    if got.shape == (n, 1):
        yield got[:, 0], "return shape (N,), not (N, 1): drop the extra axis (keepdims)"
    elif got.ndim > 1 and got.shape[0] == n:
        axes = tuple(range(1, got.ndim))
        hint = (
            f"return one value per sample, shape (N,): you returned shape {shape_text(got.shape)};"
            " sum over every axis but the first (the batch axis)"
        )
        yield got.sum(axis=axes), hint
        yield got.mean(axis=axes), hint
    elif got.ndim == 0 or got.size == 1:
        hint = (
            "return one value per sample, shape (N,): you reduced over the batch too "
            "(sum over the other axes only, e.g. axis=-1)"
        )
        yield got.reshape(()), hint


def judge_values(
    got: np.ndarray | None,
    expected: np.ndarray,
    mistakes: list[Mistake],
    *,
    rtol: float = RTOL,
    atol: float = ATOL,
) -> tuple[bool, str, str, str]:
    """Compare, allowing known reduction mistakes (those cost the shape check, not this one).

    Returns (values_right, message, hint, shape_hint).
    """
    if got is None:
        return False, "no value to compare", "", ""
    expected = np.asarray(expected, dtype=np.float64)
    options = list(reductions(got, expected.shape))
    if not options:
        message = f"got shape {shape_text(np.shape(got))}, expected {shape_text(expected.shape)}"
        return False, message, "", message
    shape_hint = options[0][1]
    for values, hint in options:
        target = expected if values.shape == expected.shape else None
        if target is None and values.shape == ():
            for reduced in (expected.sum(), expected.mean()):
                if close(values, np.asarray(reduced), rtol, atol):
                    return True, "values right once reduced the same way", "", hint
            continue
        if target is not None and close(values, target, rtol, atol):
            note = "values right once reduced as expected" if hint else ""
            return True, note, "", hint
    values = options[0][0]
    for mistake in mistakes:
        candidate = np.asarray(mistake.values, dtype=np.float64)
        for values_option, _ in options:
            if values_option.shape == candidate.shape and close(
                values_option, candidate, rtol, atol, nan=True
            ):
                message = f"got {fmt(values_option)}, expected {fmt(expected)}"
                return False, message, mistake.hint, shape_hint
    if values.shape == expected.shape:
        message = f"got {fmt(values)}, expected {fmt(expected)}"
    else:
        message = f"got {fmt(got)}, expected {fmt(expected)}"
    return False, message, "", shape_hint


@dataclass(frozen=True)
class Case:
    """One call of a loss on the check's inputs: where its result is, what it should be."""

    key: str  # observation key of the student's result
    label: str  # how messages name the inputs, e.g. "inputs (16, 10)"
    expected: np.ndarray
    mistakes: list[Mistake]


def decoder_check(
    obs: Observations,
    n: int,
    z_dims: Iterable[int],
    weight: float,
    build_error: Callable[[int], str],
    sigmoid_hint: str,
) -> CheckResult:
    """The decoder maps (N, z_dim) to (N, 28, 28, 1) in [0, 1], for every z_dim built.

    Reads ``z{z_dim}.decoded`` (``n`` decoded codes); half of each z_dim's part is the shape,
    half the range.
    """
    name = "decoder: (N, z_dim) -> (N, 28, 28, 1), values in [0, 1]"
    expected = (n, 28, 28, 1)
    parts, messages, hints = [], [], []
    for z_dim in z_dims:
        got = obs.array(f"z{z_dim}.decoded")
        if got is None:
            parts.append(0.0)
            messages.append(
                error_text(obs, f"z{z_dim}.decoded", "decoder(z)") or build_error(z_dim)
            )
            continue
        shape_ok = got.shape == expected
        low, high = float(np.min(got)), float(np.max(got))
        range_ok = low >= 0.0 and high <= 1.0
        parts.append((shape_ok + range_ok) / 2)
        if not shape_ok:
            messages.append(
                f"z_dim={z_dim}: got shape {shape_text(got.shape)}, expected {shape_text(expected)}"
            )
            hints.append("end the decoder with Reshape((28, 28, 1))")
        if not range_ok:
            messages.append(
                f"z_dim={z_dim}: got values in [{low:.3g}, {high:.3g}], expected [0, 1]"
            )
            hints.append(sigmoid_hint)
    return check(
        name,
        weight,
        float(np.mean(parts)),
        "; ".join(m for m in messages if m),
        "; ".join(dict.fromkeys(hints)),
    )
