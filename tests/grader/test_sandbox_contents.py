"""What exists inside the sandbox (issue 11): the child's assembled code, and nothing that
holds an answer: no ``grader/checks``, no reference process, no ``solutions/``, and ``tp_ae``
without one line of any solution region."""

from __future__ import annotations

import ast
import importlib
import inspect
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from grader import isolation
from grader.sandbox import CHILD_MODULES, assemble_child_code, grader_root
from tp_ae.exercises.markers import find_regions
from tp_ae.questions import REFERENCE_MODULES

needs_bwrap = pytest.mark.skipif(
    not isolation.bubblewrap_works(), reason="bubblewrap cannot make namespaces here"
)
GRADER = Path(grader_root()) / "grader"


@pytest.fixture(scope="module")
def child_code(tmp_path_factory) -> Path:
    return assemble_child_code(tmp_path_factory.mktemp("code") / "child")


def _solution_lines(module_name: str) -> set[str]:
    """The code lines of the repository's solution regions of a reference module that appear
    nowhere outside a region (so their presence means a leaked answer)."""
    source = inspect.getsource(importlib.import_module(module_name))
    lines = source.splitlines()
    inside: set[int] = set()
    for region in find_regions(source, module_name):
        inside.update(range(region.begin, region.end - 1))  # 0-based, markers excluded
    outside = {lines[i].strip() for i in range(len(lines)) if i not in inside}
    found = {lines[i].strip() for i in inside} - outside
    return {line for line in found if line and not line.startswith("#")}


def test_the_child_code_is_only_the_childs_modules_and_the_answer_free_tp_ae(child_code):
    """Does the assembled folder hold grader's child modules and collectors, and no checks, no
    reference process, no exercise generator, no solutions?"""
    assert sorted(p.name for p in child_code.iterdir()) == ["grader", "tp_ae"]
    grader = child_code / "grader"
    assert {p.name for p in grader.iterdir()} == {*CHILD_MODULES, "collect"}
    inside = {p.relative_to(grader).as_posix() for p in grader.rglob("*")}
    assert not any("checks" in n or "reference_server" in n for n in inside)
    # tp_ae is the student release's package (its self-check included), without answers
    names = {p.relative_to(child_code).as_posix() for p in child_code.rglob("*")}
    assert not any("solutions" in n for n in names)
    assert not (child_code / "tp_ae" / "exercises").exists()


def test_the_child_code_is_read_only(child_code):
    """Can nothing of the assembled folder be written (folders and files read-only)?"""
    for path in [child_code, *child_code.rglob("*")]:
        assert path.stat().st_mode & 0o222 == 0, path


def test_no_answer_line_is_in_the_child_codes_tp_ae(child_code):
    """Is every line of every solution region of the repository's tp_ae absent from the copy?"""
    for module_name in REFERENCE_MODULES:
        copy = child_code / Path(*module_name.split(".")).with_suffix(".py")
        text = {line.strip() for line in copy.read_text(encoding="utf-8").splitlines()}
        answers = _solution_lines(module_name)
        assert answers, module_name  # the test can fail: there are answer lines to look for
        assert not answers & text, (module_name, sorted(answers & text)[:3])


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_the_child_and_collectors_import_no_grader_module_left_outside():
    """Does the code that runs in the sandbox import only grader modules that are inside (its
    own folder list), never the checks, the scoring or the reference process?"""
    inside = {f"grader.{Path(name).stem}" for name in CHILD_MODULES} | {"grader"}
    files = [GRADER / name for name in CHILD_MODULES] + sorted((GRADER / "collect").rglob("*.py"))
    for path in files:
        for module in _imports(path):
            if module.startswith("grader.collect") or not module.startswith("grader"):
                continue
            assert module in inside, (path.name, module)


def _run_inside(child_code: Path, job: Path, code: str) -> subprocess.CompletedProcess:
    argv = isolation.bubblewrap_command(
        [sys.executable, "-c", textwrap.dedent(code)],
        job,
        [child_code],
        {"PYTHONPATH": str(child_code), "PATH": "/usr/bin:/bin"},
    )
    return subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False)


@needs_bwrap
def test_inside_the_sandbox_no_answer_and_no_formula_can_be_reached(child_code, tmp_path):
    """Run inside: can grader.checks, the reference process or solutions/ be found? Does the
    source of every reference module read there hold any line of a solution?"""
    repo = Path(grader_root()).resolve()
    done = _run_inside(
        child_code,
        tmp_path,
        f"""
        import importlib, importlib.util, inspect, json, os
        out = {{}}
        for name in ("grader.checks", "grader.checks.kl_divergence", "grader.reference_server"):
            try:
                out[name] = importlib.util.find_spec(name) is not None
            except ImportError:
                out[name] = False
        out["solutions"] = os.path.exists({str(repo / "solutions")!r})
        out["repo grader"] = os.path.exists({str(repo / "grader" / "checks")!r})
        out["sources"] = {{
            m: inspect.getsource(importlib.import_module(m)) for m in {list(REFERENCE_MODULES)!r}
        }}
        out["tp_ae"] = importlib.import_module("tp_ae").__file__
        print(json.dumps(out))
        """,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    out = json.loads(done.stdout)
    assert out.pop("grader.checks") is False
    assert out.pop("grader.checks.kl_divergence") is False
    assert out.pop("grader.reference_server") is False
    assert out.pop("solutions") is False and out.pop("repo grader") is False
    assert out["tp_ae"].startswith(str(child_code.resolve()))
    for module_name, source in out["sources"].items():
        text = {line.strip() for line in source.splitlines()}
        leaked = _solution_lines(module_name) & text
        assert not leaked, (module_name, sorted(leaked)[:3])
