"""grader/report.py: the class report (report.html and its PNGs) from a graded batch."""

from __future__ import annotations

import base64
import csv
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from grader.config import DEFAULT_POINTS, QUESTION_IDS
from grader.report import FIGURES_DIR, common_hints, flagged_groups, read_results, write_report
from tp_ae.errors import TpAeError

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
FULL = {q: float(DEFAULT_POINTS[q]) for q in QUESTION_IDS}
HALF = "the factor 1/2 is missing: got "


def _submission(out: Path, name: str, points: dict[str, float], **extra) -> list[object]:
    """Write ``out/name/results.json`` (the grader's format) and return the gradebook row."""
    outputs = extra.pop("outputs", {})
    tests = [
        {
            "name": q,
            "score": points.get(q, 0.0),
            "max_score": 0.0 if q == "build_conv_vae" else FULL[q],  # bonus: extra credit
            "output": outputs.get(q, ""),
            "visibility": "visible",
        }
        for q in QUESTION_IDS
    ]
    data = {
        "score": sum(points.values()),
        "execution_time": extra.get("wall_seconds", 1.0),
        "tests": tests,
        "extra_data": {"load_error": None, "hints": [], "wall_seconds": 1.0, **extra},
    }
    (out / name).mkdir(parents=True)
    (out / name / "results.json").write_text(json.dumps(data), encoding="utf-8")
    return [name, sum(points.values()), 21.0, *(points.get(q, 0.0) for q in QUESTION_IDS)]


def _gradebook(out: Path, rows: list[list[object]]) -> None:
    with (out / "gradebook.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["submission", "score", "max_score", *QUESTION_IDS])
        writer.writerows(rows)


@pytest.fixture(scope="module")
def batch(tmp_path_factory) -> Path:
    """Five graded submissions: two perfect, one with KL mistakes, one slow, one unloadable."""
    out = tmp_path_factory.mktemp("batch") / "graded"
    no_kl = {**FULL, "kl_divergence": 0.0}
    rows = [
        _submission(out, "ana", FULL, wall_seconds=3.0),
        _submission(out, "ben", FULL, wall_seconds=2.0),
        _submission(
            out,
            "cleo",
            no_kl,
            wall_seconds=4.0,
            hints=[HALF + "0.84"],  # the grader lists hints without their question...
            # ...and writes them again in the test's output: still one hint for cleo
            outputs={"kl_divergence": "[FAIL] the factor 1/2\n       hint: " + HALF + "0.84"},
        ),
        _submission(
            out,
            "dov",
            {**no_kl, "add_noise": 1.0},
            wall_seconds=97.5,
            outputs={
                "kl_divergence": "Hint: " + HALF + "1.5",  # the same hint, other numbers
                "add_noise": "**Hint:** clip to [0, 1] <script>alert(1)</script>",
            },
        ),
        _submission(
            out,
            "eve",
            {},
            wall_seconds=0.5,
            load_error="part2_vae.py: syntax error at line 3: invalid syntax",
        ),
    ]
    _gradebook(out, rows)
    return out


@pytest.fixture(scope="module")
def page(batch) -> str:
    """The report of ``batch``, written once for the tests that only read it."""
    return write_report(batch).read_text(encoding="utf-8")


def test_report_is_self_contained_with_its_pngs(batch, page):
    """Is every figure a PNG file under report_figures/ and embedded byte for byte in the HTML?"""
    pngs = sorted((batch / FIGURES_DIR).glob("*.png"))
    names = {p.stem for p in pngs}
    assert {"scores", "question_means", "question_histograms", "hints", "times"} <= names
    embedded = re.findall(r'src="data:image/png;base64,([^"]+)"', page)
    assert len(embedded) == len(pngs)
    decoded = {base64.b64decode(e) for e in embedded}
    assert decoded == {p.read_bytes() for p in pngs}
    assert all(p.read_bytes().startswith(PNG_MAGIC) for p in pngs)
    assert not re.search(r'(src|href)="(?!data:)', page)  # nothing fetched from elsewhere


def test_hints_counted_once_per_submission_across_numbers(batch):
    """Are "got 0.84" and "got 1.5" one hint given to 2 submissions, cleo's duplicate once?"""
    hints = common_hints(read_results(batch).submissions)
    assert hints[0][:2] == (2, "kl_divergence")
    assert "factor 1/2" in hints[0][2]
    assert sum(n for n, _, _ in hints) == 3  # + dov's add_noise hint


def test_report_lists_load_failures_slowest_and_escapes_student_text(page):
    """Does the page name the unloadable submission, put the slowest first, escape HTML?"""
    failed = page.split("Failed to load (1)")[1].split("<h2>")[0]
    assert "eve" in failed and "syntax error at line 3" in failed
    slowest = page.split("Slowest submissions")[1]
    assert slowest.index("dov") < slowest.index("cleo") < slowest.index("ana")
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)" in page


