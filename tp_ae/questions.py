"""The question table of the TP: every question, code or written, defined once.

Everything that needs to know the questions reads them from here: the exercise generator, the
course config, the grader and its sandboxed child, the similarity table, the report, the
release, and the gradebook's columns. A question id is one name everywhere: the reference
function, the stub, the check module ``grader/checks/<id>.py``, its tests and its gradebook
column.

    >>> from tp_ae.questions import QUESTIONS, question
    >>> question("kl_divergence").handout, question("kl_divergence").points_possible
    ('2.2', 3.0)

NumPy-free and TensorFlow-free: importing this module is instant.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["code", "written"]
Visibility = Literal["visible", "after_due_date", "after_published", "hidden"]

VISIBILITIES: tuple[str, ...] = ("visible", "after_due_date", "after_published", "hidden")

PART1 = "part1_autoencoders"
PART2 = "part2_vae"
PARTS: tuple[str, ...] = (PART1, PART2)


@dataclass(frozen=True)
class Question:
    """One question of the handout and how it is graded by default."""

    id: str  # the name everywhere: function, stub, check module, gradebook column
    part: str  # the exercise file stem that holds it (PART1 or PART2)
    handout: str  # its number in the handout, e.g. "2.2"
    kind: Kind  # "code": a function the grader runs; "written": graded by hand
    points_possible: float  # default points for a fully correct answer
    reference: str | None = None  # the tp_ae module holding the reference answer (code only)
    bonus: bool = False  # counts in score, not in max_score
    heavy: bool = False  # trains a model while graded: scheduled first
    visibility: Visibility = "visible"  # default Gradescope visibility


QUESTIONS: tuple[Question, ...] = (
    Question("build_mlp_autoencoder", PART1, "1.1", "code", 3, "tp_ae.autoencoders"),
    Question("build_conv_autoencoder", PART1, "1.2", "code", 3, "tp_ae.autoencoders"),
    Question("written_1_3", PART1, "1.3", "written", 2),
    Question("add_noise", PART1, "1.4", "code", 2, "tp_ae.autoencoders"),
    Question("written_1_5", PART1, "1.5", "written", 2),
    Question("written_2_1", PART2, "2.1", "written", 2),
    Question("kl_divergence", PART2, "2.2", "code", 3, "tp_ae.losses"),
    Question("written_2_3", PART2, "2.3", "written", 2),
    Question("reconstruction_loss", PART2, "2.4", "code", 3, "tp_ae.losses"),
    Question("written_2_5", PART2, "2.5", "written", 2),
    Question("vae_loss", PART2, "2.6", "code", 2, "tp_ae.losses"),
    Question("build_vae", PART2, "2.7", "code", 3, "tp_ae.vae", heavy=True),
    Question("sample_images", PART2, "2.8", "code", 2, "tp_ae.vae"),
    Question("build_conv_vae", PART2, "2.9", "code", 1, "tp_ae.vae", bonus=True, heavy=True),
    Question("written_2_10", PART2, "2.10", "written", 2),
    Question("written_2_11", PART2, "2.11", "written", 2),
    Question("written_2_12", PART2, "2.12", "written", 2),
)

_BY_ID = {q.id: q for q in QUESTIONS}

# The TP specification's order of the code questions: gradebook columns, results.json tests.
CODE_QUESTIONS: tuple[Question, ...] = tuple(q for q in QUESTIONS if q.kind == "code")
WRITTEN_QUESTIONS: tuple[Question, ...] = tuple(q for q in QUESTIONS if q.kind == "written")
QUESTION_IDS: tuple[str, ...] = tuple(q.id for q in CODE_QUESTIONS)
WRITTEN_IDS: tuple[str, ...] = tuple(q.id for q in WRITTEN_QUESTIONS)
ALL_IDS: tuple[str, ...] = QUESTION_IDS + WRITTEN_IDS  # gradebook order: code, then written
HEAVY_IDS: tuple[str, ...] = tuple(q.id for q in CODE_QUESTIONS if q.heavy)
REFERENCE_MODULES: tuple[str, ...] = tuple(
    dict.fromkeys(q.reference for q in CODE_QUESTIONS if q.reference)
)


def question(question_id: str) -> Question:
    """The question of that id; KeyError naming the known ids otherwise."""
    try:
        return _BY_ID[question_id]
    except KeyError:
        raise KeyError(
            f"unknown question id {question_id!r} (known: {', '.join(_BY_ID)})"
        ) from None


def in_part(part: str, kind: Kind | None = None) -> tuple[Question, ...]:
    """The questions of one part (a file stem), in handout order, optionally of one kind."""
    return tuple(q for q in QUESTIONS if q.part == part and (kind is None or q.kind == kind))
