"""Step 2: read a reference module as text, never importing it (it needs TensorFlow).

What comes out: its imports, its module-level constants and its top-level functions and classes,
each with its solution regions. A function holding a solution region is a question; its name is
the question id. Any other top-level statement is an error: the exercise could not copy it.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from tp_ae.errors import TpAeError
from tp_ae.exercises.markers import MarkerError, Region, clear_regions, find_regions, strip_markers


@dataclass(frozen=True)
class Import:
    """One imported name: ``from module import name [as asname]``, or ``import module`` when
    ``name`` is None."""

    module: str
    name: str | None = None
    asname: str | None = None

    @property
    def bound(self) -> str:
        """The name this import binds in the importing module."""
        if self.asname:
            return self.asname
        return self.name if self.name else self.module.split(".")[0]


@dataclass(frozen=True)
class Constant:
    """A module-level assignment, copied as written (trailing comment included)."""

    name: str
    source: str


@dataclass(frozen=True)
class Definition:
    """A top-level function or class: its text as written and its solution regions."""

    name: str
    source: str  # from the first decorator to the last line of the body, markers included
    regions: tuple[Region, ...]  # line numbers relative to ``source`` (its first line is 1)
    origin: str  # "tp_ae/vae.py:19", for messages

    @property
    def is_question(self) -> bool:
        return bool(self.regions)

    def solution(self) -> str:
        """The text with the marker lines dropped and the solution kept."""
        return strip_markers(self.source, self.regions)

    def exercise(self, stub: list[str]) -> str:
        """The text with each solution region replaced by ``stub`` at the region's indentation."""
        return clear_regions(self.source, self.regions, lambda region: stub)


@dataclass(frozen=True)
class SourceModule:
    """What make-exercises takes from one reference module."""

    display: str  # the path shown in messages and in generated headers, e.g. "tp_ae/vae.py"
    imports: tuple[Import, ...]
    constants: tuple[Constant, ...]
    definitions: tuple[Definition, ...]

    @property
    def questions(self) -> tuple[Definition, ...]:
        return tuple(d for d in self.definitions if d.is_question)


def read_module(path: Path, display: str) -> SourceModule:
    """Parse the reference module at ``path``; TpAeError (one line) when it cannot be used."""
    try:
        source = path.read_text(encoding="utf-8")
    except OSError as err:
        raise TpAeError(f"{display}: cannot read the reference ({err.strerror})") from None
    tree = parse_python(source, display)
    lines = source.splitlines()
    regions = find_regions(source, display)
    imports: list[Import] = []
    constants: list[Constant] = []
    definitions: list[Definition] = []
    owned: set[int] = set()  # BEGIN lines of the regions a definition holds
    body = tree.body
    for index, node in enumerate(body):
        if index == 0 and is_docstring(node):
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            imports.extend(imports_of(node, display))
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            name = _assigned_name(node, display)
            if not name.startswith("__"):  # __all__ and friends describe the reference module
                text = "\n".join(lines[node.lineno - 1 : node.end_lineno])
                constants.append(Constant(name, text))
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            first = min([node.lineno] + [d.lineno for d in node.decorator_list])
            last = _last_line(lines, node, body[index + 1] if index + 1 < len(body) else None)
            own = [r for r in regions if first <= r.begin <= last]
            for region in own:
                if region.end > last:
                    raise MarkerError(
                        f"{display}:{region.begin}: the solution region opened in {node.name} "
                        f"closes at line {region.end}, outside it; end it inside {node.name}"
                    )
            owned.update(r.begin for r in own)
            text = "\n".join(lines[first - 1 : last]) + "\n"
            shifted = tuple(Region(r.begin - first + 1, r.end - first + 1, r.indent) for r in own)
            definitions.append(Definition(node.name, text, shifted, f"{display}:{node.lineno}"))
        else:
            raise TpAeError(
                f"{display}:{node.lineno}: make-exercises copies only imports, constants, "
                "functions and classes from a reference module; move this statement into a "
                "function"
            )
    _check_all_regions_owned(regions, owned, display, lines)
    return SourceModule(display, tuple(imports), tuple(constants), tuple(definitions))


def parse_python(source: str, display: str) -> ast.Module:
    """``ast.parse`` with a one-line TpAeError naming the file and line on a syntax error."""
    try:
        return ast.parse(source)
    except SyntaxError as err:
        raise TpAeError(f"{display}:{err.lineno}: syntax error ({err.msg}); fix the file") from None


def imports_of(node: ast.Import | ast.ImportFrom, display: str) -> list[Import]:
    """The names an import statement binds; relative imports are refused (files move)."""
    if isinstance(node, ast.Import):
        return [Import(alias.name, None, alias.asname) for alias in node.names]
    if node.level or node.module is None:
        raise TpAeError(
            f"{display}:{node.lineno}: relative import; write it as an absolute import "
            "(from tp_ae.x import y) so that the generated files can use it"
        )
    return [Import(node.module, alias.name, alias.asname) for alias in node.names]


def is_docstring(node: ast.stmt) -> bool:
    return (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    )


def _assigned_name(node: ast.Assign | ast.AnnAssign, display: str) -> str:
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    if len(targets) != 1 or not isinstance(targets[0], ast.Name):
        raise TpAeError(
            f"{display}:{node.lineno}: make-exercises copies only simple constants "
            "(NAME = value); split this assignment"
        )
    return targets[0].id


def _last_line(lines: list[str], node: ast.stmt, following: ast.stmt | None) -> int:
    """Last line of a definition, counting the indented comments after its last statement
    (an ``### END SOLUTION`` that closes the body is such a comment)."""
    limit = len(lines)
    if following is not None:
        decorators = getattr(following, "decorator_list", [])
        limit = min([following.lineno] + [d.lineno for d in decorators]) - 1
    last = node.end_lineno or node.lineno
    for line_no in range(last + 1, limit + 1):
        text = lines[line_no - 1]
        if text.strip() and text[0].isspace() and text.lstrip().startswith("#"):
            last = line_no
        elif text.strip():
            break
    return last


def _check_all_regions_owned(
    regions: list[Region], owned: set[int], display: str, lines: list[str]
) -> None:
    """A region no function holds (module level) is an error: nothing could ask for it."""
    for region in regions:
        if region.begin not in owned:
            raise MarkerError(
                f'{display}:{region.begin}: solution region "{lines[region.begin - 1].strip()}" '
                f"(lines {region.begin}-{region.end}) is not inside a top-level function; only "
                "a function's body can be a question"
            )
