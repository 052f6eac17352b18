"""Written answers: where students write them, one place per question of the table.

Each written question of ``tp_ae/questions.py`` gets, in its part's notebook, a Markdown answer
cell right after its text (metadata ``{"tp_ae": {"answer": "<id>", "number": "N.M"}}``, tag
``answer``, a visible heading naming the id), and a section ``## <id> · ...`` in
``exercises/answers.md``, the file script users hand in. ``grader/written.py`` reads both back;
the heading and placeholder formats below are what it looks for.

A written question of the handout that the table does not hold yet gets the id
``written_<part>_<n>`` by the table's convention and a warning: it is collected, but graded only
once the table lists it.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable

from tp_ae.errors import TpAeError
from tp_ae.questions import WRITTEN_QUESTIONS

ANSWERS_FILE = "exercises/answers.md"
PLACEHOLDER = "_Write your answer here, in place of this line._"
SOLUTION_NOTE = "_The answer key is `answers.md`, in this folder._"


def written_id(part: str, number: str, title: str, display: str) -> str:
    """The id of the handout's written question ``number`` of ``part``: the table's, else the
    convention's (with a warning on stderr)."""
    for q in WRITTEN_QUESTIONS:
        if q.handout == number:
            if q.part != part:
                raise TpAeError(
                    f"{display}: written question {number} is in {part}, but tp_ae/questions.py "
                    f"puts {q.id} in {q.part}; make them agree"
                )
            return q.id
    guessed = f"written_{number.replace('.', '_')}"
    print(
        f"make-exercises: warning: written question {number} ({title}) is not in "
        f"tp_ae/questions.py; its answers are collected as {guessed!r} but not graded until "
        "the table lists it",
        file=sys.stderr,
    )
    return guessed


def check_table_covered(numbers: Iterable[str], display: str) -> None:
    """Every written question of the table has its question in the handout."""
    present = set(numbers)
    for q in WRITTEN_QUESTIONS:
        if q.handout not in present:
            raise TpAeError(
                f"{display}: tp_ae/questions.py has the written question {q.id} ({q.handout}), "
                f"but the handout has no written '### Question {q.handout}'; add it"
            )


def cell_heading(question_id: str, number: str, solution: bool) -> str:
    """The visible heading of an answer cell (the grader finds the id in its backticks)."""
    who = "Answer" if solution else "Your answer"
    return f"#### {who} to question {number} (`{question_id}`)"


def cell_text(question_id: str, number: str, solution: bool) -> str:
    """The whole Markdown of an answer cell, as generated."""
    body = SOLUTION_NOTE if solution else PLACEHOLDER
    return f"{cell_heading(question_id, number, solution)}\n\n{body}"


def render_answers_file(questions: Iterable[tuple[str, str, str]]) -> str:
    """``exercises/answers.md``: one ``## <id>`` section per (id, number, title), in order."""
    lines = [
        "# Written answers",
        "",
        "<!-- Made by `tp-ae make-exercises` from tp_ae/questions.py and exercises/README.md. -->",
        "",
        "Write each answer under its heading, in place of the line in italics; keep the",
        "`## written_...` headings, by which the grader finds your answers (use `###` or deeper",
        "for headings of your own). Plain text and Markdown are fine; write formulas as text",
        "(`E[x] = sum_x x p(x)`) or LaTeX (`$...$`). Hand this file in with your code. If you",
        "work in the notebooks, their answer cells are enough: you need not fill this file too.",
    ]
    for question_id, number, title in questions:
        lines += ["", f"## {question_id} · question {number}: {title}", "", PLACEHOLDER]
    return "\n".join(lines) + "\n"


def title_of(heading: str) -> str:
    """A handout heading's title: '### Question 1.3 · MLP or convolutions? (written)' ->
    'MLP or convolutions?'."""
    text = heading.lstrip("#").strip()
    text = text.split("·", 1)[1].strip() if "·" in text else text
    return text.removesuffix("(written)").strip()
