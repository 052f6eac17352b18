"""Building test submissions: the reference answers as a submission, and the corpus of wrong
and hostile ones (tests/grader/corpus/, described in its README.md) built on top of them."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat

from grader.config import QUESTION_IDS, QUESTION_PART

REPO = Path(__file__).resolve().parents[2]
CORPUS = Path(__file__).resolve().parent / "corpus"
HEAVY = ("build_vae", "build_conv_vae")
LIGHT = tuple(q for q in QUESTION_IDS if q not in HEAVY)


def reference_parts() -> dict[str, str]:
    """A complete, correct submission made of the reference answers in tp_ae/, as source text:
    part 1 is tp_ae/autoencoders.py, part 2 is tp_ae/losses.py followed by tp_ae/vae.py (whose
    import of the reference losses is dropped: part 2 defines its own)."""
    part1 = (REPO / "tp_ae" / "autoencoders.py").read_text(encoding="utf-8")
    losses = (REPO / "tp_ae" / "losses.py").read_text(encoding="utf-8")
    vae = (REPO / "tp_ae" / "vae.py").read_text(encoding="utf-8")
    vae = "\n".join(
        line
        for line in vae.splitlines()
        if not line.startswith(("from tp_ae.losses import", "from __future__"))
    )
    return {"part1_autoencoders": part1, "part2_vae": losses + "\n\n" + vae + "\n"}


def remove_function(source: str, name: str) -> str:
    """``source`` without the top-level ``def name``."""
    tree = ast.parse(source)
    lines = source.splitlines()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            del lines[node.lineno - 1 : node.end_lineno]
            return "\n".join(lines) + "\n"
    raise ValueError(f"no function {name}")


@dataclass(frozen=True)
class CorpusEntry:
    """One corpus file and what its header promises."""

    name: str
    text: str
    part: str | None
    breaks: tuple[str, ...]
    status: str
    hint: str | None
    runs: tuple[str, ...]
    remove: str | None
    replace: str | None
    notebook: bool

    @property
    def wrong_answer(self) -> bool:
        """A plain wrong answer (graded, with a hint), as opposed to a hostile submission."""
        return self.status == "graded" and bool(self.hint) and bool(self.breaks)

    @property
    def questions(self) -> tuple[str, ...]:
        """The questions graded for this entry: those it breaks and its runs; for a hostile
        entry also the light ones of the part it changes (all light ones for a notebook)."""
        part = self.replace or self.part
        light = {q for q in LIGHT if part is None or QUESTION_PART[q] == part.strip()}
        wanted = set(self.breaks) | set(self.runs) | (set() if self.wrong_answer else light)
        return tuple(q for q in QUESTION_IDS if q in wanted)


def read_corpus() -> list[CorpusEntry]:
    entries = []
    for path in sorted(CORPUS.glob("*.py")):
        text = path.read_text(encoding="utf-8")
        header = dict(re.findall(r"^# (\w+): (.*)$", text, flags=re.MULTILINE))

        entries.append(
            CorpusEntry(
                name=path.stem,
                text=text,
                part=header.get("part"),
                breaks=_names(header, "breaks"),
                status=header.get("status", "graded").strip(),
                hint=header.get("hint"),
                runs=_names(header, "runs"),
                remove=header.get("remove"),
                replace=header.get("replace"),
                notebook=header.get("format", "").strip() == "ipynb",
            )
        )
    return entries


def _names(header: dict[str, str], key: str) -> tuple[str, ...]:
    value = header.get(key, "none").strip()
    return () if value == "none" else tuple(v.strip() for v in value.split(","))


def build_entry(entry: CorpusEntry, folder: Path) -> Path:
    """Write the submission an entry describes under ``folder``; returns its path."""
    parts = reference_parts()
    if entry.remove:
        parts[entry.part] = remove_function(parts[entry.part], entry.remove.strip())
    if entry.replace:
        parts[entry.replace.strip()] = entry.text
    elif entry.part:
        parts[entry.part] += "\n\n" + entry.text
    if entry.notebook:
        notebook = nbformat.v4.new_notebook()
        notebook.cells = [nbformat.v4.new_code_cell(parts[p]) for p in sorted(parts)]
        notebook.cells.append(nbformat.v4.new_code_cell(entry.text))
        path = folder / f"{entry.name}.ipynb"
        nbformat.write(notebook, path)
        return path
    path = folder / entry.name
    path.mkdir(parents=True)
    for part, text in parts.items():
        (path / f"{part}.py").write_text(text, encoding="utf-8")
    return path


def write_reference(folder: Path) -> Path:
    """The reference answers as a submission folder (part1_autoencoders.py, part2_vae.py)."""
    folder.mkdir(parents=True, exist_ok=True)
    for part, text in reference_parts().items():
        (folder / f"{part}.py").write_text(text, encoding="utf-8")
    return folder


CORPUS_ENTRIES = read_corpus()
