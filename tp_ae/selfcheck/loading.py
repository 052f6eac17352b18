"""Reading a submission and running only its imports, definitions and constants.

A submission is a ``.py`` file, a notebook (its code cells), or a folder holding
``part1_autoencoders`` and/or ``part2_vae`` (``.py`` or ``.ipynb``). Top-level statements other
than imports, ``def``/``class``, docstrings and constant assignments (literals, arithmetic,
names of earlier constants, attributes of imported names) never run: a notebook that trains at
top level is checked in seconds. IPython magics and shell escapes become ``pass``. The grader
reads submissions by the same rules.
"""

from __future__ import annotations
import __future__

import ast
import re
import sys
import types
from dataclasses import dataclass, field
from pathlib import Path

from tp_ae.errors import TpAeError
from tp_ae.questions import CODE_QUESTIONS, PARTS, REFERENCE_MODULES, question

SINGLE_MODULE = "submission"  # a one-file submission not named for a part
SUFFIXES = (".py", ".ipynb")
_RUNNABLE_CELL_MAGICS = ("%%time", "%%timeit", "%%capture")


@dataclass(frozen=True)
class Chunk:
    """Source compiled on its own: a whole ``.py`` file or one notebook cell."""

    filename: str  # in tracebacks and messages: "part2_vae.ipynb, cell 7"
    text: str


@dataclass(frozen=True)
class SourceFile:
    module: str  # "part1_autoencoders", "part2_vae" or "submission"
    name: str  # the file's name, e.g. "part2_vae.ipynb"
    chunks: tuple[Chunk, ...]
    error: str | None = None  # why it cannot be loaded (a syntax error...)


@dataclass
class Submission:
    files: list[SourceFile]
    warnings: list[str] = field(default_factory=list)

    def file_for(self, question_id: str) -> SourceFile | None:
        """The file holding a question: its part's file, else a single-module submission."""
        part = question(question_id).part
        return next((f for f in self.files if f.module in (part, SINGLE_MODULE)), None)


def read_submission(path: Path) -> Submission:
    """Read (never run) a ``.py``, ``.ipynb`` or a folder of part files."""
    path = Path(path)
    if path.is_file():
        if path.suffix not in SUFFIXES:
            raise TpAeError(f"{path}: give a .py or .ipynb file, or the folder holding them")
        module = path.stem if path.stem in PARTS else SINGLE_MODULE
        return Submission([read_file(path, module)])
    if not path.is_dir():
        raise TpAeError(f"{path}: no such file or folder")
    submission = Submission([])
    for part in PARTS:
        candidates = [path / f"{part}{s}" for s in SUFFIXES if (path / f"{part}{s}").is_file()]
        if not candidates:
            continue
        chosen = min(candidates, key=_preference)
        if len(candidates) > 1:
            other = next(c for c in candidates if c != chosen)
            submission.warnings.append(
                f"both {chosen.name} and {other.name} found: checked {chosen.name} "
                "(fewer unanswered questions, else modified last)"
            )
        submission.files.append(read_file(chosen, part))
    if not submission.files:
        raise TpAeError(
            f"{path}: no part1_autoencoders or part2_vae (.py or .ipynb) here; "
            "give the folder holding your exercise files, names unchanged"
        )
    return submission


def read_file(path: Path, module: str) -> SourceFile:
    """One file as the module it becomes; a file that does not parse carries its error."""
    text = path.read_bytes().decode("utf-8-sig", errors="replace")
    if path.suffix == ".ipynb":
        return _read_notebook(text, module, path.name)
    try:
        ast.parse(text, filename=path.name)
    except (SyntaxError, ValueError) as err:
        where = f"line {getattr(err, 'lineno', None) or '?'}"
        reason = getattr(err, "msg", str(err))
        return SourceFile(module, path.name, (), f"{path.name}: syntax error at {where}: {reason}")
    return SourceFile(module, path.name, (Chunk(path.name, text),))


def _read_notebook(text: str, module: str, name: str) -> SourceFile:
    import nbformat

    try:
        notebook = nbformat.reads(text, as_version=4)
    except Exception as err:  # noqa: BLE001 - nbformat raises several kinds
        return SourceFile(module, name, (), f"{name}: not a readable notebook ({err})")
    chunks = []
    for index, cell in enumerate(notebook.cells, start=1):
        source = cell.get("source", "")
        if cell.get("cell_type") != "code" or not isinstance(source, str):
            continue
        code = without_magics(source)
        if code is None or not code.strip():
            continue
        try:
            ast.parse(code)
        except (SyntaxError, ValueError):
            continue  # a cell that does not parse defines nothing
        chunks.append(Chunk(f"{name}, cell {index}", code))
    return SourceFile(module, name, tuple(chunks))


def without_magics(text: str) -> str | None:
    """Line magics and shell escapes become ``pass``; None for a cell of another language."""
    lines = text.splitlines()
    if lines and lines[0].lstrip().startswith("%%"):
        if not lines[0].lstrip().startswith(_RUNNABLE_CELL_MAGICS):
            return None
        lines[0] = "pass"
    out = []
    for line in lines:
        body = line.lstrip()
        magic = body.startswith(("%", "!")) or re.match(r"^[\w, ]+=\s*[!%]", body)
        out.append(line[: len(line) - len(body)] + "pass" if magic else line)
    return "\n".join(out) + "\n"


