"""Searching a built release for answers: every line of every reference solution region, the
solution markers, the solutions' files, and the grader's formulas and mistake catalogue.

Every file is read, zips and wheels inside included (their members too); notebooks are read
by their cells' source, so quoting inside the JSON hides nothing.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from tp_ae.exercises.markers import find_regions
from tp_ae.questions import REFERENCE_MODULES

FORBIDDEN_TEXT = (
    "BEGIN SOLUTION",
    "END SOLUTION",
    "def expected_",  # the grader's NumPy formulas
    "def mistakes(",  # the grader's catalogue of mistakes
    "solutions/answers.md",  # the written answers (exercises/answers.md is the blank sheet)
)
FORBIDDEN_NAMES = ("solutions", "grader")


def reference_lines(repo: Path) -> dict[str, str]:
    """Stripped line -> where it comes from, for every code line inside a solution region of
    the reference modules (blank lines and comments excepted)."""
    found = {}
    for module in REFERENCE_MODULES:
        path = repo / (module.replace(".", "/") + ".py")
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        for region in find_regions(text, str(path)):
            for number in range(region.begin + 1, region.end):
                line = lines[number - 1].strip()
                if line and not line.startswith("#"):
                    found[line] = f"{path.relative_to(repo)}:{number}"
    return found


def given_lines(repo: Path) -> set[str]:
    """Reference lines that students are given anyway, outside any question: in the generated
    exercise stubs (``exercises/*.py``) or in the helper modules of ``tp_ae`` (e.g.
    ``rng = np.random.default_rng(seed)`` in ``tp_ae/data.py``). :func:`find_leaks` reports
    them only when ``strict``."""
    references = {m.replace(".", "/") + ".py" for m in REFERENCE_MODULES}
    helpers = [p for p in (repo / "tp_ae").rglob("*.py")
               if str(p.relative_to(repo)) not in references]  # fmt: skip
    files = [*(repo / "exercises").glob("*.py"), *helpers]
    stubs = "\n".join(p.read_text(encoding="utf-8") for p in files)
    present = {line.strip() for line in stubs.splitlines()}
    return {line for line in reference_lines(repo) if line in present}


def find_leaks(release: Path, repo: Path, strict: bool = False) -> list[str]:
    """'file: what leaked' for every answer found under ``release`` (a folder or a .zip).

    Unless ``strict``, the reference lines that the course's own exercise stubs give as given
    code (:func:`given_lines`) are not counted: they are the exercises' problem, not the
    release's (``tp-ae release`` prints them as a warning)."""
    needles = reference_lines(repo)
    if not strict:
        for line in given_lines(repo):
            needles.pop(line, None)
    leaks = []
    for name, text in _texts(Path(release)):
        parts = Path(name).parts
        for forbidden in FORBIDDEN_NAMES:
            if forbidden in parts:
                leaks.append(f"{name}: a file under {forbidden}/ or named {forbidden}")
        for needle in FORBIDDEN_TEXT:
            if needle in text:
                leaks.append(f"{name}: contains {needle!r}")
        stripped = {line.strip() for line in text.splitlines()}
        for line, origin in needles.items():
            if line in stripped or (len(line) > 30 and line in text):
                leaks.append(f"{name}: reference line {origin} {line!r}")
    return leaks


def _texts(root: Path):
    """(name, text) of every file under ``root``, and of every member of the zips found."""
    if root.is_file():
        yield from _archive(root.name, root.read_bytes())
        return
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        name = str(path.relative_to(root))
        yield from _from_bytes(name, path.read_bytes())


def _from_bytes(name: str, raw: bytes):
    if raw[:4] == b"PK\x03\x04" and not name.endswith(".npz"):
        yield from _archive(name, raw)
        return
    if name.endswith(".npz"):
        yield name, ""  # arrays of numbers (read with allow_pickle=False): no text
        return
    text = raw.decode("utf-8", errors="replace")
    if name.endswith(".ipynb"):
        try:
            cells = json.loads(text).get("cells", [])
            text += "\n" + "\n".join("".join(c.get("source", "")) for c in cells)
        except (ValueError, AttributeError):
            pass
    yield name, text


def _archive(name: str, raw: bytes):
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        for member in archive.namelist():
            if not member.endswith("/"):
                yield from _from_bytes(f"{name}!{member}", archive.read(member))
