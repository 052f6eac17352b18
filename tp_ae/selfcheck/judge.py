"""Comparisons shared by the checks: values against prepared expected outputs.

The rules are the grader's: a value is right within rtol = atol = 1e-4; a result off by a
known reduction slip (shape (N, 1), one value per pixel, per-sample instead of the batch mean)
loses the shape check but not the values check when its values are right once reduced; a wrong
value equal to a known mistake's output gets that mistake's hint.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from tp_ae.selfcheck.recorder import Recorder
from tp_ae.selfcheck.results import CheckResult

RTOL = ATOL = 1e-4


class Record(Protocol):
    """What a student's run recorded, key -> value or error: the self-check's
    :class:`~tp_ae.selfcheck.recorder.Recorder` or the grader's ``Observations``."""

    def get(self, key: str, default: object = None) -> object: ...

    def array(self, key: str) -> np.ndarray | None: ...

    def error(self, key: str) -> object: ...


def fmt(value: object, n: int = 3) -> str:
    """A scalar to 4 significant digits; an array by its first values and its shape."""
    if value is None:
        return "nothing"
    array = np.asarray(value)
    if array.ndim == 0:
        return _num(array.item())
    flat = array.reshape(-1)
    more = ", ..." if flat.size > n else ""
    return f"[{', '.join(_num(v) for v in flat[:n])}{more}] (shape {shape_text(array.shape)})"


def shape_text(shape) -> str:
    sizes = ["N" if s is None else str(int(s)) for s in shape]
    return "(" + ", ".join(sizes) + ("," if len(sizes) == 1 else "") + ")"


def _num(value: object) -> str:
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    return f"{float(value):.4g}"


def close(got, expected, rtol=RTOL, atol=ATOL, nan=False) -> bool:
    """Same shape and values within tolerance (NaNs equal only when ``nan``)."""
    if got is None:
        return False
    got, expected = np.asarray(got, np.float64), np.asarray(expected, np.float64)
    if got.shape != expected.shape:
        return False
    with np.errstate(invalid="ignore"):
        return bool(np.allclose(got, expected, rtol=rtol, atol=atol, equal_nan=nan))


def error_text(rec: Record, key: str, call: str) -> str:
    """'kl_divergence(mu, lv) raised ValueError: ... (part2_vae.py, line 12)' or ''."""
    error = rec.error(key)
    return f"{call} raised {error}" if error else ""


def reductions(got: np.ndarray, shape: tuple[int, ...]) -> Iterator[tuple[np.ndarray, str]]:
    """Ways to bring ``got`` to ``shape`` when off by a known reduction slip: (values, hint);
    the hint is "" when the shape was right."""
    got = np.asarray(got, np.float64)
    if got.shape == shape:
        yield got, ""
    elif shape == ():
        if got.size == 1:
            yield got.reshape(()), f"return a scalar, not shape {shape_text(got.shape)}"
        elif got.ndim >= 1:
            hint = (
                f"return the batch mean, a scalar: you returned shape {shape_text(got.shape)}"
                " (one value per sample): take the mean over the batch"
            )
            yield got.mean().reshape(()), hint
            yield got.sum().reshape(()), hint
    elif got.shape == (shape[0], 1):
        yield got[:, 0], "return shape (N,), not (N, 1): drop the extra axis (keepdims)"
    elif got.ndim > 1 and got.shape[0] == shape[0]:
        axes = tuple(range(1, got.ndim))
        hint = (
            f"return one value per sample, shape (N,): you returned shape {shape_text(got.shape)};"
            " sum over every axis but the first (the batch axis)"
        )
        yield got.sum(axis=axes), hint
        yield got.mean(axis=axes), hint
    elif got.ndim == 0 or got.size == 1:
        yield (
            got.reshape(()),
            (
                "return one value per sample, shape (N,): you reduced over the batch too "
                "(sum over the other axes only, e.g. axis=-1)"
            ),
        )


