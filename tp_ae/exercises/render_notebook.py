"""Step 8: write a part as a Jupyter notebook (nbformat v4), exercise or solution.

Cells, in order: title and how-to, the part's introduction from the handout, the settings cell
(``EPOCHS``, ``OUT_DIR``: tests make training tiny through ``TP_AE_EPOCHS``), the imports, the
given code, the data, then per handout question its text, its function (coded questions) or an
answer cell (written ones), and the cells that train and draw once it is answered.

Cell ids are fixed and cells carry metadata, so that the file is the same on every run and a
grader can find a question's cell: ``metadata.tp_ae.question_id`` and the tag ``question`` for a
function, ``metadata.tp_ae.answer`` (the written question's id) and the tag ``answer`` for an
answer cell (format in ``answers.py``).
"""

from __future__ import annotations

import re

import nbformat
from nbformat import v4

from tp_ae.exercises.answers import cell_text
from tp_ae.exercises.assemble import Part
from tp_ae.exercises.handout import QuestionText
from tp_ae.exercises.imports import render_imports
from tp_ae.exercises.parts import DATA_CELL
from tp_ae.exercises.render_script import COMMAND, FILL_IN, function_source, header

KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}

SETTINGS_CELL = """\
# Settings. EPOCHS = None trains each model for tp_ae.training's default number of epochs;
# the environment variable TP_AE_EPOCHS (the tests set it to 1) overrides it.
import os

EPOCHS = int(os.environ.get("TP_AE_EPOCHS", 0)) or None
OUT_DIR = os.environ.get("TP_AE_OUT", "{out}")  # where the figures are saved
"""

GIVEN_TEXT = """\
## Given code

Nothing to write in the next cell: it trains your models with `tp_ae.training`, saves figures
with `tp_ae.plots` in `OUT_DIR` and shows them here. Run it, then go on to the questions."""


def render_notebook(part: Part, solution: bool) -> str:
    """The notebook as nbformat v4 JSON text (no outputs)."""
    builder = _Cells()
    builder.markdown("title", _title(part, solution))
    builder.markdown("intro", part.text.intro)
    builder.code("settings", SETTINGS_CELL.format(out=part.spec.default_out), tags=["parameters"])
    constants = "".join(f"{c.source}\n" for c in part.constants)
    # no __future__ import: a notebook cell is not a module, and Python >= 3.10 needs none
    imports = render_imports(i for i in part.imports if i.module != "__future__")
    builder.code("imports", imports + (f"\n{constants}" if constants else ""), tags=["given"])
    builder.markdown("given-text", GIVEN_TEXT)
    builder.code("given", part.template.given, tags=["given"])
    for definition in part.definitions:
        if not definition.is_question:  # a helper of the reference module, given as it is
            builder.code(f"given-{definition.name}", definition.source, tags=["given"])
    builder.markdown("data-text", "## Data")
    settings = "settings = Settings(epochs=EPOCHS, out_dir=Path(OUT_DIR))\n"
    builder.code("data", settings + DATA_CELL, tags=["given"])
    definitions = {d.name: d for d in part.definitions}
    for question in part.text.questions:
        builder.markdown(f"q{question.number}-text", question.markdown)
        if question.question_id is None:
            question_id = part.written[question.number]
            for i, cell in enumerate(part.spec.run_cells.get(question_id, ())):
                builder.code(f"q{question.number}-run{i + 1}", cell, tags=["train"])
            builder.answer(
                question_id, question.number, cell_text(question_id, question.number, solution)
            )
            continue
        definition = definitions[question.question_id]
        builder.question(question, function_source(part, definition, solution))
        for i, cell in enumerate(part.spec.run_cells.get(question.question_id, ())):
            builder.code(f"q{question.number}-run{i + 1}", cell, tags=["train"])
    notebook = v4.new_notebook(
        cells=builder.cells,
        metadata={
            "kernelspec": KERNELSPEC,
            "language_info": {"name": "python"},
            "tp_ae": {
                "generated_by": COMMAND,
                "sources": list(part.sources),
                "version": "solution" if solution else "exercise",
            },
        },
    )
    nbformat.validate(notebook)
    return nbformat.writes(notebook, version=4) + "\n"


class _Cells:
    """Collects cells with fixed, unique ids (nbformat would draw random ones)."""

    def __init__(self) -> None:
        self.cells: list = []

    def markdown(self, key: str, text: str) -> None:
        self.cells.append(v4.new_markdown_cell(text.strip("\n"), id=self._id(key)))

    def code(self, key: str, source: str, tags: list[str]) -> None:
        cell = v4.new_code_cell(source.strip("\n"), id=self._id(key), metadata={"tags": tags})
        self.cells.append(cell)

    def answer(self, question_id: str, number: str, text: str) -> None:
        metadata = {"tags": ["answer"], "tp_ae": {"answer": question_id, "number": number}}
        cell_id = self._id(f"q{number}-{question_id}")
        self.cells.append(v4.new_markdown_cell(text, id=cell_id, metadata=metadata))

    def question(self, question: QuestionText, source: str) -> None:
        metadata = {
            "tags": ["question"],
            "tp_ae": {"question_id": question.question_id, "number": question.number},
        }
        cell_id = self._id(f"q{question.number}-{question.question_id}")
        self.cells.append(v4.new_code_cell(source.strip("\n"), id=cell_id, metadata=metadata))

    def _id(self, key: str) -> str:
        return re.sub(r"[^A-Za-z0-9_-]", "-", f"{len(self.cells):02d}-{key}")[:64]


def _title(part: Part, solution: bool) -> str:
    made = " ".join(header(part, solution))
    if solution:
        use = "Run all cells to train the reference models and see their figures."
    else:
        use = (
            f"Write your code in the question cells, where they say `{FILL_IN}`, then run the "
            "cells from the top. A question you have not answered yet stops the run with a "
            f"`NotImplementedError` naming it. Check your answers: `tp-ae check "
            f"{part.spec.stem}.ipynb`."
        )
    return f"# {part.spec.title}\n\n{use}\n\n<small>{made}</small>"
