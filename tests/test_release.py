"""The student release (``tp-ae release``): no answer inside, and its self-check, run from the
release installed by ``pip install DIR`` in a fresh venv, from an empty folder, gives what the
grader gives."""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
import sysconfig
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from grader.config import config_from_mapping, default_config
from grader.release.build import build_release
from grader.release.leaks import find_leaks, reference_lines
from tests.grader.corpus_tools import CORPUS_ENTRIES, HEAVY, REPO, build_entry, write_reference

KL_NO_HALF = "\n\ndef kl_divergence(z_mean, z_log_var):\n" + (
    "    return ops.sum(ops.exp(z_log_var) + ops.square(z_mean) - 1.0 - z_log_var, axis=-1)\n"
)


@dataclass(frozen=True)
class Installed:
    """A release as an instructor builds it and a student installs it."""

    folder: Path  # DIR of `tp-ae release --out DIR`
    zip_path: Path  # DIR.zip
    bin: Path  # the fresh venv's scripts folder: python, tp-ae
    site: Path  # the fresh venv's site-packages, where `pip install DIR` put tp_ae


def _outer_dependencies() -> str:
    """This environment's site-packages, one per line: the fresh venv reads its dependencies
    (Keras, TensorFlow, setuptools...) from there as a .pth, so nothing is downloaded. A path
    listed in a .pth is not a site folder: the .pth files there (the repository's editable
    install of tp_ae and grader) are not run."""
    paths = dict.fromkeys(sysconfig.get_paths()[k] for k in ("purelib", "platlib"))
    return "".join(f"{p}\n" for p in paths)


