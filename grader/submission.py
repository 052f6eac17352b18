"""Finding and reading a submission, without running any of it.

A submission is a ``.py`` file, an ``.ipynb`` notebook (code cells only, read with nbformat), a
folder holding ``part1_autoencoders`` and/or ``part2_vae`` (``.py`` or ``.ipynb``), or a ``.zip``
of one of those (unpacked to a temporary folder, refusing paths that would land outside it).

Only imports, function and class definitions and constant assignments are kept
(:func:`keep_definitions`): a notebook that trains for an hour at top level loads in seconds, and
top-level code that patches or exits never runs. Everything here is pure Python (``ast``); the
sandboxed child compiles the kept statements with :func:`compile_statements`, keeping the
student's line numbers so that tracebacks point at their code.
"""

from __future__ import annotations
import __future__

import ast
import os
import re
import shutil
import stat
import tempfile
import time
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from tp_ae.errors import TpAeError
from tp_ae.questions import QUESTION_IDS, question

PART_NAMES: tuple[str, ...] = ("part1_autoencoders", "part2_vae")
SINGLE_MODULE = "submission"  # module name of a one-file submission that is not named for a part
SOURCE_SUFFIXES = (".py", ".ipynb")
MAX_SOURCE_BYTES = 50 * 2**20  # a notebook with embedded figures can be large; code is not
MAX_ZIP_BYTES = 200 * 2**20  # total uncompressed size of the files a zip may unpack
MAX_ZIP_MEMBERS = 2000
_CELL_MAGICS_THAT_RUN_PYTHON = ("%%time", "%%timeit", "%%capture")
_SYSTEM_FOLDERS = ("__MACOSX", "__pycache__")


class SubmissionError(TpAeError):
    """The path given is not a submission at all (missing, empty, unreadable archive)."""


@dataclass(frozen=True)
class SourceChunk:
    """One piece of source compiled on its own: a whole ``.py`` file or one notebook cell."""

    filename: str  # shown in tracebacks and messages: "part2_vae.ipynb, cell 7"
    text: str


@dataclass(frozen=True)
class SourceFile:
    """One file of a submission, as the module the child will build from it."""

    module: str  # "part1_autoencoders", "part2_vae" or "submission"
    display_name: str  # the file's name inside the submission, e.g. "part2_vae.ipynb"
    chunks: tuple[SourceChunk, ...]
    error: str | None = None  # why the file cannot be loaded at all (e.g. a syntax error)
    warnings: tuple[str, ...] = ()  # e.g. notebook cells skipped for a syntax error


@dataclass(frozen=True)
class Submission:
    """A submission's source text, read once; nothing of it has been executed."""

    name: str  # gradebook row and output folder name
    path: Path  # what was given: a file, a folder or a zip
    files: tuple[SourceFile, ...]
    warnings: tuple[str, ...] = field(default=())

    @property
    def load_error(self) -> str | None:
        """One line per file that could not be loaded, or None when every file loads."""
        errors = [f.error for f in self.files if f.error]
        return "; ".join(errors) if errors else None

    def defined_names(self) -> dict[str, str]:
        """Top-level names bound in loadable files -> the module that binds them (last wins)."""
        names: dict[str, str] = {}
        for source in self.files:
            if source.error:
                continue
            for chunk in source.chunks:
                tree = _parse_or_none(chunk)
                for name in _bound_names(tree.body if tree else []):
                    names[name] = source.module
        return names

    def file_for(self, question_id: str) -> SourceFile | None:
        """The file where this question is expected: its part's file, or the single file."""
        for source in self.files:
            if source.module in (question(question_id).part, SINGLE_MODULE):
                return source
        return None


# ---------------------------------------------------------------- finding submissions


def submission_name(path: Path) -> str:
    """Gradebook name of a submission: the file's stem or the folder's name, filesystem-safe."""
    path = Path(path)
    stem = path.stem if path.is_file() or path.suffix in (*SOURCE_SUFFIXES, ".zip") else path.name
    return re.sub(r"[^A-Za-z0-9._-]+", "_", stem).strip("._") or "submission"


