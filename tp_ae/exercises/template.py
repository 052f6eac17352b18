"""Step 5: read a part's template, the given code that trains, draws and reports.

A template is a Python file under ``tp_ae/exercises/templates/``: a docstring (dropped), its
imports, then the given code, then a ``# --- script only`` line and the code that only the
``.py`` files get (argument parsing, ``main`` and the ``__main__`` block).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

from tp_ae.errors import TpAeError
from tp_ae.exercises.extract import Import, imports_of, is_docstring, parse_python

TEMPLATES = Path(__file__).resolve().parent / "templates"
_SCRIPT_ONLY = re.compile(r"^# --- script only\b.*$", re.MULTILINE)


@dataclass(frozen=True)
class Template:
    """A part's given code, split into what the notebook also gets and what only scripts get."""

    imports: tuple[Import, ...]
    given: str
    script_only: str


def read_template(name: str, folder: Path = TEMPLATES) -> Template:
    """The template ``folder/name``; TpAeError when it is missing or not laid out as above."""
    path = folder / name
    display = f"tp_ae/exercises/templates/{name}"
    try:
        source = path.read_text(encoding="utf-8")
    except OSError as err:
        raise TpAeError(f"{display}: cannot read the template ({err.strerror})") from None
    tree = parse_python(source, display)
    body = [n for i, n in enumerate(tree.body) if not (i == 0 and is_docstring(n))]
    imports: list[Import] = []
    last_import_line = 0
    for node in body:
        if not isinstance(node, (ast.Import, ast.ImportFrom)):
            break
        imports.extend(imports_of(node, display))
        last_import_line = node.end_lineno or node.lineno
    late = [
        n
        for n in body
        if isinstance(n, (ast.Import, ast.ImportFrom)) and n.lineno > last_import_line
    ]
    if late:
        raise TpAeError(
            f"{display}:{late[0].lineno}: import after the template's code; move it up with the "
            "other imports (the imports of a generated file are merged)"
        )
    rest = "\n".join(source.splitlines()[last_import_line:])
    parts = _SCRIPT_ONLY.split(rest)
    if len(parts) != 2:
        raise TpAeError(
            f"{display}: expected exactly one '# --- script only' line between the given code "
            "and the code only the .py files get"
        )
    given, script_only = (part.strip("\n") + "\n" for part in parts)
    return Template(tuple(imports), given, script_only)
