"""Step 6: put a part's pieces together and check that they agree.

A part is its spec (``parts.py``), its reference modules, its template and its handout section.
The handout must name every question function of the part exactly once, and no other.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tp_ae.errors import TpAeError
from tp_ae.exercises.answers import title_of, written_id
from tp_ae.exercises.extract import Constant, Definition, Import, SourceModule, read_module
from tp_ae.exercises.handout import PartText, QuestionText
from tp_ae.exercises.imports import merge_imports
from tp_ae.exercises.parts import PartSpec
from tp_ae.exercises.template import Template, read_template

HANDOUT = "exercises/README.md"


@dataclass(frozen=True)
class Part:
    """Everything the renderers need for one part."""

    spec: PartSpec
    modules: tuple[SourceModule, ...]
    template: Template
    text: PartText
    imports: tuple[Import, ...]  # merged: references' and template's, question names dropped
    constants: tuple[Constant, ...]
    written: dict[str, str]  # handout number of each written question -> its question id

    @property
    def definitions(self) -> tuple[Definition, ...]:
        return tuple(d for module in self.modules for d in module.definitions)

    @property
    def sources(self) -> tuple[str, ...]:
        """The files this part is generated from, as shown in headers."""
        return (*(m.display for m in self.modules), HANDOUT)

    def question_text(self, question_id: str) -> QuestionText:
        return self.text.question(question_id)


def assemble(spec: PartSpec, reference_dir: Path, root: Path, handout: dict[int, PartText]) -> Part:
    """Read the part's sources and check them against each other; TpAeError when they disagree."""
    modules = tuple(
        read_module(reference_dir / name, _display(reference_dir / name, root))
        for name in spec.references
    )
    template = read_template(spec.template)
    if spec.number not in handout:
        raise TpAeError(
            f"{HANDOUT}: no '## Part {spec.number}' section; the {spec.stem} files take their "
            "question texts from it"
        )
    text = handout[spec.number]
    definitions = [d for m in modules for d in m.definitions]
    written = {
        q.number: written_id(spec.stem, q.number, title_of(q.markdown.splitlines()[0]), HANDOUT)
        for q in text.questions
        if q.question_id is None
    }
    _check_questions(spec, definitions, text, set(written.values()))
    defined = {d.name for d in definitions}
    constants = _merge_constants(modules)
    imports = merge_imports(
        [i for m in modules for i in m.imports] + list(template.imports),
        defined | {c.name for c in constants},
    )
    return Part(spec, modules, template, text, tuple(imports), constants, written)


def _check_questions(
    spec: PartSpec, definitions: list[Definition], text: PartText, written: set[str]
) -> None:
    functions = [d.name for d in definitions if d.is_question]
    numbers = [q.number for q in text.questions]
    for number in numbers:
        if numbers.count(number) > 1:
            raise TpAeError(f"{HANDOUT}: two questions numbered {number}; renumber one")
    named = [q.question_id for q in text.questions if q.question_id]
    for question_id in named:
        if question_id not in functions:
            raise TpAeError(
                f"{HANDOUT}: Part {spec.number} names `{question_id}`, which no reference "
                f"function of that part holds a solution region for (questions: "
                f"{', '.join(functions)}); fix the heading or the reference"
            )
        if named.count(question_id) > 1:
            raise TpAeError(f"{HANDOUT}: `{question_id}` heads two questions; keep one")
    for name in functions:
        if name not in named:
            raise TpAeError(
                f"{HANDOUT}: Part {spec.number} has no question for `{name}`; add a "
                f"'### Question {spec.number}.N · `{name}`' section"
            )
    for question_id in spec.run_cells:
        if question_id not in functions and question_id not in written:
            raise TpAeError(
                f"tp_ae/exercises/parts.py: {spec.stem} runs cells after `{question_id}`, "
                "which is not one of its questions"
            )


def _merge_constants(modules: tuple[SourceModule, ...]) -> tuple[Constant, ...]:
    merged: dict[str, Constant] = {}
    for module in modules:
        for constant in module.constants:
            known = merged.setdefault(constant.name, constant)
            if known.source != constant.source:
                raise TpAeError(
                    f"{module.display}: {constant.name} differs from its value in another "
                    "reference module of the same part; give both the same value"
                )
    return tuple(merged.values())


def _display(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
