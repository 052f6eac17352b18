"""Keras helpers for the collectors: they run in a worker of the sandboxed child, where Keras
and TensorFlow are already imported (Keras is imported inside each function). Plain facts
only: no expected answer is computed here. Describing and building models is shared with the
release's self-check: :mod:`tp_ae.selfcheck.keras_facts`."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np

from grader.probe import Probe


def run_compiled(fn: Callable, *arrays: np.ndarray) -> object:
    """``fn`` called on symbolic tensors inside a compiled TensorFlow function, the way
    ``vae.fit`` calls the losses; returns the result as a NumPy array."""
    import tensorflow as tf

    compiled = tf.function(lambda *tensors: fn(*tensors), autograph=False)
    return compiled(*[tf.constant(a) for a in arrays]).numpy()


def on_every_case(
    fn: Callable, inputs: dict[str, np.ndarray], probe: Probe, cases: Iterable[str], args: tuple
) -> None:
    """``fn`` on every case, eagerly (``<case>``: ``fn(inputs["<case>.<arg>"] ...)``), then on
    the ``random`` case inside a compiled function (``compiled``), as ``vae.fit`` calls it."""
    for case in cases:
        arrays = [inputs[f"{case}.{arg}"] for arg in args]
        probe.array(case, lambda arrays=arrays: fn(*(a.copy() for a in arrays)))
    arrays = [inputs[f"random.{arg}"] for arg in args]
    probe.array("compiled", lambda: run_compiled(fn, *arrays))
