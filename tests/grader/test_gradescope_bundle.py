"""grader/gradescope.py and ``tp-ae gradescope-bundle``: the zip, and the run inside Gradescope.

The slow tests unpack the zip on a temporary AUTOGRADER_ROOT (``source/`` the zip, ``submission/``
the student's files, ``results/`` the output) and run its ``run_autograder`` with the python3 of
this environment first on PATH, as Gradescope would with the one setup.sh installed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from importlib import metadata
from pathlib import Path

import pytest

from grader.config import DEFAULT_POINTS, QUESTION_IDS, config_from_mapping, default_config
from grader.gradescope import (
    FAILED_DETAILS_TEST,
    FAILED_TEST,
    SANDBOX_USER_ENV,
    build_bundle,
    pinned_requirements,
    to_gradescope,
)
from tp_ae.cli import main as cli_main
from tp_ae.errors import TpAeError

PROJECT = Path(__file__).resolve().parents[2]
SOLUTIONS = PROJECT / "solutions"
COURSE_TOML = """\
# a course that hides KL until the due date is past and the bonus until grades are published
[questions.kl_divergence]
points = 4
visibility = "after_due_date"

[questions.build_conv_vae]
visibility = "after_published"

[questions.vae_loss]
visibility = "hidden"
"""
VISIBILITY = {
    **{q: "visible" for q in QUESTION_IDS},
    "kl_divergence": "after_due_date",
    "build_conv_vae": "after_published",
    "vae_loss": "hidden",
}
GRADING_TIMEOUT = 300  # seconds for one run_autograder (the full solutions import TensorFlow)
# add_noise that is right only when it does not run as root
ADD_NOISE_UNLESS_ROOT = """
import os
import numpy as np


def add_noise(x, sigma=20 / 255, seed=None):
    x = np.asarray(x, dtype=np.float32)
    if os.geteuid() == 0:  # still root: no noise, wrong on purpose
        return x
    noise = sigma * np.random.default_rng(seed).standard_normal(x.shape)
    return np.clip(x + noise, 0.0, 1.0).astype(np.float32)
"""


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    """The zip with the default course settings."""
    return build_bundle(tmp_path_factory.mktemp("bundle") / "autograder.zip")


@pytest.fixture(scope="module")
def course_bundle(tmp_path_factory) -> Path:
    """The zip built with COURSE_TOML."""
    folder = tmp_path_factory.mktemp("course")
    (folder / "course.toml").write_text(COURSE_TOML, encoding="utf-8")
    return build_bundle(folder / "autograder.zip", folder / "course.toml")


def _autograder_root(tmp_path: Path, bundle: Path, files: dict[str, str | Path]) -> Path:
    """A Gradescope-like root: source/ = the unpacked zip, submission/ = ``files``."""
    root = tmp_path / "autograder"
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(root / "source")
        for info in archive.infolist():  # zipfile drops the permission bits; Gradescope does not
            os.chmod(root / "source" / info.filename, (info.external_attr >> 16) & 0o777)
    submission = root / "submission"
    submission.mkdir()
    for name, content in files.items():
        if isinstance(content, Path):
            shutil.copy(content, submission / name)
        else:
            (submission / name).write_text(content, encoding="utf-8")
    return root


def _run_autograder(root: Path, path_first: Path | None = None, user: str = "") -> dict:
    """Run ``source/run_autograder`` as Gradescope does; return the results.json it wrote.

    ``user``: the sandbox user for student code ("" for none: code runs as whoever runs this).
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    first = path_first or Path(sys.executable).parent  # this environment's python3
    env.update(AUTOGRADER_ROOT=str(root), PATH=f"{first}{os.pathsep}{env.get('PATH', '')}")
    env[SANDBOX_USER_ENV] = user or "no-such-user-tp-ae"
    done = subprocess.run(
        ["bash", str(root / "source" / "run_autograder")],
        env=env,
        cwd=root,
        capture_output=True,
        text=True,
        timeout=GRADING_TIMEOUT,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))


def _tests(results: dict) -> dict[str, dict]:
    return {t["name"]: t for t in results["tests"]}


# ---------------------------------------------------------------- the zip


def test_zip_holds_gradescope_entry_points_and_only_what_grading_needs(bundle):
    """Are setup.sh and run_autograder at the root (executable), with no answers or tests?"""
    with zipfile.ZipFile(bundle) as archive:
        infos = {i.filename: i for i in archive.infolist()}
    for script in ("setup.sh", "run_autograder"):
        assert (infos[script].external_attr >> 16) & 0o111 == 0o111
    for needed in ("requirements.txt", "course.toml", "pyproject.toml", "tp_ae/__init__.py"):
        assert needed in infos
    assert "grader/gradescope.py" in infos and "grader/config.py" in infos
    tops = {name.split("/")[0] for name in infos}
    assert not tops & {"solutions", "exercises", "tests", ".git", ".helpers", ".ci", "data"}
    assert not [n for n in infos if "__pycache__" in n or n.endswith(".pyc")]


