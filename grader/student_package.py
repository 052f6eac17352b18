"""The answer-free copy of ``tp_ae``: what student code may import, in the sandbox and the release.

:func:`build_student_package` copies the installed ``tp_ae`` package and replaces every solution
region (``### BEGIN SOLUTION`` .. ``### END SOLUTION``, markers included) with a stub that raises
``NotImplementedError``, using :mod:`tp_ae.exercises.markers` (the one implementation of the
markers). Left out entirely: the exercise generator (``tp_ae/exercises``: its templates and
answer-writing code), ``tp_ae/bench.py`` and ``tp_ae/train.py`` (they train the reference) and
every ``__pycache__`` (compiled bytecode of the reference). The sandbox (issue 11) mounts this
copy read-only as the only ``tp_ae`` a student's worker can import; the student release (issue
12) starts from the same copy.

    >>> from pathlib import Path
    >>> import tempfile
    >>> package = build_student_package(Path(tempfile.mkdtemp()))
    >>> package.name, (package / "exercises").exists()
    ('tp_ae', False)
"""

from __future__ import annotations

import shutil
from pathlib import Path

from tp_ae.errors import TpAeError
from tp_ae.exercises.markers import Region, clear_regions, find_regions

# left out of the copy, relative to tp_ae/ (a directory name drops the whole tree)
LEFT_OUT: tuple[str, ...] = ("exercises", "bench.py", "train.py")
STUB_MESSAGE = "not in the student package: write this answer in your own file"


def source_package() -> Path:
    """The directory of the ``tp_ae`` package this grader runs with."""
    import tp_ae

    return Path(tp_ae.__file__).resolve().parent


def build_student_package(dest: Path, source: Path | None = None) -> Path:
    """Write the answer-free ``tp_ae`` under ``dest`` (created if missing); return ``dest/"tp_ae"``.

    ``source`` is a ``tp_ae`` package directory (default: the installed one). Every ``.py`` file
    is copied with its solution regions replaced by ``raise NotImplementedError(...)``; other
    files (package data) are copied as they are. TpAeError when ``dest/"tp_ae"`` already exists
    or a file's markers do not pair up (the message names the file and line).
    """
    source = Path(source) if source is not None else source_package()
    package = Path(dest) / "tp_ae"
    if package.exists():
        raise TpAeError(f"{package} already exists; give build_student_package an empty folder")
    package.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(source, package, ignore=_ignore(source), symlinks=False)
    for path in sorted(package.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        regions = find_regions(text, str(path.relative_to(package.parent)))
        if regions:
            path.write_text(clear_regions(text, regions, _stub), encoding="utf-8")
    return package


def _ignore(root: Path):
    top = set(LEFT_OUT)

    def ignore(directory: str, names: list[str]) -> set[str]:
        dropped = {n for n in names if n == "__pycache__" or n.endswith((".pyc", ".pyo"))}
        if Path(directory).resolve() == root.resolve():
            dropped |= top & set(names)
        return dropped

    return ignore


def _stub(region: Region) -> list[str]:
    return [f'raise NotImplementedError("{STUB_MESSAGE}")']