@pytest.fixture(scope="module")
def release(tmp_path_factory) -> Installed:
    """``tp-ae release --out DIR`` on this repository, then ``pip install DIR`` (a normal,
    non-editable install, offline) into a fresh venv that has neither grader nor the
    repository's tp_ae."""
    root = tmp_path_factory.mktemp("release")
    folder = root / "tp-ae-release"
    built = subprocess.run(
        [sys.executable, "-m", "tp_ae.cli", "release", "--out", str(folder)],
        cwd=REPO, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert built.returncode == 0 and "no answer found inside" in built.stdout, built.stderr
    assert built.stdout.rstrip().endswith(f"install it with: pip install ./{folder.name}")
    bin_dir, site = fresh_venv(root / "venv")
    pip_install(bin_dir, folder)
    return Installed(folder, folder.with_suffix(".zip"), bin_dir, site)


def fresh_venv(venv: Path) -> tuple[Path, Path]:
    """A new venv that reads its dependencies from this environment: (scripts, site-packages)."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
    where = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    done = subprocess.run([bin_dir / "python", "-c", where], capture_output=True, text=True)
    site = Path(done.stdout.strip())
    (site / "outer_dependencies.pth").write_text(_outer_dependencies(), encoding="utf-8")
    return bin_dir, site


def pip_install(bin_dir: Path, what: Path) -> None:
    """``pip install WHAT`` with the venv's python: a normal install, nothing downloaded."""
    command = [bin_dir / "python", "-m", "pip", "install", "-q", "--no-index", "--no-deps",
               "--no-build-isolation", str(what)]  # fmt: skip
    done = subprocess.run(
        command, cwd=what.parent, env=student_env(), capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-3000:]


def student_env() -> dict[str, str]:
    """This environment without what would point at the repository or other checks."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "TP_AE_SELFCHECK_DATA")}
    env["TF_CPP_MIN_LOG_LEVEL"] = "3"
    return env


def release_python(release: Installed, cwd: Path, code: str):
    """Run ``code`` with the fresh venv's python, from ``cwd``."""
    command = [release.bin / "python", "-c", code]
    return subprocess.run(
        command, cwd=cwd, env=student_env(), capture_output=True, text=True, timeout=900
    )


def run_check(release: Installed, cwd: Path, *paths: Path) -> tuple[str, dict]:
    """``tp-ae check PATH...`` of the installed release, from ``cwd``: (its output, its JSON)."""
    out = cwd / "results.json"
    command = [release.bin / "tp-ae", "check", *map(str, paths), "--json", str(out)]
    done = subprocess.run(
        command, cwd=cwd, env=student_env(), capture_output=True, text=True, timeout=900
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout, json.loads(out.read_text(encoding="utf-8"))


def test_release_layout(release):
    """Does the release hold the installable package, the exercises and the zip, without the
    reference modules, the solutions or the grader?"""
    built = release
    names = {p.relative_to(built.folder).as_posix() for p in built.folder.rglob("*")}
    assert {"pyproject.toml", "exercises/README.md", "exercises/part2_vae.ipynb"} <= names
    assert "tp_ae/selfcheck/data/checks.json" in names
    for absent in ("tp_ae/losses.py", "tp_ae/vae.py", "tp_ae/autoencoders.py", "tp_ae/train.py"):
        assert absent not in names
    assert not any(n.startswith(("grader", "solutions")) for n in names)
    with zipfile.ZipFile(built.zip_path) as archive:
        assert "tp-ae-release/exercises/part1_autoencoders.py" in archive.namelist()
    assert (built.site / "tp_ae" / "selfcheck" / "data" / "kl_divergence.npz").is_file()


def test_the_zip_installs_like_the_folder(release, tmp_path):
    """Does ``pip install DIR.zip`` (what an LMS hands out) give the same student package, with
    its prepared checks and the ``tp-ae check`` command?"""
    bin_dir, site = fresh_venv(tmp_path / "venv")
    pip_install(bin_dir, release.zip_path)
    assert (site / "tp_ae" / "selfcheck" / "data" / "checks.json").is_file()
    assert not (site / "tp_ae" / "losses.py").exists()
    done = subprocess.run(
        [bin_dir / "tp-ae", "--help"], env=student_env(), capture_output=True, text=True
    )
    commands = set(re.findall(r"^    ([a-z][a-z-]*)(?: |$)", done.stdout, flags=re.M))
    assert done.returncode == 0, done.stderr
    assert commands == {"check", "data", "train-mine"}, done.stdout  # no instructor command


def test_no_reference_line_in_the_release(release):
    """Is no line of any reference solution region (nor a marker, a grader formula, the
    solutions) anywhere in the release folder, its zip or the installed package?"""
    built = release
    assert len(reference_lines(REPO)) > 30
    assert find_leaks(built.folder, REPO) == []
    assert find_leaks(built.zip_path, REPO) == []
    assert find_leaks(built.site / "tp_ae", REPO) == []


# the results of the derivations the written questions ask for (2.1: the Gaussian KL to N(0, I);
# 2.3: the Bernoulli log-likelihood), in the grader's words and the reference's code
DERIVED = ("exp(lv) + mu^2", "mu_k^2", "1/2 sum_k", "(1 - x) log(1 - y)", "ops.exp(z_log_var)")


def test_no_derivation_result_in_the_release(release):
    """Do the release's check names, hints, handout and notebooks leave the derivations of
    questions 2.1 and 2.3 to the student (none of the closed forms anywhere)?"""
    found = []
    for root in (release.folder, release.site / "tp_ae"):
        for path in root.rglob("*"):
            if path.is_file() and path.suffix in (".py", ".json", ".md", ".ipynb", ".txt", ".html"):
                text = path.read_text(encoding="utf-8", errors="replace")
                found += [f"{path.relative_to(root)}: {d}" for d in DERIVED if d in text]
    assert found == [], "\n".join(found)


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
    (code and written) reach the handout's titles and table?"""
    config = config_from_mapping(
        {
            "questions": {
                "kl_divergence": {"points": 4},
                "sample_images": {"visibility": "hidden"},
                "written_2_1": {"points": 3},
            }
        }
    )
    built = build_release(tmp_path / "rel", config, address="https://example.org/tp-ae.zip")
    data = built.folder / "tp_ae" / "selfcheck" / "data"
    assert not (data / "sample_images.npz").exists()
    assert "sample_images" not in json.loads((data / "checks.json").read_text())["questions"]
    handout = (built.folder / "exercises" / "README.md").read_text(encoding="utf-8")
    assert "### Question 2.2 · `kl_divergence` (4 points)" in handout
    assert "| 2.8 `sample_images` | 2 | no: graded after hand-in |" in handout
    assert "### Question 2.1 · The KL term (written, 3 points)" in handout
    assert "| 2.1 `written_2_1` (written) | 3 | no: marked by hand |" in handout
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
def test_installed_release_check_full_marks_and_kl_hint(release, tmp_path):
    """Done-when of issue 12: with `tp-ae release --out DIR` installed by `pip install DIR` in a
    fresh venv, does `tp-ae check`, run from an empty folder, print full marks for the
    reference answers and the KL hint for a KL without its 1/2 (only the KL losing points)?"""
    correct = write_reference(tmp_path / "correct")
    wrong = write_reference(tmp_path / "kl_wrong")
    with open(wrong / "part2_vae.py", "a", encoding="utf-8") as handle:
        handle.write(KL_NO_HALF)
    empty = tmp_path / "empty"
    empty.mkdir()
    probe = (
        "import importlib.util as u, tp_ae; "
        "print(tp_ae.__file__, u.find_spec('tp_ae.losses'), u.find_spec('grader'))"
    )
    where = release_python(release, empty, probe).stdout.split()
    assert where[0].startswith(str(release.site)) and where[1:] == ["None", "None"], where
    text, results = run_check(release, empty, correct, wrong)
    parts = re.split(r"^== (.+)$", text, flags=re.M)  # [before, path, its text, path, ...]
    printed = dict(zip(parts[1::2], parts[2::2], strict=True))
    assert "Checked questions: 22 / 21 (including 1 bonus)." in printed[str(correct)]
    assert "missing factor 1/2" in printed[str(wrong)]
    good, bad = results[str(correct)], results[str(wrong)]
    assert good["points_earned"] == 22 and good["points_possible"] == 21
    kl = bad["questions"]["kl_divergence"]
    assert kl["points_earned"] < 3 and "missing factor 1/2" in " ".join(kl["hints"])
    assert bad["points_earned"] == 22 - 3 + kl["points_earned"]


def _agreement_entries():
    """The corpus entries whose code runs harmlessly in one process: wrong answers, integrity
    cases, load errors (the hostile ones end or hang the process: the self-check runs the
    student's own code in the student's own process, by design)."""
    return [e for e in CORPUS_ENTRIES if not e.name.startswith("hostile_")]


def _hints(checked: dict, path: Path, qid: str) -> str:
    """The release's hints for one question of one submission, lower case, in one text."""
    return " | ".join(checked[str(path)]["questions"][qid]["hints"]).lower()


@pytest.mark.slow
def test_self_check_agrees_with_the_grader_on_the_corpus(release, tmp_path):
    """On every non-hostile corpus entry, does the release's check give each visible question
    the points the full grader gives (build_vae/build_conv_vae: 0.2 of the question may differ
    when the entry's own losses are wrong, the one check the release cannot reproduce), each
    wrong answer the hint the grader gives it, and no correct variant a hint?"""
    from grader.grading import grade_submissions

    entries = _agreement_entries()
    paths = {e.name: build_entry(e, tmp_path) for e in entries}
    questions = {e.name: e.questions for e in entries}
    graded = grade_submissions(paths, default_config(), questions=questions)
    empty = tmp_path / "empty"
    empty.mkdir()
    _, checked = run_check(release, empty, *paths.values())
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
    # each wrong answer gets the hint its corpus header promises, as from the grader
    unhinted = [
        (entry.name, entry.hint)
        for entry in entries
        if entry.wrong_answer
        and entry.hint.strip().lower() not in _hints(checked, paths[entry.name], entry.breaks[0])
    ]
    assert unhinted == []
    # the correct variants (any model class, Sequential, Lambda sampler...): no hint either
    hinted = [
        (entry.name, qid, hints)
        for entry in entries
        if entry.name.startswith("correct_")
        for qid, q in checked[str(paths[entry.name])]["questions"].items()
        if (hints := q["hints"])
    ]
    assert hinted == []