def _preference(path: Path) -> tuple[int, float, bool]:
    """Fewer question stubs still raising NotImplementedError, then modified last, then .py."""
    source = read_file(path, SINGLE_MODULE)
    ids = {q.id for q in CODE_QUESTIONS}
    stubs = 0
    for chunk in source.chunks:
        for node in ast.parse(chunk.text).body:
            if isinstance(node, ast.FunctionDef) and node.name in ids:
                raised = (ast.unparse(n.exc) for n in ast.walk(node) if isinstance(n, ast.Raise))
                stubs += any("NotImplementedError" in r for r in raised if r)
    return stubs, -path.stat().st_mtime, path.suffix != ".py"


# ---------------------------------------------------------------- running the kept statements


def load_modules(submission: Submission) -> tuple[dict[str, types.ModuleType], list[str]]:
    """One module per loadable file, registered in ``sys.modules`` (part 2 may import part 1);
    returns the modules and the errors raised while loading (the next statements still ran)."""
    modules = {}
    for source in submission.files:
        if source.error is None:
            module = types.ModuleType(source.module)
            module.__file__ = source.name
            modules[source.module] = sys.modules[source.module] = module
    errors = []
    for source in submission.files:
        module = modules.get(source.module)
        for chunk in source.chunks if module is not None else ():
            for code in compile_kept(chunk):
                try:
                    exec(code, module.__dict__)
                except Exception as exc:  # noqa: BLE001 - reported; the next statement runs
                    errors.append(f"{chunk.filename}: {type(exc).__name__}: {exc}")
    return modules, errors


def unload_modules(modules: dict[str, types.ModuleType]) -> None:
    for name, module in modules.items():
        if sys.modules.get(name) is module:
            del sys.modules[name]


def compile_kept(chunk: Chunk) -> list[types.CodeType]:
    """The kept statements of a chunk, each compiled alone (the student's line numbers)."""
    kept: list[ast.stmt] = []
    known: set[str] = set()
    for node in ast.parse(chunk.text, filename=chunk.filename).body:
        if _kept(node, known):
            kept.append(node)
    flags = 0
    for node in kept:
        if isinstance(node, ast.ImportFrom) and node.module == "__future__":
            for alias in node.names:
                feature = getattr(__future__, alias.name, None)
                flags |= feature.compiler_flag if feature else 0
    module = ast.Module
    return [
        compile(module(body=[n], type_ignores=[]), chunk.filename, "exec", flags, True)
        for n in kept
    ]


def _kept(node: ast.stmt, known: set[str]) -> bool:
    """Imports, definitions, docstrings, ``pass``, constant assignments, and ``try`` blocks
    made only of those; ``known`` collects the names bound so far."""
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        known.update((a.asname or a.name).split(".")[0] for a in node.names)
        return True
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        known.add(node.name)
        return True
    if isinstance(node, ast.Pass) or (
        isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
    ):
        return True
    if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        if not all(isinstance(t, (ast.Name, ast.Tuple)) for t in targets):
            return False
        names = [n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)]
        if names and (isinstance(node.value, ast.Lambda) or _constant(node.value, known)):
            known.update(names)
            return True
        return False
    if isinstance(node, ast.Try):
        trial = set(known)
        blocks = [node.body, node.orelse, node.finalbody, *(h.body for h in node.handlers)]
        if all(_kept(statement, trial) for block in blocks for statement in block):
            known.update(trial)
            return True
    return False


def _constant(node: ast.expr, known: set[str]) -> bool:
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.Name):
        return node.id in known
    if isinstance(node, ast.Attribute):
        return _constant(node.value, known)
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return all(_constant(e, known) for e in node.elts)
    if isinstance(node, ast.Dict):
        keys_ok = all(k is not None and _constant(k, known) for k in node.keys)
        return keys_ok and all(_constant(v, known) for v in node.values)
    if isinstance(node, ast.UnaryOp):
        return _constant(node.operand, known)
    if isinstance(node, ast.BinOp):
        return _constant(node.left, known) and _constant(node.right, known)
    return False


def reference_import(source: SourceFile, question_id: str) -> str | None:
    """``from tp_ae.losses import kl_divergence``, the last top-level binding of the question's
    name in ``source``: the reference module it imports (the grader then grades the reference
    that ships with the course package, and gives 0); None when the student's own definition
    (or nothing) binds it last. The release has no reference module: the import fails there."""
    found = None
    for chunk in source.chunks:
        try:
            body = ast.parse(chunk.text, filename=chunk.filename).body
        except (SyntaxError, ValueError):
            continue
        for node in body:
            if isinstance(node, ast.ImportFrom) and node.module in REFERENCE_MODULES:
                for alias in node.names:
                    star = alias.name == "*" and question(question_id).reference == node.module
                    if star or (alias.asname or alias.name) == question_id:
                        found = node.module
            elif _binds(node, question_id):
                found = None
    return found


def _binds(node: ast.stmt, name: str) -> bool:
    """A top-level ``def``/``class`` named ``name``, an assignment or import binding it."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return node.name == name
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return any((a.asname or a.name).split(".")[0] == name for a in node.names)
    if isinstance(node, (ast.Assign, ast.AnnAssign)):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        return any(isinstance(n, ast.Name) and n.id == name for t in targets for n in ast.walk(t))
    return False


def find_function(question_id: str, modules: dict[str, types.ModuleType]):
    """The student's function for a question: in its part's module first, then any."""
    order = [question(question_id).part, SINGLE_MODULE, *modules]
    for name in order:
        module = modules.get(name)
        if module is not None and callable(module.__dict__.get(question_id)):
            return module.__dict__[question_id]
    return None