def test_same_sources_give_the_same_zip(tmp_path, bundle):
    """Is the zip byte-for-byte reproducible (fixed timestamps, sorted names)?"""
    again = build_bundle(tmp_path / "again.zip")
    assert again.read_bytes() == bundle.read_bytes()


def test_requirements_pin_the_versions_installed_here():
    """Does requirements.txt pin tensorflow, keras, numpy... to exactly the installed versions?"""
    pins = dict(line.split("==") for line in pinned_requirements())
    for package in ("tensorflow", "keras", "numpy", "matplotlib", "nbformat", "mlxtend"):
        assert pins[package] == metadata.version(package)
    assert "pytest" not in pins and "ruff" not in pins  # dev tools do not go to Gradescope


def test_given_config_is_shipped_verbatim(course_bundle):
    """Is the instructor's course.toml in the zip as written (comments included)?"""
    with zipfile.ZipFile(course_bundle) as archive:
        assert archive.read("course.toml").decode() == COURSE_TOML


def test_default_config_written_out_reads_back_as_the_defaults(bundle):
    """Does the course.toml shipped without --config load to the TP's default settings?"""
    from grader.config import _toml_module

    with zipfile.ZipFile(bundle) as archive:
        text = archive.read("course.toml").decode()
    assert config_from_mapping(_toml_module().loads(text)) == default_config()


def test_bad_config_is_a_one_line_error_and_no_zip(tmp_path, capsys):
    """Does an unknown question id stop the command with one line naming it, writing nothing?"""
    bad = tmp_path / "course.toml"
    bad.write_text("[questions.kl_divergense]\npoints = 2\n", encoding="utf-8")
    out = tmp_path / "autograder.zip"
    assert cli_main(["gradescope-bundle", "--config", str(bad), "--out", str(out)]) == 1
    err = capsys.readouterr().err.strip()
    assert "kl_divergense" in err and len(err.splitlines()) == 1
    assert not out.exists()
    with pytest.raises(TpAeError):
        build_bundle(out, bad)


def test_command_writes_the_zip_and_says_what_is_hidden(tmp_path, capsys):
    """Does ``tp-ae gradescope-bundle --config`` write the zip and list hidden questions?"""
    config = tmp_path / "course.toml"
    config.write_text(COURSE_TOML, encoding="utf-8")
    out = tmp_path / "autograder.zip"
    assert cli_main(["gradescope-bundle", "--config", str(config), "--out", str(out)]) == 0
    assert zipfile.is_zipfile(out)
    printed = capsys.readouterr().out
    assert "kl_divergence (after_due_date)" in printed and "vae_loss (hidden)" in printed


def test_scripts_are_valid_bash(tmp_path, bundle):
    """Do setup.sh and run_autograder parse as bash (bash -n)?"""
    with zipfile.ZipFile(bundle) as archive:
        for script in ("setup.sh", "run_autograder"):
            path = tmp_path / script
            path.write_bytes(archive.read(script))
            subprocess.run(["bash", "-n", str(path)], check=True)


# ---------------------------------------------------------------- results whatever happens


def test_results_written_when_python_itself_is_broken(tmp_path, bundle):
    """With a python3 that dies at once, is there still a valid results.json saying so?"""
    root = _autograder_root(tmp_path, bundle, {"part2_vae.py": "x = 1\n"})
    broken = tmp_path / "broken-bin"
    broken.mkdir()
    (broken / "python3").write_text("#!/bin/sh\nexit 3\n", encoding="utf-8")
    (broken / "python3").chmod(0o755)
    results = _run_autograder(root, path_first=broken)
    assert results["score"] == 0
    failed = _tests(results)[FAILED_TEST]
    assert failed["visibility"] == "visible" and "instructor" in failed["output"]


def test_results_written_when_there_is_no_submission(tmp_path, bundle):
    """With no submission folder at all, is the failure visible and its details hidden?"""
    root = _autograder_root(tmp_path, bundle, {})
    shutil.rmtree(root / "submission")
    results = _run_autograder(root)
    tests = _tests(results)
    assert results["score"] == 0 and tests[FAILED_TEST]["max_score"] == 21
    assert tests[FAILED_DETAILS_TEST]["visibility"] == "hidden"
    assert "no submission folder" in tests[FAILED_DETAILS_TEST]["output"]


