"""What the sandboxed child gathers, one module per question id: ``grader/collect/<id>.py``.

Each defines ``collect(fn, inputs, probe)``: it runs in a worker of the sandboxed child, calls
the student's function ``fn`` on the inputs the parent drew and records plain values through
``probe`` (Keras is imported inside), plus the constants both sides share (how many images,
which z_dim...). The collectors themselves are the answer-free ``tp_ae.selfcheck.collect``'s,
which the release's self-check runs too (one collector per question, the same calls on both
sides); here they record through :class:`grader.probe.Probe`, with the other questions' losses
relayed (``_relay``). Nothing here computes an expected answer: the grader's formulas and scores
live in ``grader/checks/<id>.py``, which never exists inside the sandbox (issue 11). This
package, ``grader.probe``, ``grader.observations``, ``grader.protocol`` and the answer-free
``tp_ae`` are all that the sandbox holds of the grader (see :mod:`grader.sandbox`).
"""

from __future__ import annotations

import importlib
from types import ModuleType

from tp_ae.questions import QUESTION_IDS


def collect_module(question_id: str) -> ModuleType:
    """The collector of a question id (``grader.collect.<question_id>``)."""
    if question_id not in QUESTION_IDS:
        raise KeyError(f"unknown question id {question_id!r}")
    return importlib.import_module(f"grader.collect.{question_id}")