def unique_names(paths: list[Path]) -> dict[str, Path]:
    """Name -> path for several submissions; clashing stems get their suffix appended."""
    stems = [submission_name(p) for p in paths]
    named: dict[str, Path] = {}
    for path, stem in zip(paths, stems, strict=True):
        name = stem
        if stems.count(stem) > 1 and path.suffix:
            name = f"{stem}_{path.suffix.lstrip('.')}"
        while name in named:
            name += "_"
        named[name] = path
    return named


def batch_entries(folder: Path, exclude: Path | None = None) -> list[Path]:
    """Every entry of a batch folder that can be a submission, sorted by name."""
    folder = Path(folder)
    if not folder.is_dir():
        raise SubmissionError(f"{folder}: --batch needs a folder of submissions")
    entries = []
    for entry, reason in _classified_entries(folder, exclude):
        if reason is None:
            entries.append(entry)
    return entries


def skipped_entries(folder: Path, exclude: Path | None = None) -> list[tuple[Path, str]]:
    """(entry, why it is not graded) for every entry of a batch folder that batch_entries
    leaves out, so that ``grade`` can print one visible line for each."""
    return [(e, why) for e, why in _classified_entries(Path(folder), exclude) if why is not None]


def _classified_entries(folder: Path, exclude: Path | None) -> list[tuple[Path, str | None]]:
    """Every entry of ``folder`` with None (a submission to grade, possibly unreadable: it then
    gets a load-error row) or the reason it is not one."""
    excluded = exclude.resolve() if exclude else None
    out: list[tuple[Path, str | None]] = []
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith(".") or entry.name in _SYSTEM_FOLDERS:
            out.append((entry, "hidden or system entry"))
        elif excluded and entry.resolve() == excluded:
            out.append((entry, "the output folder"))
        elif entry.is_symlink() or entry.is_dir() or _source_suffix(entry) is not None:
            out.append((entry, None))  # a link or a special file gets its own error row
        else:
            out.append((entry, "not a .py, .ipynb, .zip or folder"))
    return out


def _source_suffix(path: Path) -> str | None:
    """ ".py", ".ipynb" or ".zip" whatever the case of the name ("MARTIN.PY"), else None."""
    suffix = path.suffix.lower()
    return suffix if suffix in (*SOURCE_SUFFIXES, ".zip") else None


def read_submission(path: Path, name: str | None = None) -> Submission:
    """Read a submission's source (file, folder or zip) without executing anything.

    Raises SubmissionError only when ``path`` is not a submission at all; a file with a syntax
    error is returned with its ``error`` set, so the other part is still graded.
    """
    path = Path(path)
    name = name or submission_name(path)
    try:
        return _read_submission(path, name)
    except SubmissionError:
        raise
    except Exception as err:  # noqa: BLE001 - whatever the entry holds, only it fails
        first = (str(err).splitlines() or [type(err).__name__])[0][:300]
        raise SubmissionError(
            f"{path.name}: cannot be read ({type(err).__name__}: {first})"
        ) from None


def _read_submission(path: Path, name: str) -> Submission:
    if path.is_symlink():
        raise SubmissionError(f"{path.name}: a symbolic link; hand in the file or folder itself")
    if not path.exists():
        raise SubmissionError(f"{path}: no such file or folder")
    suffix = path.suffix.lower()
    if not path.is_dir() and not path.is_file():
        raise SubmissionError(f"{path.name}: not a regular file or folder (a FIFO or device?)")
    if path.is_file() and suffix == ".zip":
        with unpacked_zip(path) as folder:
            files, warnings = _read_folder(folder, display=path.name)
    elif path.is_dir():
        files, warnings = _read_folder(path, display=path.name)
    elif suffix in SOURCE_SUFFIXES:
        module = path.stem if path.stem in PART_NAMES else SINGLE_MODULE
        files, warnings = [_read_source_file(path, module)], []
    else:
        raise SubmissionError(f"{path}: expected a .py, .ipynb, .zip or a folder")
    warnings += [w for source in files for w in source.warnings]
    return Submission(name, path, tuple(files), tuple(warnings))


