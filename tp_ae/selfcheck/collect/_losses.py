"""The losses' collectors: the student's function on every case, eagerly, then inside a
compiled TensorFlow function, as ``vae.fit`` calls it."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np

from tp_ae.selfcheck.collect import Recording


def run_compiled(fn: Callable, *arrays: np.ndarray) -> object:
    """``fn`` called on symbolic tensors inside a compiled TensorFlow function, the way
    ``vae.fit`` calls the losses; returns the result as a NumPy array."""
    import tensorflow as tf

    compiled = tf.function(lambda *tensors: fn(*tensors), autograph=False)
    return compiled(*[tf.constant(a) for a in arrays]).numpy()


def on_every_case(
    fn: Callable,
    inputs: dict[str, np.ndarray],
    rec: Recording,
    cases: Iterable[str],
    args: tuple[str, ...],
) -> None:
    """``fn`` on every case, eagerly (``<case>``: ``fn(inputs["<case>.<arg>"] ...)``, on copies),
    then on the ``random`` case inside a compiled function (``compiled``)."""
    for case in cases:
        arrays = [inputs[f"{case}.{arg}"] for arg in args]
        rec.record_array(case, lambda arrays=arrays: fn(*(a.copy() for a in arrays)))
    arrays = [inputs[f"random.{arg}"] for arg in args]
    rec.record_array("compiled", lambda: run_compiled(fn, *arrays))
