"""Step 3: merge the imports of a part's reference modules and its template into one block.

Imports of names the generated file defines itself (the question functions) are dropped: in
``part2_vae.py`` the student's ``kl_divergence`` replaces ``from tp_ae.losses import
kl_divergence``. The block is sorted the way ``ruff``'s isort rules sort it.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable

from tp_ae.exercises.extract import Import

FIRST_PARTY = ("tp_ae",)
LINE_LENGTH = 100
# Importing tp_ae before Keras installs tp_ae.tf_quiet's filter of TensorFlow's start-up noise;
# "isort: split" keeps ruff from sorting it back among the first-party imports.
QUIET_FIRST = (
    "import tp_ae  # noqa: F401 - first: keeps TensorFlow's start-up messages off the terminal"
    "\n\n# isort: split"
)
NOISY = ("keras", "tensorflow")


def merge_imports(imports: Iterable[Import], defined: Iterable[str]) -> list[Import]:
    """Unique imports, in first-seen order, without those binding a name in ``defined``."""
    defined = set(defined)
    seen: dict[Import, None] = {}
    for item in imports:
        if item.bound not in defined:
            seen.setdefault(item, None)
    return list(seen)


def render_imports(imports: Iterable[Import]) -> str:
    """The import block as text: sections __future__, standard library, third party, tp_ae.

    When Keras or TensorFlow is imported, ``import tp_ae`` comes first (after ``__future__``),
    so that their start-up noise is filtered (:mod:`tp_ae.tf_quiet`)."""
    sections: dict[int, list[Import]] = {}
    for item in imports:
        sections.setdefault(_section(item.module), []).append(item)
    blocks = []
    for section in sorted(sections):
        items = sections[section]
        plain = sorted({_plain(i) for i in items if i.name is None})
        modules = sorted({i.module for i in items if i.name is not None})
        lines = list(plain)
        for module in modules:
            names = sorted(
                {_alias(i) for i in items if i.name is not None and i.module == module},
                key=_name_order,
            )
            lines.append(_from_line(module, names))
        blocks.append("\n".join(lines))
    noisy = any(i.module.split(".")[0] in NOISY for i in sections.get(2, []))
    if noisy:
        blocks.insert(1 if 0 in sections else 0, QUIET_FIRST)
    return "\n\n".join(blocks) + "\n"


def _section(module: str) -> int:
    root = module.split(".")[0]
    if root == "__future__":
        return 0
    if root in sys.stdlib_module_names:
        return 1
    if root in FIRST_PARTY:
        return 3
    return 2


def _plain(item: Import) -> str:
    return f"import {item.module}" + (f" as {item.asname}" if item.asname else "")


def _alias(item: Import) -> str:
    return f"{item.name}" + (f" as {item.asname}" if item.asname else "")


def _name_order(alias: str) -> tuple[int, str]:
    """isort's order by type: CONSTANTS, then Classes, then everything else."""
    name = alias.split(" ")[0]
    kind = 0 if name.isupper() and len(name) > 1 else 1 if name[:1].isupper() else 2
    return kind, name


def _from_line(module: str, names: list[str]) -> str:
    line = f"from {module} import {', '.join(names)}"
    if len(line) <= LINE_LENGTH:
        return line
    body = "".join(f"    {name},\n" for name in names)
    return f"from {module} import (\n{body})"
