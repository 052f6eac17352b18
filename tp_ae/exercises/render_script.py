"""Step 7: write a part as a ``.py`` file, the student's exercise or the filled-in solution.

Layout: a header saying which command made it, a docstring, the imports, the constants, each
question function under a ``# --- Question N.M`` comment, then the template's given code and its
script-only code (``main`` and the ``__main__`` block).
"""

from __future__ import annotations

import textwrap

from tp_ae.exercises.assemble import Part
from tp_ae.exercises.extract import Definition
from tp_ae.exercises.imports import render_imports

COMMAND = "tp-ae make-exercises"
FILL_IN = "# FILL IN CODE"
RULE_WIDTH = 100


def header(part: Part, solution: bool) -> list[str]:
    """The comment lines at the top of a generated file: what it is and what made it."""
    what = "solution" if solution else "exercise"
    text = (
        f"{part.spec.title} ({what}). Made by `{COMMAND}` from {', '.join(part.sources)}. "
        "Instructors: edit those and rerun the command, not this copy."
    )
    if not solution:
        text += f' Students: write your code where it says "{FILL_IN}" (handout: README.md).'
    return textwrap.wrap(text, width=RULE_WIDTH - 2, break_on_hyphens=False)


def stub(definition: Definition, number: str) -> list[str]:
    """What replaces a solution region: the FILL IN comment and an error naming the question."""
    message = f"{definition.name}: question {number} is not answered yet"
    return [FILL_IN, f'raise NotImplementedError("{message}")']


def function_source(part: Part, definition: Definition, solution: bool) -> str:
    """A top-level function as the exercise (regions cleared) or the solution shows it."""
    if not definition.is_question:
        return definition.source
    if solution:
        return definition.solution()
    return definition.exercise(stub(definition, part.question_text(definition.name).number))


def render_script(part: Part, solution: bool) -> str:
    """The whole ``.py`` file as text."""
    comments = "\n".join(f"# {line}" for line in header(part, solution))
    blocks = [f"{comments}\n{_docstring(part)}\n\n{render_imports(part.imports).rstrip()}"]
    if part.constants:  # one blank line after the imports, as isort wants before a constant
        blocks[0] += "\n\n" + "\n".join(c.source for c in part.constants)
    for definition in part.definitions:
        label = _label(part, definition)
        blocks.append(f"{_rule(label)}\n{function_source(part, definition, solution).rstrip()}")
    blocks.append(
        f"{_rule('Given code: training, figures, report (nothing to write below)')}\n"
        + part.template.given.rstrip()
    )
    blocks.append(part.template.script_only.rstrip())
    return "\n\n\n".join(blocks) + "\n"


def _docstring(part: Part) -> str:
    questions = [
        f"{q.number} `{q.question_id}`"
        if q.question_id
        else f"{q.number} (written, `{part.written[q.number]}`)"
        for q in part.text.questions
    ]
    stem = part.spec.stem
    lines = [
        f"{part.spec.title}: Part {part.spec.number} of the handout, exercises/README.md.",
        "",
        textwrap.fill(f"Questions: {', '.join(questions)}.", width=RULE_WIDTH - 4),
        "",
        f"Run ``python {stem}.py [--epochs N] [--out DIR]`` to train the models and save figures",
        f"(in {part.spec.default_out} by default). Check your answers: ``tp-ae check {stem}.py``.",
        "Written answers go in answers.md, under their ``## written_...`` headings.",
    ]
    return '"""' + "\n".join(lines) + '\n"""'


def _label(part: Part, definition: Definition) -> str:
    if not definition.is_question:
        return f"Given: {definition.name}"
    return f"Question {part.question_text(definition.name).number}: {definition.name}"


def _rule(label: str) -> str:
    line = f"# --- {label} "
    return line + "-" * max(3, RULE_WIDTH - len(line))
