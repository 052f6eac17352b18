"""vae_loss(x, y, z_mean, z_log_var): the batch mean of reconstruction + KL, nats.

As in the grader, a mistake in ``reconstruction_loss`` or ``kl_divergence`` must not cost
points here: while vae_loss is checked, those two names in the student's modules answer with
the reference's outputs on the check's inputs, prepared at release time (a table of values, no
formula). Called on anything else, they fall back to the student's own functions, and the
feedback says so.
"""

from __future__ import annotations

import numpy as np

from tp_ae.selfcheck import judge
from tp_ae.selfcheck.checks import Environment
from tp_ae.selfcheck.data import QuestionData
from tp_ae.selfcheck.recorder import Recorder
from tp_ae.selfcheck.results import CheckResult

CASES = ("random",)
MAIN_KEYS = CASES
CALL = "vae_loss(x, y, z_mean, z_log_var)"
HELPERS = {"reconstruction_loss": ("x", "y"), "kl_divergence": ("z_mean", "z_log_var")}


class RecordedValues:
    """Stands for one helper: returns the prepared output when called on prepared inputs
    (eagerly or on symbolic tensors), else calls ``fallback`` and notes it."""

    def __init__(
        self,
        name: str,
        table: list[tuple[tuple[np.ndarray, ...], np.ndarray]],
        fallback,
        notes: list[str],
    ):
        self.name, self.table, self.fallback, self.notes = name, table, fallback, notes

    def __call__(self, *args, **kwargs):
        import tensorflow as tf
        from keras import ops

        names = HELPERS[self.name][len(args) :]
        args = (*args, *(kwargs[n] for n in names if n in kwargs))
        if tf.executing_eagerly():
            return ops.convert_to_tensor(self.lookup(*[np.asarray(a) for a in args]))
        result = tf.numpy_function(self.lookup, list(args), tf.float32, stateful=False)
        return result

    def lookup(self, *arrays: np.ndarray) -> np.ndarray:
        for inputs, output in self.table:
            if len(inputs) == len(arrays) and all(
                a.shape == b.shape and np.allclose(a, b, rtol=1e-6, atol=1e-6)
                for a, b in zip(arrays, inputs, strict=True)
            ):
                return output.astype(np.float32)
        note = (
            f"vae_loss called {self.name} on other inputs than the check's: your own "
            f"{self.name} was used there, so a mistake in it can show here too"
        )
        if note not in self.notes:
            self.notes.append(note)
        if self.fallback is None:
            raise NameError(f"{self.name} is not defined in your submission")
        return np.asarray(self.fallback(*arrays), dtype=np.float32)


def substitutes(data: QuestionData, modules: dict, notes: list[str]) -> dict[str, RecordedValues]:
    """The two helpers as tables of the reference's outputs on the check's inputs."""
    a = data.arrays
    tables = {
        "reconstruction_loss": [
            ((a["x"], a["y"]), a["helper.reconstruction_loss.x.y"]),
            ((a["y"], a["x"]), a["helper.reconstruction_loss.y.x"]),
        ],
        "kl_divergence": [
            ((a["mu"], a["lv"]), a["helper.kl_divergence.mu.lv"]),
            ((a["lv"], a["mu"]), a["helper.kl_divergence.lv.mu"]),
        ],
    }
    found = {}
    for name, table in tables.items():
        own = next(
            (m.__dict__[name] for m in modules.values() if callable(m.__dict__.get(name))), None
        )
        found[name] = RecordedValues(name, table, own, notes)
    return found


def collect(fn, data: QuestionData, rec: Recorder, env: Environment) -> None:
    recorded = substitutes(data, env.modules, env.notes)
    saved = {(m, n): m.__dict__.get(n) for m in env.modules.values() for n in recorded}
    for module in env.modules.values():
        module.__dict__.update(recorded)
    try:
        args = tuple(data.arrays[k] for k in ("x", "y", "mu", "lv"))
        rec.record_array("random", lambda: fn(*(a.copy() for a in args)))
        rec.record_array("compiled", lambda: judge.run_compiled(fn, *args))
    finally:
        for (module, name), value in saved.items():
            if value is None:
                module.__dict__.pop(name, None)
            else:
                module.__dict__[name] = value


def score(data: QuestionData, rec: Recorder) -> list[CheckResult]:
    case = judge.Case(
        "random",
        "random x, y, z_mean, z_log_var",
        data.arrays["expected.random"],
        data.known_mistakes("random"),
    )
    shape, values, _ = judge.shape_and_values(
        rec,
        [case],
        CALL,
        (data.name(0), data.name(1)),
        (data.weight(0), data.weight(1)),
        data.hint("generic"),
    )
    compiled = judge.compiled_check(
        rec, data.name(2), data.weight(2), "vae_loss on symbolic tensors", data.hint("compiled")
    )
    return [shape, values, compiled]
