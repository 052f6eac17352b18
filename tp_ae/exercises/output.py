"""Step 9: every generated file's text, then write them or check them against the disk.

Outputs, relative to the project root: ``exercises/<stem>.py``, ``exercises/<stem>.ipynb``,
``solutions/<stem>.py`` and ``solutions/<stem>.ipynb`` for each part, and
``exercises/answers.md``, the written answers' file for script users, and
``solutions/answers.md``, the answer key, from its template and the recorded run (``key.py``).
"""

from __future__ import annotations

from pathlib import Path

from tp_ae.exercises.answers import ANSWERS_FILE, check_table_covered, render_answers_file, title_of
from tp_ae.exercises.assemble import HANDOUT, assemble
from tp_ae.exercises.handout import read_handout
from tp_ae.exercises.key import KEY_FILE, generate_key
from tp_ae.exercises.parts import PARTS, PartSpec
from tp_ae.exercises.render_notebook import render_notebook
from tp_ae.exercises.render_script import render_script


def generate(
    root: Path, reference_dir: Path, parts: tuple[PartSpec, ...] = PARTS
) -> dict[str, str]:
    """Relative path -> text of every generated file; nothing is written."""
    handout = read_handout(root / HANDOUT, HANDOUT)
    files: dict[str, str] = {}
    written: list[tuple[str, str, str]] = []  # (id, number, title) of each written question
    for spec in parts:
        part = assemble(spec, reference_dir, root, handout)
        for folder, solution in (("exercises", False), ("solutions", True)):
            files[f"{folder}/{spec.stem}.py"] = render_script(part, solution)
            files[f"{folder}/{spec.stem}.ipynb"] = render_notebook(part, solution)
        for q in part.text.questions:
            if q.question_id is None:
                title = title_of(q.markdown.splitlines()[0])
                written.append((part.written[q.number], q.number, title))
    if parts == PARTS:  # the whole TP: the table's written questions must all be asked
        check_table_covered((number for _, number, _ in written), HANDOUT)
    files[ANSWERS_FILE] = render_answers_file(written)
    if parts == PARTS:
        files[KEY_FILE] = generate_key(root)
    return files


def stale_files(root: Path, files: dict[str, str]) -> list[str]:
    """The generated files that are missing under ``root`` or differ from ``files``."""
    return [path for path, text in files.items() if _read(root / path) != text]


def write_files(root: Path, files: dict[str, str]) -> list[str]:
    """Write the files that changed; returns their relative paths."""
    changed = stale_files(root, files)
    for path in changed:
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "w", encoding="utf-8", newline="\n") as f:
            f.write(files[path])
    return changed


def _read(path: Path) -> str | None:
    try:
        with open(path, encoding="utf-8", newline="") as f:
            return f.read()
    except (OSError, UnicodeDecodeError):
        return None
