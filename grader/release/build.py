"""``build_release``: the student release, ``DIR/`` (``pip install DIR``) and ``DIR.zip``.

DIR holds ``pyproject.toml``, the answer-free ``tp_ae`` with the prepared checks in
``tp_ae/selfcheck/data/``, and ``exercises/`` (stubs, notebooks, handout, the written-answers
sheet, from the generated ``exercises/``). The build ends by searching DIR and DIR.zip for
answers (:mod:`grader.release.leaks`) and fails, removing both, when it finds one.
"""

from __future__ import annotations

import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

from grader.config import CourseConfig
from grader.release.handout import release_handout, release_notebook
from grader.release.leaks import find_leaks, given_lines
from grader.release.package import pyproject_text, student_package
from grader.release.public_checks import write_public_checks
from tp_ae.errors import TpAeError

REPO = Path(__file__).resolve().parents[2]  # the course repository holding tp_ae/ and grader/


@dataclass(frozen=True)
class Release:
    folder: Path
    zip_path: Path
    questions: list[str]  # the questions the self-check covers
    warnings: list[str]
    address: str  # what the handout and the notebooks tell students to pip install


def build_release(
    out: Path, config: CourseConfig, address: str | None = None, repo: Path = REPO
) -> Release:
    """Build the release into ``out`` (must not exist, or be empty) and ``out.zip``.

    ``address``: what students ``pip install`` (a URL or path); default: course.toml's
    ``[release] url``, else the folder's name, as given next to the exercises
    (``pip install ./NAME``).
    """
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise TpAeError(f"{out}: exists and is not empty; give a new folder for the release")
    if not (repo / "exercises" / "README.md").is_file():
        raise TpAeError(f"{repo}: no exercises/README.md; run `tp-ae make-exercises` first")
    address = address or config.release_url or f"./{out.name}"
    out.mkdir(parents=True, exist_ok=True)
    try:
        package = student_package(out, repo)
        questions = write_public_checks(package / "selfcheck" / "data", config)
        (out / "pyproject.toml").write_text(pyproject_text(repo), encoding="utf-8")
        _exercises(repo / "exercises", out / "exercises", config, address)
        (out / "README.md").write_text(
            (out / "exercises" / "README.md").read_text(encoding="utf-8"), encoding="utf-8"
        )
        zip_path = _zip(out)
        leaks = find_leaks(out, repo) + find_leaks(zip_path, repo)
        if leaks:
            raise TpAeError(
                f"the release would hold answers ({len(leaks)} found, first: {leaks[0]}); "
                "nothing was written"
            )
    except BaseException:
        shutil.rmtree(out, ignore_errors=True)
        out.with_suffix(".zip").unlink(missing_ok=True)
        raise
    warnings = [
        f"a line of the reference is also in code students are given: {line!r} "
        "(exercises/ or a helper of tp_ae; not counted as a leak)"
        for line in sorted(given_lines(repo))
    ]
    return Release(out, zip_path, questions, warnings, address)


def _exercises(source: Path, dest: Path, config: CourseConfig, address: str) -> None:
    dest.mkdir(parents=True)
    for path in sorted(source.iterdir()):
        if not path.is_file() or path.name.startswith("."):
            continue
        text = path.read_text(encoding="utf-8")
        if path.name == "README.md":
            text = release_handout(text, config, address)
        elif path.suffix == ".ipynb":
            text = release_notebook(text, address)
        (dest / path.name).write_text(text, encoding="utf-8")


def _zip(folder: Path) -> Path:
    """``folder.zip``: the folder under its own name (pip installs the zip as it is)."""
    target = folder.with_suffix(".zip")
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            archive.write(path, Path(folder.name) / path.relative_to(folder))
    return target
