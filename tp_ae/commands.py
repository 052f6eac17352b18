"""The ``tp-ae`` subcommands this package provides: name -> (module, one-line help).

``tp_ae.cli`` reads this table and those of other packages through the ``tp_ae.commands``
entry-point group (the grader registers ``grade``, ``check``, ...), so the library never names
its grader. A command module defines ``add_arguments(parser)`` and ``run(args) -> int`` and
imports TensorFlow, if at all, inside ``run``.
"""

from __future__ import annotations

COMMANDS: dict[str, tuple[str, str]] = {
    "data": ("tp_ae.data_command", "load MNIST and print where it came from, sizes, label counts"),
    "train": ("tp_ae.train", "train a model of the TP and write models, metrics and figures"),
    "bench": ("tp_ae.bench", "time-to-quality benchmark: reference training vs plain model.fit"),
    "make-exercises": (
        "tp_ae.exercises",
        "generate exercises/ and solutions/ from the reference (--check: fail if stale)",
    ),
}