def judge(
    got: np.ndarray, expected: np.ndarray, mistakes: Iterable[tuple[np.ndarray, str]], **tol
) -> tuple[bool, str, str, str]:
    """(values right, message, mistake hint, shape hint) of one result against its expected."""
    expected = np.asarray(expected, np.float64)
    options = list(reductions(got, expected.shape))
    if not options:
        message = f"got shape {shape_text(np.shape(got))}, expected {shape_text(expected.shape)}"
        return False, message, "", message
    shape_hint = options[0][1]
    for values, hint in options:
        if values.shape == expected.shape and close(values, expected, **tol):
            return True, "values right once reduced as expected" if hint else "", "", hint
        if values.shape == () != expected.shape:
            if any(close(values, r, **tol) for r in (expected.sum(), expected.mean())):
                return True, "values right once reduced the same way", "", hint
    for wrong, mistake_hint in mistakes:
        for values, _ in options:
            if values.shape == np.shape(wrong) and close(values, wrong, nan=True, **tol):
                message = f"got {fmt(values)}, expected {fmt(expected)}"
                return False, message, mistake_hint, shape_hint
    values = options[0][0]
    shown = values if values.shape == expected.shape else got
    return False, f"got {fmt(shown)}, expected {fmt(expected)}", "", shape_hint


@dataclass(frozen=True)
class Case:
    """One call on prepared inputs: the key of its result and what it should be."""

    key: str
    label: str  # how messages name the inputs, e.g. "inputs (16, 10)"
    expected: np.ndarray
    mistakes: list[tuple[np.ndarray, str]]


def shape_and_values(
    rec: Recorder,
    cases: list[Case],
    call: str,
    names: tuple[str, str],
    weights: tuple[float, float],
    generic_hint: str,
) -> tuple[CheckResult, CheckResult, bool]:
    """The shape check and the values check over the cases; also whether all values were
    right."""
    shape_parts, shape_msgs, shape_hints = [], [], []
    value_parts, value_msgs, value_hints = [], [], []
    for case in cases:
        got = rec.array(case.key)
        if got is None:
            failure = error_text(rec, case.key, call) or "no value returned"
            shape_parts.append(0.0)
            value_parts.append(0.0)
            shape_msgs.append(failure)
            value_msgs.append(failure)
            continue
        right, message, hint, shape_hint = judge(got, case.expected, case.mistakes)
        shape_parts.append(0.0 if shape_hint else 1.0)
        if shape_hint:
            shape_msgs.append(
                f"{case.label}: got shape {shape_text(np.shape(got))}, "
                f"expected {shape_text(np.shape(case.expected))}"
            )
            shape_hints.append(shape_hint)
        value_parts.append(1.0 if right else 0.0)
        if message:
            value_msgs.append(f"{case.label}: {message}")
        if not right:
            value_hints.append(hint or generic_hint)
    shape = CheckResult(
        names[0],
        weights[0],
        float(np.mean(shape_parts)),
        "; ".join(shape_msgs),
        shape_hints[0] if shape_hints else "",
    )
    values = CheckResult(
        names[1],
        weights[1],
        float(np.mean(value_parts)),
        "; ".join(value_msgs),
        value_hints[0] if value_hints else "",
    )
    return shape, values, bool(value_parts) and min(value_parts) == 1.0


def compiled_check(rec: Recorder, name: str, weight: float, call: str, hint: str) -> CheckResult:
    """The result under ``compiled`` exists and agrees with the eager ``random`` one."""
    compiled, eager = rec.array("compiled"), rec.array("random")
    if compiled is None:
        return CheckResult(name, weight, 0.0, error_text(rec, "compiled", call) or "no value", hint)
    if eager is not None and not close(compiled, eager, rtol=1e-3, atol=1e-3):
        return CheckResult(name, weight, 0.0, f"got {fmt(compiled)}, eagerly {fmt(eager)}", hint)
    return CheckResult(name, weight, 1.0)
