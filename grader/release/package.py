"""The answer-free ``tp_ae`` of the release and the release's ``pyproject.toml``.

The stripped copy of ``tp_ae`` is ``grader.student_package.build_student_package``'s (the
sandbox's student package, issue 11: every solution region replaced by ``raise
NotImplementedError``). Then the release keeps only what students use: the reference modules,
``tp-ae train``/``bench`` (they train the reference) and the exercise generator go, and
``tp_ae/commands.py`` lists no instructor command.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

from grader.student_package import build_student_package
from tp_ae.questions import REFERENCE_MODULES

# what students never get, relative to tp_ae/
REMOVED = (
    *(m.split(".", 1)[1].replace(".", "/") + ".py" for m in REFERENCE_MODULES),
    "train.py",
    "bench.py",
    "exercises",
)
COMMANDS_PY = '''"""The release's own table is empty: its commands (check, train-mine, data)
are registered by its pyproject.toml under the ``tp_ae.commands`` entry-point group
(``tp_ae.selfcheck.commands``).
Written by ``tp-ae release``."""

from __future__ import annotations

COMMANDS: dict[str, tuple[str, str]] = {}

ENTRY_POINT_GROUP = "tp_ae.commands"
'''
STUDENT_DEPENDENCIES_DROPPED = ("copydetect", "packaging")  # the grader's, not the students'


def student_package(dest: Path, repo: Path) -> Path:
    """Write the release's ``tp_ae`` under ``dest`` from ``repo / "tp_ae"``; returns
    ``dest / "tp_ae"``."""
    package = build_student_package(dest, repo / "tp_ae")
    for name in REMOVED:
        target = package / name
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
    for cache in list(package.rglob("__pycache__")):
        shutil.rmtree(cache)
    commands = package / "commands.py"
    if commands.exists():
        commands.write_text(COMMANDS_PY, encoding="utf-8")
    return package


def pyproject_text(repo: Path) -> str:
    """The release's pyproject.toml: the course's dependencies (less the grader's), package
    data for the prepared checks, and the student commands under ``tp_ae.commands``."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    course = tomllib.loads((repo / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    deps = [d for d in course["dependencies"] if not d.startswith(STUDENT_DEPENDENCIES_DROPPED)]
    deps_text = "".join(f"    {json.dumps(d)},\n" for d in deps)
    return f'''#
# The student release of tp-ae, written by `tp-ae release`: no reference answer inside.
[build-system]
requires = ["setuptools>=68", "wheel"]
build-backend = "setuptools.build_meta"

[project]
name = "tp-ae"
dynamic = ["version"]
description = "Autoencoders and VAEs on MNIST: the student release (helpers and self-check)"
requires-python = "{course.get("requires-python", ">=3.10")}"
dependencies = [
{deps_text}]

[project.scripts]
tp-ae = "tp_ae.cli:entry"

[project.entry-points."tp_ae.commands"]
student = "tp_ae.selfcheck.commands:COMMANDS"

[tool.setuptools.packages.find]
include = ["tp_ae*"]

[tool.setuptools.dynamic]
version = {{ attr = "tp_ae.__version__" }}

[tool.setuptools.package-data]
"tp_ae.selfcheck" = ["data/*.json", "data/*.npz"]
'''
