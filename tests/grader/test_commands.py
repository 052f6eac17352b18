"""The grader's commands, as users run them: ``tp-ae grade`` / ``python -m grader`` on a batch
(files, a notebook, a zip), re-runs that skip what is graded, and ``tp-ae check`` for a student;
the parent process never imports TensorFlow."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import nbformat
import pytest

from grader.config import QUESTION_IDS
from grader.results import SubmissionResult
from tests.conftest import cli_env

from .corpus_tools import REPO

KL = (
    "from keras import ops\n\n\n"
    "def kl_divergence(z_mean, z_log_var):\n"
    "    return 0.5 * ops.sum(ops.exp(z_log_var) + ops.square(z_mean) - 1.0 - z_log_var, axis=-1)\n"
)
NOISE = (
    "import numpy as np\n\n\n"
    "def add_noise(x, sigma=20 / 255, seed=None):\n"
    "    return np.clip(x + sigma**2 * np.random.default_rng(seed).standard_normal(np.shape(x)),"
    " 0, 1).astype(np.float32)\n"
)


def run(*args: str, cwd: Path = REPO, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        list(args), cwd=cwd, capture_output=True, text=True, timeout=timeout, env=cli_env()
    )


@pytest.fixture(scope="module")
def batch(tmp_path_factory) -> Path:
    """A class of three: a .py (right KL), a zip of a folder (add_noise using sigma^2), a
    notebook with a syntax error in one cell and nothing else; and a stray notes.txt."""
    folder = tmp_path_factory.mktemp("class")
    (folder / "notes.txt").write_text("not a submission\n", encoding="utf-8")
    (folder / "alice.py").write_text(KL, encoding="utf-8")
    with zipfile.ZipFile(folder / "bob.zip", "w") as zf:
        zf.writestr("bob/part1_autoencoders.py", NOISE)
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell("def oops(:\n")]
    nbformat.write(notebook, folder / "carol.ipynb")
    return folder


@pytest.fixture(scope="module")
def graded_batch(batch, tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    out = tmp_path_factory.mktemp("out")
    done = run(sys.executable, "-m", "grader", "--batch", str(batch), "--out", str(out))
    return out, done


@pytest.mark.slow
def test_batch_writes_gradebook_results_and_feedback(graded_batch):
    """Does a batch exit 0 and write one gradebook row, results.json and feedback.md per
    submission, with points where they were earned?"""
    out, done = graded_batch
    assert done.returncode == 0, done.stderr
    with (out / "gradebook.csv").open(encoding="utf-8") as handle:
        rows = {row["submission"]: row for row in csv.DictReader(handle)}
    assert list(rows) == ["alice", "bob", "carol"]
    assert "not graded: notes.txt (not a .py, .ipynb, .zip or folder)" in done.stdout
    assert rows["alice"]["kl_divergence"] == "3" and rows["alice"]["score"] == "3"
    assert 0 < float(rows["bob"]["add_noise"]) < 2
    assert rows["carol"]["score"] == "0" and rows["carol"]["max_score"] == "21"
    results = json.loads((out / "bob" / "results.json").read_text(encoding="utf-8"))
    assert [t["name"] for t in results["tests"]] == list(QUESTION_IDS)
    hints = SubmissionResult.from_json(results["extra_data"]["result"]).hints()
    assert any(q == "add_noise" and "not sigma^2" in hint for q, hint in hints)
    feedback = (out / "carol" / "feedback.md").read_text(encoding="utf-8")
    assert "cell 1: syntax error" in feedback and "is not defined" in feedback
    assert "3/3" in done.stderr  # the progress bar
    assert (out / "report.html").exists() and (out / "similarity.csv").exists()  # class outputs


@pytest.mark.slow
def test_rerun_reuses_unchanged_submissions_without_starting_tensorflow(batch, graded_batch):
    """Does a second run reuse every unchanged result, in well under TensorFlow's start-up,
    and write the same gradebook?"""
    out, _ = graded_batch
    before = (out / "gradebook.csv").read_text(encoding="utf-8")
    started = time.monotonic()
    done = run("tp-ae", "grade", "--batch", str(batch), "--out", str(out), "--no-report")
    assert done.returncode == 0, done.stderr
    assert "reused 3 result(s) of unchanged submissions" in done.stdout
    assert time.monotonic() - started < 4
    assert (out / "gradebook.csv").read_text(encoding="utf-8") == before


@pytest.mark.slow
def test_rerun_regrades_a_submission_whose_files_changed(batch, graded_batch, tmp_path):
    """Is a submission whose content changed since the last run regraded, under the same
    name, while the others are reused?"""
    out, _ = graded_batch
    changed = tmp_path / "class"
    changed.mkdir()
    for entry in batch.iterdir():
        (changed / entry.name).write_bytes(entry.read_bytes())
    (changed / "alice.py").write_text(KL.replace("0.5 *", "1.0 *"), encoding="utf-8")
    done = run("tp-ae", "grade", "--batch", str(changed), "--out", str(out), "--no-report")
    assert done.returncode == 0, done.stderr
    assert "reused 2 result(s)" in done.stdout
    with (out / "gradebook.csv").open(encoding="utf-8") as handle:
        rows = {row["submission"]: row for row in csv.DictReader(handle)}
    assert float(rows["alice"]["kl_divergence"]) < 3


def test_grade_errors_are_one_line_with_exit_1(tmp_path):
    """Are a missing submission and a bad config one-line errors with exit status 1?"""
    done = run("tp-ae", "grade", str(tmp_path / "nope.py"), "--out", str(tmp_path / "o"))
    assert done.returncode == 1 and done.stderr.strip().count("\n") == 0
    assert "nope.py: no such file or folder" in done.stderr
    config = tmp_path / "course.toml"
    config.write_text("[questions.kl]\npoints = 1\n", encoding="utf-8")
    done = run(
        "tp-ae", "grade", str(tmp_path), "--out", str(tmp_path / "o"), "--config", str(config)
    )
    assert done.returncode == 1 and "unknown question id 'kl'" in done.stderr


CHECK_SCRIPT = """
import sys
from tp_ae.cli import main
status = main(["check", sys.argv[1], "--config", sys.argv[2]])
assert "tensorflow" not in sys.modules and "keras" not in sys.modules, "TF in the parent"
sys.exit(status)
"""


@pytest.mark.slow
def test_check_prints_feedback_says_what_is_hidden_and_keeps_tensorflow_out(tmp_path):
    """Does `tp-ae check` on one part print the feedback, say which questions the course hides
    and which part was not given, without importing TensorFlow in its own process?"""
    config = tmp_path / "course.toml"
    config.write_text('[questions.add_noise]\nvisibility = "after_due_date"\n', encoding="utf-8")
    stub = REPO / "exercises" / "part1_autoencoders.py"
    done = run(sys.executable, "-c", CHECK_SCRIPT, str(stub), str(config))
    assert done.returncode == 0, done.stderr
    assert "build_mlp_autoencoder still raises NotImplementedError" in done.stdout
    assert "hidden by the course settings and were not checked here: add_noise" in done.stdout
    assert "Not checked: part2_vae" in done.stdout
    assert done.stdout.count("Score: ") == 1  # one score line, saying what it covers
    assert "on the questions checked here: 0 / 6" in done.stdout
    assert "part2_vae is not in what was given (not handed in)" in done.stdout


@pytest.mark.slow
def test_written_answers_get_review_pages_and_merged_marks(tmp_path):
    """Does grading write a review page and a marks sheet for the written questions, keep
    their columns empty until `--written` merges the filled sheet, then count the marks?"""
    dana = tmp_path / "class" / "dana"
    dana.mkdir(parents=True)
    (dana / "part2_vae.py").write_text(KL, encoding="utf-8")
    (dana / "answers.md").write_text(
        "## written_2_1\n\nKL = 1/2 sum (exp(lv) + mu^2 - 1 - lv), from the Gaussian KL.\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    done = run("tp-ae", "grade", str(dana), "--out", str(out))
    assert done.returncode == 0, done.stderr
    page = (out / "written" / "written_2_1.html").read_text(encoding="utf-8")
    assert "from the Gaussian KL" in page
    with (out / "gradebook.csv").open(encoding="utf-8") as handle:
        (row,) = csv.DictReader(handle)
    assert row["written_2_1"] == "" and row["score"] == "3" and row["max_score"] == "21"
    sheet = (out / "written" / "written_marks.csv").read_text(encoding="utf-8")
    assert "dana,written_2_1,," in sheet and "dana,written_1_3,0,no answer found" in sheet
    (out / "written" / "written_marks.csv").write_text(
        sheet.replace("dana,written_2_1,,", "dana,written_2_1,1.5,right but no derivation"),
        encoding="utf-8",
    )
    done = run(
        "tp-ae", "grade", str(dana), "--out", str(out), "--written",
        str(out / "written" / "written_marks.csv"),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    with (out / "gradebook.csv").open(encoding="utf-8") as handle:
        (row,) = csv.DictReader(handle)
    assert row["written_2_1"] == "1.5" and row["written_1_3"] == "0"
    assert row["score"] == "4.5"
    feedback = (out / "dana" / "feedback.md").read_text(encoding="utf-8")
    assert "right but no derivation" in feedback
    bad = tmp_path / "bad.csv"
    bad.write_text("submission,question,points,comment\ndana,written_2_1,9,x\n", encoding="utf-8")
    done = run("tp-ae", "grade", str(dana), "--out", str(out), "--written", str(bad))
    assert done.returncode == 1 and "give a number from 0 to 2" in done.stderr