def question_sources(path: Path) -> dict[str, str]:
    """Each question id's function source text in a submission (AST-extracted, nothing run).

    Question ids the submission does not define as a function (or a lambda) are left out.
    When a name is defined several times, the last definition wins, as in Python.
    """
    submission = read_submission(path)
    sources: dict[str, str] = {}
    for source in submission.files:
        for chunk in source.chunks:
            tree = _parse_or_none(chunk)
            lines = chunk.text.splitlines(keepends=True)
            for node in tree.body if tree else []:
                names = _bound_names([node]) if _is_definition(node) else []
                for qid in QUESTION_IDS:
                    if qid in names:
                        sources[qid] = _node_source(lines, node)
    return sources


def _node_source(lines: list[str], node: ast.stmt) -> str:
    """The source lines of a top-level statement, decorators included (faster than
    ``ast.get_source_segment``, which re-scans the text for every node)."""
    first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
    return "".join(lines[first - 1 : node.end_lineno]).rstrip()


@contextmanager
def unpacked_zip(path: Path) -> Iterator[Path]:
    """Unpack the .py and .ipynb files of a zip into a temporary folder, deleted afterwards.

    Members with absolute paths or ``..`` components are refused (zip slip), as are archives
    unpacking to more than MAX_ZIP_BYTES or holding more than MAX_ZIP_MEMBERS entries.
    """
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as err:
        raise SubmissionError(f"{path}: not a readable zip file ({err})") from None
    target = Path(tempfile.mkdtemp(prefix="tp-ae-zip-"))
    try:
        with archive:
            members = archive.infolist()
            if len(members) > MAX_ZIP_MEMBERS:
                raise SubmissionError(f"{path}: more than {MAX_ZIP_MEMBERS} files in the zip")
            total = 0
            for info in members:
                relative = _safe_member_path(info.filename)
                if info.is_dir() or relative is None or relative.suffix not in SOURCE_SUFFIXES:
                    continue
                total += info.file_size
                if total > MAX_ZIP_BYTES:
                    raise SubmissionError(f"{path}: unpacks to more than {MAX_ZIP_BYTES} bytes")
                destination = target.joinpath(*relative.parts)
                destination.parent.mkdir(parents=True, exist_ok=True)
                try:
                    with archive.open(info) as src, open(destination, "wb") as dst:
                        _copy_bounded(src, dst, info.file_size)
                except (
                    zipfile.BadZipFile,
                    RuntimeError,
                    NotImplementedError,
                    EOFError,
                    OSError,
                    zlib.error,
                ) as err:  # bad CRC, password, unknown compression
                    raise SubmissionError(
                        f"{path.name}: {info.filename} cannot be unpacked ({err})"
                    ) from None
                stamp = time.mktime((*info.date_time, 0, 0, -1))
                os.utime(destination, (stamp, stamp))  # "modified last" decides .py vs .ipynb
        yield target
    finally:
        shutil.rmtree(target, ignore_errors=True)


def _copy_bounded(src, dst, limit: int) -> None:
    """Copy at most ``limit`` bytes (the member's declared size); more is a corrupt zip."""
    copied = 0
    while chunk := src.read(2**20):
        copied += len(chunk)
        if copied > limit:
            raise zipfile.BadZipFile("member larger than it declares")
        dst.write(chunk)


def _safe_member_path(name: str) -> PurePosixPath | None:
    """The member's relative path, or None when it is hidden or would escape the folder."""
    relative = PurePosixPath(name.replace("\\", "/"))
    parts = relative.parts
    if not parts or relative.is_absolute() or ".." in parts or ":" in parts[0]:
        return None
    if any(_hidden(part) for part in parts):
        return None
    return relative


