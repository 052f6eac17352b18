"""The student release (``tp-ae release``): no answer inside, and its self-check, run from the
installed release in an empty folder, gives what the grader gives."""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from grader.config import config_from_mapping, default_config
from grader.release.build import build_release
from grader.release.leaks import find_leaks, reference_lines
from tests.grader.corpus_tools import CORPUS_ENTRIES, HEAVY, REPO, build_entry, write_reference

KL_NO_HALF = "\n\ndef kl_divergence(z_mean, z_log_var):\n" + (
    "    return ops.sum(ops.exp(z_log_var) + ops.square(z_mean) - 1.0 - z_log_var, axis=-1)\n"
)


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    """A release built with the default course settings, and installed with --target."""
    root = tmp_path_factory.mktemp("release")
    built = build_release(root / "tp-ae-release", default_config())
    target = root / "installed"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation",
         "--target", str(target), str(built.folder)],
        check=True, capture_output=True,
    )  # fmt: skip
    return built, target


# Run in the installed release only: the course repository's editable install (this test's
# environment) adds an import finder that would serve tp_ae.losses & co. from the repository.
ISOLATED = (
    "import runpy, sys; "
    "sys.meta_path[:] = [f for f in sys.meta_path "
    "if 'editable' not in getattr(f, '__module__', '')]; "
    "sys.argv[0] = 'tp_ae.selfcheck'; "
)


def release_python(target: Path, cwd: Path, code: str, *args: str):
    """Run ``code`` with the installed release (and the venv's dependencies) only."""
    env = {**os.environ, "PYTHONPATH": str(target)}
    env.pop("TP_AE_SELFCHECK_DATA", None)
    command = [sys.executable, "-c", ISOLATED + code, *args]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=900)


def run_check(target: Path, cwd: Path, *paths: Path) -> tuple[str, dict]:
    """``tp-ae check`` of the installed release, from ``cwd``: (its output, its JSON)."""
    out = cwd / "results.json"
    code = "runpy.run_module('tp_ae.selfcheck', run_name='__main__')"
    done = release_python(target, cwd, code, *map(str, paths), "--json", str(out))
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout, json.loads(out.read_text(encoding="utf-8"))


def test_release_layout(release):
    """Does the release hold the installable package, the exercises and the zip, without the
    reference modules, the solutions or the grader?"""
    built, target = release
    names = {p.relative_to(built.folder).as_posix() for p in built.folder.rglob("*")}
    assert {"pyproject.toml", "exercises/README.md", "exercises/part2_vae.ipynb"} <= names
    assert "tp_ae/selfcheck/data/checks.json" in names
    for absent in ("tp_ae/losses.py", "tp_ae/vae.py", "tp_ae/autoencoders.py", "tp_ae/train.py"):
        assert absent not in names
    assert not any(n.startswith(("grader", "solutions")) for n in names)
    with zipfile.ZipFile(built.zip_path) as archive:
        assert "tp-ae-release/exercises/part1_autoencoders.py" in archive.namelist()
    assert (target / "tp_ae" / "selfcheck" / "data" / "kl_divergence.npz").is_file()


def test_no_reference_line_in_the_release(release):
    """Is no line of any reference solution region (nor a marker, a grader formula, the
    solutions) anywhere in the release folder, its zip or the installed package?"""
    built, target = release
    assert len(reference_lines(REPO)) > 30
    assert find_leaks(built.folder, REPO) == []
    assert find_leaks(built.zip_path, REPO) == []
    assert find_leaks(target / "tp_ae", REPO) == []


def test_leak_search_finds_a_planted_answer(tmp_path):
    """Does the leak search find a reference line hidden in a notebook inside a zip?"""
    line = next(iter(reference_lines(REPO)))
    notebook = {"cells": [{"cell_type": "code", "source": [f"    {line}\n"]}]}
    with zipfile.ZipFile(tmp_path / "inner.zip", "w") as archive:
        archive.writestr("x/part.ipynb", json.dumps(notebook))
    leaks = find_leaks(tmp_path, REPO)
    assert len(leaks) == 1 and "inner.zip!x/part.ipynb" in leaks[0]


def test_hidden_question_is_left_out_and_points_flow_into_the_handout(tmp_path):
    """Does a question the course hides vanish from the release, and do the course's points
    reach the handout's titles and table?"""
    config = config_from_mapping(
        {"questions": {"kl_divergence": {"points": 4}, "sample_images": {"visibility": "hidden"}}}
    )
    built = build_release(tmp_path / "rel", config, address="https://example.org/tp-ae.zip")
    data = built.folder / "tp_ae" / "selfcheck" / "data"
    assert not (data / "sample_images.npz").exists()
    assert "sample_images" not in json.loads((data / "checks.json").read_text())["questions"]
    handout = (built.folder / "exercises" / "README.md").read_text(encoding="utf-8")
    assert "### Question 2.2 · `kl_divergence` (4 points)" in handout
    assert "| 2.8 `sample_images` | 2 | no: graded after hand-in |" in handout
    assert 'pip install "https://example.org/tp-ae.zip"' in handout
    assert "pip install -e ." not in handout and "For instructors" not in handout
    notebook = json.loads((built.folder / "exercises" / "part2_vae.ipynb").read_text())
    first_code = next(c for c in notebook["cells"] if c["cell_type"] == "code")
    assert "https://example.org/tp-ae.zip" in "".join(first_code["source"])


