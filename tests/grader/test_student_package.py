"""grader/student_package.py: the answer-free tp_ae that student code may import."""

from __future__ import annotations

import subprocess
import sys

import pytest

from grader.student_package import LEFT_OUT, build_student_package, source_package
from tp_ae.errors import TpAeError
from tp_ae.exercises.markers import find_regions


def _reference_lines() -> dict[str, list[str]]:
    """Every non-blank line strictly inside a solution region, per file of the real tp_ae."""
    found: dict[str, list[str]] = {}
    for path in sorted(source_package().rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        for region in find_regions(text, str(path)):
            inside = [line.strip() for line in lines[region.begin : region.end - 1]]
            found.setdefault(str(path.relative_to(source_package())), []).extend(
                line for line in inside if line and not line.startswith("#")
            )
    return found


@pytest.fixture(scope="module")
def package(tmp_path_factory):
    return build_student_package(tmp_path_factory.mktemp("student"))


def test_no_line_of_any_reference_region_survives(package):
    """Is every line inside every solution region of tp_ae absent from the copy's files?"""
    reference = _reference_lines()
    assert sum(len(v) for v in reference.values()) > 10  # the test has something to find
    copied = {
        str(p.relative_to(package)): {line.strip() for line in p.read_text().splitlines()}
        for p in package.rglob("*.py")
    }
    for name, lines in reference.items():
        assert name in copied, f"{name} is missing from the student package"
        # lines that also occur outside the regions (e.g. "return model") are not answers
        outside = set()
        text = (source_package() / name).read_text()
        all_lines = text.splitlines()
        inside_numbers = {n for r in find_regions(text, name) for n in range(r.begin, r.end + 1)}
        outside = {line.strip() for n, line in enumerate(all_lines, 1) if n not in inside_numbers}
        leaked = [line for line in lines if line in copied[name] and line not in outside]
        assert leaked == [], f"{name}: reference lines left in the copy: {leaked[:3]}"
        assert not find_regions((package / name).read_text(), name)


def test_generator_bench_train_and_bytecode_are_left_out(package):
    """Are the exercise generator, bench, train and every __pycache__ absent?"""
    for name in LEFT_OUT:
        assert not (package / name).exists(), name
    assert not list(package.rglob("__pycache__"))
    assert not list(package.rglob("*.pyc"))
    assert (package / "losses.py").is_file() and (package / "questions.py").is_file()


def test_the_copy_imports_and_its_answers_raise(package):
    """Does the copy import, and does a reference function raise NotImplementedError?"""
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); import tp_ae.losses as l;"
        "assert l.__file__.startswith(sys.argv[1]), l.__file__\n"
        "try:\n    l.kl_divergence(None, None)\nexcept NotImplementedError as e:\n"
        "    print('stub', e)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(package.parent)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith("stub not in the student package")


def test_an_existing_destination_is_a_one_line_error(package):
    """Does building into a folder that already holds tp_ae refuse with a clear message?"""
    with pytest.raises(TpAeError, match="already exists"):
        build_student_package(package.parent)