def _hidden(name: str) -> bool:
    return name.startswith((".", "_")) or name == "__MACOSX"


def _read_folder(folder: Path, display: str) -> tuple[list[SourceFile], list[str]]:
    for _ in range(4):  # a zip or a hand-in often wraps everything in one more folder
        found = _part_files(folder)
        if found:
            break
        visible = [p for p in folder.iterdir() if not _hidden(p.name)]
        subfolders = [p for p in visible if p.is_dir()]
        sources = [p for p in visible if p.is_file() and p.suffix in SOURCE_SUFFIXES]
        if len(sources) == 1:
            return [_read_source_file(sources[0], SINGLE_MODULE)], []
        if len(subfolders) != 1 or sources:
            break
        folder = subfolders[0]
    else:
        found = {}
    if not found:
        raise SubmissionError(
            f"{display}: no part1_autoencoders or part2_vae (.py or .ipynb) found; "
            "hand in the exercise files with their names unchanged"
        )
    files, warnings = [], []
    for part, candidates in found.items():
        chosen, reason = _choose_candidate(candidates)
        if len(candidates) > 1:
            other = next(p for p in candidates if p != chosen)
            warnings.append(
                f"both {chosen.name} and {other.name} found: graded {chosen.name} ({reason}); "
                "hand in only one"
            )
        files.append(_read_source_file(chosen, part))
    return files, warnings


def _part_files(folder: Path) -> dict[str, list[Path]]:
    found = {}
    for part in PART_NAMES:
        candidates = [folder / f"{part}{suffix}" for suffix in SOURCE_SUFFIXES]
        candidates = [p for p in candidates if p.is_file()]
        if candidates:
            found[part] = candidates
    return found


def _choose_candidate(candidates: list[Path]) -> tuple[Path, str]:
    """Of part_x.py and part_x.ipynb, the one with fewer question functions still raising
    NotImplementedError; then the one modified last; then the .py. Returns (file, why)."""
    if len(candidates) == 1:
        return candidates[0], ""

    def stubs(path: Path) -> int:
        source = _read_source_file(path, SINGLE_MODULE)
        return sum(_unimplemented(chunk) for chunk in source.chunks)

    keys = {p: (stubs(p), -p.stat().st_mtime, p.suffix != ".py") for p in candidates}
    first, second = sorted(candidates, key=keys.__getitem__)[:2]
    reasons = ("fewer unimplemented stubs", "modified last", "the .py is preferred")
    index = next((i for i in range(3) if keys[first][i] != keys[second][i]), 2)
    return first, reasons[index]


def _unimplemented(chunk: SourceChunk) -> int:
    """Question functions of a chunk whose body raises NotImplementedError (exercise stubs)."""
    tree = _parse_or_none(chunk)
    count = 0
    for node in tree.body if tree else []:
        if isinstance(node, ast.FunctionDef) and node.name in QUESTION_IDS:
            raises = [n for n in ast.walk(node) if isinstance(n, ast.Raise) and n.exc is not None]
            if any("NotImplementedError" in ast.unparse(n.exc) for n in raises):
                count += 1
    return count


def _read_source_file(path: Path, module: str) -> SourceFile:
    name = path.name
    try:
        raw = read_regular_file(path, MAX_SOURCE_BYTES)
    except OSError as err:
        return SourceFile(module, name, (), f"{name}: cannot be read ({err.strerror or err})")
    except ValueError as err:
        return SourceFile(module, name, (), f"{name}: {err}")
    if path.suffix.lower() == ".ipynb":
        return _read_notebook(raw, module, name)
    text = _decode(raw)
    chunk = SourceChunk(name, text)
    try:
        ast.parse(text, filename=name)
    except SyntaxError as err:
        return SourceFile(module, name, (chunk,), _syntax_message(name, err))
    except ValueError as err:  # e.g. null bytes
        return SourceFile(module, name, (chunk,), f"{name}: not Python source ({err})")
    except (RecursionError, MemoryError):
        return SourceFile(module, name, (chunk,), f"{name}: too deeply nested for Python to read")
    return SourceFile(module, name, (chunk,))


