"""vae_loss(x, y, z_mean, z_log_var, beta=1.0): the batch mean of reconstruction + beta * KL.

As in the grader, a mistake in ``reconstruction_loss`` or ``kl_divergence`` must not cost
points here: while vae_loss is checked, those two names in the student's modules answer with
the reference's outputs on the check's inputs, prepared at release time (a table of values, no
formula). Called on anything else, they fall back to the student's own functions, and the
feedback says so. As the grader does, vae_loss is also called with ``beta=b`` for the prepared
betas, each compared with its prepared expected value.
"""

from __future__ import annotations

import numpy as np

from tp_ae.selfcheck import judge
from tp_ae.selfcheck.checks import Environment
from tp_ae.selfcheck.collect import vae_loss as collector
from tp_ae.selfcheck.collect.vae_loss import beta_key
from tp_ae.selfcheck.data import QuestionData
from tp_ae.selfcheck.recorder import Recorder
from tp_ae.selfcheck.results import CheckResult

CASES = collector.CASES
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
    try:  # the grader's collector (tp_ae.selfcheck.collect.vae_loss)
        collector.collect(fn, data.arrays, rec)
    finally:
        for (module, name), value in saved.items():
            if value is None:
                module.__dict__.pop(name, None)
            else:
                module.__dict__[name] = value


def score(data: QuestionData, rec: Recorder) -> list[CheckResult]:
    case = _default_case(data)
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
    return [shape, values, compiled, _beta_check(data, rec)]


def _default_case(data: QuestionData) -> judge.Case:
    return judge.Case(
        "random",
        "random x, y, z_mean, z_log_var",
        data.arrays["expected.random"],
        data.known_mistakes("random"),
    )


def _own_mistake(data: QuestionData, rec: Recorder) -> int | None:
    """The index of the known mistake the default call's value makes, or None: the same
    mistake with the KL term weighted right is not charged again by the beta check."""
    case, default = _default_case(data), rec.array("random")
    if default is None or judge.judge(default, case.expected, [])[0]:
        return None
    for index, mistake in enumerate(case.mistakes):
        if judge.judge(default, case.expected, [mistake])[2]:
            return index
    return None


def _beta_check(data: QuestionData, rec: Recorder) -> CheckResult:
    """vae_loss(..., beta=b) for each prepared b against its prepared value; a third each."""
    own, default = _own_mistake(data, rec), rec.array("random")
    betas = data.setting("betas")
    failures: dict[str, list[str]] = {}  # what went wrong -> the betas it went wrong for
    found: list[str] = []
    for beta in betas:
        key = beta_key(beta)
        want, got = data.arrays[f"expected.{key}"], rec.array(key)
        if got is None:
            error = rec.error(key)
            text = judge.error_text(rec, key, "vae_loss(..., beta=...)") or "no value returned"
            failures.setdefault(text, []).append(f"{beta:g}")
            if error is not None and error.type == "TypeError" and "beta" in error.message:
                found.append(data.hint("beta_keyword"))
            continue
        if judge.judge(got, want, [])[0]:
            continue
        if own is not None and judge.judge(got, data.known_mistakes(key)[own][0], [])[0]:
            continue  # the default call's mistake, already charged, with beta used right
        _, message, named, _ = judge.judge(got, want, data.known_mistakes(f"{key}.misuse"))
        if not named and default is not None and judge.close(got, default):
            named = data.hint("beta_ignored")
        failures.setdefault(message, []).append(f"{beta:g}")
        found.append(named or data.hint("beta_generic"))
    lost = sum(len(b) for b in failures.values())
    message = "; ".join(f"beta = {', '.join(b)}: {text}" for text, b in failures.items())
    hint = found[0] if found and failures else ""
    return CheckResult(data.name(3), data.weight(3), 1 - lost / len(betas), message, hint)