def _install_address(folder: Path) -> tuple[str, str]:
    """(what the handout's set-up installs, what the first notebook cell installs)."""
    handout = (folder / "exercises" / "README.md").read_text(encoding="utf-8")
    setup = handout.split("## Set-up")[1].split("\n## ")[0]
    notebook = json.loads((folder / "exercises" / "part1_autoencoders.ipynb").read_text())
    cell = "".join(next(c for c in notebook["cells"] if c["cell_type"] == "code")["source"])
    handout_address = setup.split('pip install "')[1].split('"')[0]
    quoted = re.search(r"\"install\", \"-q\", ('[^']*'|\"[^\"]*\")", cell)
    notebook_address = ast.literal_eval(quoted.group(1)) if quoted else None
    return handout_address, notebook_address


@pytest.mark.parametrize(
    ("course", "given", "expected"),
    [
        ({"release": {"url": "git+https://example.org/tp-ae-2027.git"}}, None,
         "git+https://example.org/tp-ae-2027.git"),
        ({}, None, "./rel"),
        ({"release": {"url": "https://example.org/a.zip"}}, "/srv/b.zip", "/srv/b.zip"),
    ],
    ids=["course_url", "path_without_url", "address_option_wins"],
)  # fmt: skip
def test_install_address_from_course_toml_else_the_path(tmp_path, course, given, expected):
    """Do the handout's set-up and the notebooks' first cell install course.toml's
    ``[release] url`` when it is set, else the release folder's path (``--address`` first)?"""
    built = build_release(tmp_path / "rel", config_from_mapping(course), address=given)
    assert _install_address(built.folder) == (expected, expected)


@pytest.mark.slow
def test_self_check_full_marks_and_kl_hint(release, tmp_path):
    """From an empty folder, does the installed release's check give the reference answers
    full marks, and a missing 1/2 in the KL the KL hint (and only the KL loses points)?"""
    built, target = release
    correct = write_reference(tmp_path / "correct")
    wrong = write_reference(tmp_path / "kl_wrong")
    with open(wrong / "part2_vae.py", "a", encoding="utf-8") as handle:
        handle.write(KL_NO_HALF)
    empty = tmp_path / "empty"
    empty.mkdir()
    probe = "import tp_ae, importlib.util as u; print(tp_ae.__file__, u.find_spec('tp_ae.losses'))"
    where = release_python(target, empty, probe)
    assert where.stdout.startswith(str(target)) and where.stdout.split()[-1] == "None"
    text, results = run_check(target, empty, correct, wrong)
    assert "Checked questions: 22 / 21 (including 1 bonus)." in text
    good, bad = results[str(correct)], results[str(wrong)]
    assert good["points_earned"] == 22 and good["points_possible"] == 21
    kl = bad["questions"]["kl_divergence"]
    assert kl["points_earned"] < 3 and "missing factor 1/2" in " ".join(kl["hints"])
    assert bad["points_earned"] == 22 - 3 + kl["points_earned"]


def _agreement_entries():
    """The corpus entries whose code runs harmlessly in one process: wrong answers, integrity
    cases, load errors (the hostile ones end or hang the process: the self-check runs the
    student's own code in the student's own process, by design)."""
    return [
        e
        for e in CORPUS_ENTRIES
        if not e.name.startswith("hostile_") and e.name not in NOT_REPRODUCIBLE
    ]


# Entries on which the release cannot give what the grader gives, and why.
NOT_REPRODUCIBLE = {
    # imports tp_ae.losses.kl_divergence: the grader gives 0 (it calls the reference); the
    # release has no tp_ae.losses, the import fails (a load warning) and the entry's own,
    # earlier and correct kl_divergence is checked
    "integrity_direct_import",
    # KNOWN GAP (issue 13 landed after the release's check data): the grader now judges these
    # correct variants by behaviour (own VAE class trained through train_step/compute_loss, a
    # Sequential MLP); the release still compares layer tables and its own training check, and
    # under-scores them (2.25/3, 2.25/3, 2.625/3). To fix in tp_ae/selfcheck, then remove here.
    "correct_vae_compute_loss",
    "correct_vae_train_step",
    "correct_mlp_sequential",
}


@pytest.mark.slow
def test_self_check_agrees_with_the_grader_on_the_corpus(release, tmp_path):
    """On every non-hostile corpus entry, does the release's check give each visible question
    the points the full grader gives (build_vae/build_conv_vae: 0.2 of the question may differ
    when the entry's own losses are wrong, the one check the release cannot reproduce)?"""
    from grader.grading import grade_submissions

    built, target = release
    entries = _agreement_entries()
    paths = {e.name: build_entry(e, tmp_path) for e in entries}
    questions = {e.name: e.questions for e in entries}
    graded = grade_submissions(paths, default_config(), questions=questions)
    empty = tmp_path / "empty"
    empty.mkdir()
    _, checked = run_check(target, empty, *paths.values())
    disagreements = []
    for entry in entries:
        mine = checked[str(paths[entry.name])]["questions"]
        for qid in entry.questions:
            expected = graded[entry.name].question(qid)
            points = expected.points_earned
            got = mine[qid]["points_earned"] if qid in mine else 0.0
            tolerance = 0.2 * 3 if qid in HEAVY else 1e-6  # the training check: own losses
            if abs(got - points) > 1e-6:
                disagreements.append((entry.name, qid, got, points, tolerance))
    print("release vs grader, differing:", disagreements)
    assert [d for d in disagreements if abs(d[2] - d[3]) > d[4]] == []