def read_regular_file(path: Path, limit: int) -> bytes:
    """The bytes of ``path`` if it is a regular file (no symlink, FIFO or device) of at most
    ``limit`` bytes; ValueError saying what it is otherwise. Never blocks on a FIFO."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError as err:
        if os.path.islink(path):
            raise ValueError("a symbolic link; hand in the file itself") from None
        raise err
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ValueError("not a regular file (a FIFO or device?)")
        if info.st_size > limit:
            raise ValueError(f"larger than {limit} bytes")
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise ValueError(f"larger than {limit} bytes")
    return data


def _read_notebook(raw: bytes, module: str, name: str) -> SourceFile:
    """Code cells of a notebook, IPython magics neutralised; a cell that does not parse is
    skipped with a warning (it cannot define anything), the other cells still load."""
    import nbformat

    try:
        notebook = nbformat.reads(_decode(raw), as_version=4)
    except Exception as err:  # nbformat raises several types for malformed JSON
        first = str(err).splitlines()[0] if str(err) else type(err).__name__
        return SourceFile(module, name, (), f"{name}: not a readable notebook ({first})")
    chunks, warnings = [], []
    cells = notebook.get("cells", []) if isinstance(notebook, dict) else []
    for index, cell in enumerate(cells if isinstance(cells, list) else [], start=1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        if isinstance(source, list) and all(isinstance(part, str) for part in source):
            source = "".join(source)
        if not isinstance(source, str):
            warnings.append(f"{name}, cell {index}: its source is not text; cell skipped")
            continue
        text = _strip_magics(source)
        if text is None or not text.strip():
            continue
        chunk = SourceChunk(f"{name}, cell {index}", text)
        try:
            ast.parse(text, filename=chunk.filename)
        except (SyntaxError, ValueError, RecursionError, MemoryError) as err:
            line = getattr(err, "lineno", None)
            warnings.append(f"{chunk.filename}: syntax error at line {line}; cell skipped")
            continue
        chunks.append(chunk)
    return SourceFile(module, name, tuple(chunks), warnings=tuple(warnings))


def _strip_magics(text: str) -> str | None:
    """Replace IPython line magics and shell escapes by ``pass``; None for a non-Python cell."""
    lines = text.splitlines()
    if lines and lines[0].lstrip().startswith("%%"):
        if not lines[0].lstrip().startswith(_CELL_MAGICS_THAT_RUN_PYTHON):
            return None
        lines = ["pass", *lines[1:]]
    out = []
    for line in lines:
        stripped = line.lstrip()
        indent = line[: len(line) - len(stripped)]
        if stripped.startswith(("%", "!")) or re.match(r"^[\w, ]+=\s*[!%]", stripped):
            out.append(indent + "pass")
        else:
            out.append(line)
    return "\n".join(out) + "\n"


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _syntax_message(name: str, err: SyntaxError) -> str:
    where = f"line {err.lineno}" if err.lineno else "somewhere"
    return f"{name}: syntax error at {where}: {err.msg}; the file cannot be loaded"


# ---------------------------------------------------------------- what is kept of the source


def keep_definitions(tree: ast.Module) -> ast.Module:
    """Only imports, function/class definitions and constant assignments of a module.

    A constant is built from literals, arithmetic, tuples/lists/dicts/sets, names of earlier
    constants and attributes of imported names (``SIGMA = 20 / 255``, ``SHAPE = (28, 28, 1)``,
    ``F = np.float32``); ``name = lambda ...`` is a definition. ``try`` blocks made only of such
    statements (``try: import x / except ImportError: x = None``) are kept whole.
    """
    constants: set[str] = set()
    kept = [node for node in tree.body if _keep(node, constants)]
    return ast.Module(body=kept, type_ignores=[])


def compile_statements(chunk: SourceChunk) -> list:
    """The kept statements of a chunk, each compiled on its own (student line numbers kept), so
    that one failing statement (an import of a missing module) does not stop the definitions
    after it. ``from __future__`` imports apply to every statement. Raises SyntaxError."""
    tree = ast.parse(chunk.text, filename=chunk.filename)
    kept = keep_definitions(tree).body
    flags = 0
    for node in kept:
        if isinstance(node, ast.ImportFrom) and node.module == "__future__":
            for alias in node.names:
                feature = getattr(__future__, alias.name, None)
                flags |= feature.compiler_flag if feature else 0
    return [
        compile(
            ast.Module(body=[node], type_ignores=[]),
            chunk.filename,
            "exec",
            flags=flags,
            dont_inherit=True,
        )
        for node in kept
    ]


def _keep(node: ast.stmt, constants: set[str]) -> bool:
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        for alias in node.names:
            constants.add((alias.asname or alias.name).split(".")[0])
        return True
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        constants.add(node.name)
        return True
    if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
        return True  # docstring
    if isinstance(node, ast.Pass):
        return True
    if isinstance(node, (ast.Assign, ast.AnnAssign)):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        names = [n for t in targets for n in _target_names(t)]
        value = node.value
        if value is None or not names:
            return False
        if not all(isinstance(t, (ast.Name, ast.Tuple)) for t in targets):
            return False
        if isinstance(value, ast.Lambda) or _is_constant(value, constants):
            constants.update(names)
            return True
        return False
    if isinstance(node, ast.Try):
        trial = set(constants)
        blocks = [node.body, node.orelse, node.finalbody, *(h.body for h in node.handlers)]
        if all(_keep(stmt, trial) for block in blocks for stmt in block):
            constants.update(trial)
            return True
    return False


def _target_names(target: ast.expr) -> list[str]:
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, ast.Tuple):
        return [n for elt in target.elts for n in _target_names(elt)]
    return []


def _is_constant(node: ast.expr, constants: set[str]) -> bool:
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.Name):
        return node.id in constants
    if isinstance(node, ast.Attribute):
        return _is_constant(node.value, constants)
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return all(_is_constant(e, constants) for e in node.elts)
    if isinstance(node, ast.Dict):
        return all(k is not None and _is_constant(k, constants) for k in node.keys) and all(
            _is_constant(v, constants) for v in node.values
        )
    if isinstance(node, ast.UnaryOp):
        return _is_constant(node.operand, constants)
    if isinstance(node, ast.BinOp):
        return _is_constant(node.left, constants) and _is_constant(node.right, constants)
    return False


def _is_definition(node: ast.stmt) -> bool:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return True
    return isinstance(node, ast.Assign) and isinstance(node.value, ast.Lambda)


def _bound_names(body: list[ast.stmt]) -> list[str]:
    """Names a list of kept top-level statements binds (definitions, imports, assignments)."""
    names: list[str] = []
    for node in keep_definitions(ast.Module(body=body, type_ignores=[])).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.append(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names += [(a.asname or a.name).split(".")[0] for a in node.names]
        elif isinstance(node, ast.Assign):
            names += [n for t in node.targets for n in _target_names(t)]
        elif isinstance(node, ast.AnnAssign):
            names += _target_names(node.target)
        elif isinstance(node, ast.Try):
            blocks = [node.body, node.orelse, node.finalbody, *(h.body for h in node.handlers)]
            names += [n for block in blocks for n in _bound_names(block)]
    return names


def _parse_or_none(chunk: SourceChunk) -> ast.Module | None:
    try:
        return ast.parse(chunk.text, filename=chunk.filename)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