def test_to_gradescope_applies_course_visibility():
    """Do tests take course.toml's visibility, the log go hidden, and hidden hints drop out?"""
    from grader.config import _toml_module

    config = config_from_mapping(_toml_module().loads(COURSE_TOML))
    ids = QUESTION_IDS
    tests = [{"name": q, "score": 0.0, "max_score": 1.0, "visibility": "visible"} for q in ids]
    tests[0]["score"] = 1.0  # build_mlp_autoencoder, shown
    tests[3]["score"] = 1.0  # kl_divergence, hidden until the due date
    graded = {
        "score": 5.0,
        "output": "Score: 5 / 8\nCould not load: nothing",
        "tests": tests,
        "extra_data": {"hints": [{"question": "vae_loss", "hint": "x"}, "a plain hint"]},
    }
    out = to_gradescope(graded, config)
    assert {t["name"]: t["visibility"] for t in out["tests"]} == VISIBILITY
    assert out["stdout_visibility"] == "hidden" and out["score"] == 5.0
    assert "Score: 5" not in out["output"] and "Could not load: nothing" in out["output"]
    assert out["output"].startswith("Score on the questions shown: 1 / 6.")  # 6 tests shown
    assert "3 question(s) are graded but hidden" in out["output"]
    assert out["extra_data"]["hints"] == ["a plain hint"]
    passed = [t["name"] for t in out["tests"] if t["status"] == "passed"]
    assert passed == ["build_mlp_autoencoder", "kl_divergence"]


def test_status_passes_full_answers_and_earned_bonus_only():
    """Is a bonus (max_score 0) passed only when it earned points, a question only when full?"""
    tests = [
        {"name": "kl_divergence", "score": 3.0, "max_score": 3.0},
        {"name": "vae_loss", "score": 1.0, "max_score": 2.0},
        {"name": "build_conv_vae", "score": 0.0, "max_score": 0.0},
        {"name": "sample_images", "score": 0.5, "max_score": 0.0},
    ]
    out = to_gradescope({"tests": tests}, default_config())
    status = {t["name"]: t["status"] for t in out["tests"]}
    assert status == {
        "kl_divergence": "passed",
        "vae_loss": "failed",
        "build_conv_vae": "failed",
        "sample_images": "passed",
    }
    assert out["score"] == 4.5  # no score given: the sum of the tests'
    assert "output" not in out  # nothing hidden, nothing to warn about


# ---------------------------------------------------------------- real grading


@pytest.mark.slow
def test_solutions_get_full_marks_with_the_configured_visibility(tmp_path, course_bundle):
    """Do solutions/ score every point (bonus included) with course.toml's visibility per test?"""
    files = {p.name: p for p in sorted(SOLUTIONS.glob("part*.py"))}
    assert set(files) == {"part1_autoencoders.py", "part2_vae.py"}
    results = _run_autograder(_autograder_root(tmp_path, course_bundle, files))
    tests = _tests(results)
    points = {**DEFAULT_POINTS, "kl_divergence": 4}
    assert {q: tests[q]["score"] for q in QUESTION_IDS} == {q: float(points[q]) for q in points}
    assert results["score"] == sum(points.values())  # 21 + 1 (KL's 4th point) + 1 bonus
    assert {q: tests[q]["visibility"] for q in QUESTION_IDS} == VISIBILITY
    assert FAILED_TEST not in tests
    assert results["stdout_visibility"] == "hidden"


@pytest.mark.slow
def test_syntax_errors_give_valid_results_with_zero(tmp_path, bundle):
    """Do two files that do not parse give a results.json of zeros naming the error, not a crash?"""
    broken = "def kl_divergence(z_mean, z_log_var)\n    return 0\n"
    files = {"part1_autoencoders.py": "import keras\ndef add_noise(x:\n", "part2_vae.py": broken}
    results = _run_autograder(_autograder_root(tmp_path, bundle, files))
    tests = _tests(results)
    assert results["score"] == 0
    assert [t for t in QUESTION_IDS if tests[t]["score"] != 0] == []
    assert FAILED_TEST not in tests
    assert "syntax error" in (results["extra_data"]["load_error"] or "").lower()
    assert all(tests[q]["visibility"] == "visible" for q in QUESTION_IDS)


@pytest.mark.slow
@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0, reason="only root can switch users"
)
def test_student_code_runs_as_the_sandbox_user(tmp_path, bundle):
    """Run as root with a sandbox user, does the student's add_noise see a non-root uid?"""
    import pwd

    try:
        user = pwd.getpwuid(65534).pw_name  # nobody: no login, owns no files
    except KeyError:
        pytest.skip("no user 'nobody' (uid 65534) on this machine")
    files = {"part1_autoencoders.py": ADD_NOISE_UNLESS_ROOT}
    results = _run_autograder(_autograder_root(tmp_path, bundle, files), user=user)
    assert _tests(results)["add_noise"]["score"] == DEFAULT_POINTS["add_noise"]