def test_question_table_shows_means_from_the_gradebook(page):
    """Is kl_divergence's mean (3 + 3 + 0 + 0 + 0) / 5 = 1.20 and 40% in the table?"""
    row = re.search(r"<tr><td>kl_divergence</td>(.*?)</tr>", page, re.S)
    assert row is not None
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", row.group(1))
    assert cells[:3] == ["3", "1.20", "40%"]
    bonus = re.search(r"<tr><td>build_conv_vae</td>(.*?)</tr>", page, re.S)
    assert bonus is not None and re.findall(r">([^<]*)</td>", bonus.group(1))[0] == "1"


def test_flagged_similarity_pairs_are_shown_when_computed(tmp_path):
    """With a similarity.csv beside the gradebook, are its flagged pairs in the report?"""
    batch = tmp_path / "graded"
    _gradebook(batch, [_submission(batch, "ana", FULL), _submission(batch, "ben", FULL)])
    (batch / "similarity.csv").write_text(
        "question,submission_a,submission_b,score,tokens_a,tokens_b,flagged\n"
        "kl_divergence,ana,ben,1.0,50,50,yes\n"
        "kl_divergence,ana,cleo,0.2,50,40,no\n",
        encoding="utf-8",
    )
    page = write_report(batch).read_text(encoding="utf-8")
    assert "Similar code (1 flagged pairs)" in page
    assert "similarity.csv scores 2 pairs" in page
    assert "<td>ana, ben</td>" in page


def test_flagged_pairs_group_into_connected_sets_per_question():
    """Do a~b, b~c make one KL group of 3 (lowest score kept), apart from other questions?"""

    def row(q, a, b, score):
        return {"question": q, "submission_a": a, "submission_b": b, "score": score}

    groups = flagged_groups(
        [
            row("kl_divergence", "a", "b", "1.0"),
            row("kl_divergence", "b", "c", "0.93"),
            row("kl_divergence", "d", "<reference>", "0.97"),
            row("add_noise", "a", "b", "1.0"),
        ]
    )
    assert groups == [
        ("kl_divergence", ["a", "b", "c"], 0.93),
        ("add_noise", ["a", "b"], 1.0),
        ("kl_divergence", ["d", "<reference>"], 0.97),
    ]


def test_grader_errors_are_listed_with_load_failures(tmp_path):
    """Is a submission the grader failed on listed, with what to do, beside load failures?"""
    batch = tmp_path / "graded"
    status = {q: "graded" for q in QUESTION_IDS} | {"build_vae": "grader_error"}
    _gradebook(batch, [_submission(batch, "fay", FULL, status=status)])
    page = write_report(batch).read_text(encoding="utf-8")
    failed = page.split("Failed to load (1)")[1].split("<h2>")[0]
    assert "fay" in failed and "grader error on build_vae" in failed and "--force" in failed


def test_no_gradebook_is_a_one_line_error(tmp_path):
    """Is a folder without gradebook.csv a TpAeError that says to run tp-ae grade?"""
    with pytest.raises(TpAeError, match="tp-ae grade"):
        write_report(tmp_path)


def test_report_does_not_import_tensorflow(tmp_path):
    """Does writing the report leave TensorFlow and Keras unimported?"""
    batch = tmp_path / "graded"
    _gradebook(batch, [_submission(batch, "ana", FULL)])
    code = (
        "import sys; from grader.report import write_report; "
        f"write_report({str(batch)!r}); "
        "print('tensorflow' in sys.modules, 'keras' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "False"]
