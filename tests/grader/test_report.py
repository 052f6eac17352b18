"""grader/report/: the class report (report.html and its PNGs) from a batch's results."""

from __future__ import annotations

import base64
import re
import subprocess
import sys
from pathlib import Path

import pytest

from grader.batch import REPORT_FIGURES
from grader.config import default_config
from grader.report import common_hints, flagged_groups, write_report
from grader.report.summary import class_results
from grader.results import CheckResult, QuestionResult, Status, SubmissionResult
from tp_ae.questions import QUESTION_IDS

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
CONFIG = default_config()
FULL = {q: CONFIG[q].points_possible for q in QUESTION_IDS}
HALF = "the factor 1/2 is missing: got "


def _result(name: str, points: dict[str, float], **kw) -> SubmissionResult:
    """A result earning ``points`` per question, with ``hints`` (question -> hint texts),
    ``statuses`` (question -> Status) and the SubmissionResult fields in ``kw``."""
    hints, statuses = kw.pop("hints", {}), kw.pop("statuses", {})
    questions = []
    for q in QUESTION_IDS:
        full = CONFIG[q].points_possible
        fraction = points.get(q, 0.0) / full if full else 0.0
        checks = [CheckResult("values", 1.0, fraction, "got x, expected y" if fraction < 1 else "")]
        checks += [
            CheckResult(f"hint {i}", 0.0, 0.0, "", h) for i, h in enumerate(hints.get(q, []))
        ]
        questions.append(
            QuestionResult(
                q, full, CONFIG[q].bonus, "visible", statuses.get(q, Status.GRADED), checks
            )
        )
    return SubmissionResult(name, f"/class/{name}", questions, **kw)


@pytest.fixture(scope="module")
def results() -> list[SubmissionResult]:
    """Five graded submissions: two perfect, two with KL mistakes, one slow, one unloadable."""
    no_kl = {**FULL, "kl_divergence": 0.0}
    return [
        _result("ana", FULL, wall_seconds=3.0),
        _result("ben", FULL, wall_seconds=2.0),
        _result("cleo", no_kl, wall_seconds=4.0, hints={"kl_divergence": [HALF + "0.84"]}),
        _result(
            "dov",
            {**no_kl, "add_noise": 1.0},
            wall_seconds=97.5,
            hints={
                "kl_divergence": [HALF + "1.5"],  # the same hint, other numbers
                "add_noise": ["clip to [0, 1] <script>alert(1)</script>"],
            },
        ),
        _result(
            "eve",
            {},
            wall_seconds=0.5,
            load_error="part2_vae.py: syntax error at line 3: invalid syntax",
        ),
    ]


@pytest.fixture(scope="module")
def batch(tmp_path_factory, results) -> Path:
    """The output folder the report of ``results`` is written to."""
    out = tmp_path_factory.mktemp("batch") / "graded"
    write_report(out, results)
    return out


@pytest.fixture(scope="module")
def page(batch) -> str:
    """The report of ``results``, written once for the tests that only read it."""
    return (batch / "report.html").read_text(encoding="utf-8")


def test_report_is_self_contained_with_its_pngs(batch, page):
    """Is every figure a PNG file under report_figures/ and embedded byte for byte in the HTML?"""
    pngs = sorted((batch / REPORT_FIGURES).glob("*.png"))
    names = {p.stem for p in pngs}
    assert {"scores", "question_means", "question_histograms", "hints", "times"} <= names
    embedded = re.findall(r'src="data:image/png;base64,([^"]+)"', page)
    assert len(embedded) == len(pngs)
    decoded = {base64.b64decode(e) for e in embedded}
    assert decoded == {p.read_bytes() for p in pngs}
    assert all(p.read_bytes().startswith(PNG_MAGIC) for p in pngs)
    assert not re.search(r'(src|href)="(?!data:)', page)  # nothing fetched from elsewhere


def test_hints_counted_once_per_submission_across_numbers(results):
    """Are "got 0.84" and "got 1.5" one hint given to 2 submissions?"""
    hints = common_hints(class_results(results).submissions)
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


def test_question_table_shows_means_of_the_class(page):
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
    batch.mkdir()
    (batch / "similarity.csv").write_text(
        "question,submission_a,submission_b,score,tokens_a,tokens_b,flagged\n"
        "kl_divergence,ana,ben,1.0,50,50,yes\n"
        "kl_divergence,ana,cleo,0.2,50,40,no\n",
        encoding="utf-8",
    )
    page = write_report(batch, [_result("ana", FULL), _result("ben", FULL)]).read_text()
    assert "Similar code (1 flagged pairs)" in page
    assert "similarity.csv scores 2 pairs" in page
    assert "<td>ana, ben</td>" in page


def test_copies_of_the_reference_are_listed_per_question(tmp_path):
    """Are the rows similarity.csv marks copy_of_reference (a short vae_loss that is never
    flagged included) listed per question in the report, and nothing else?"""
    batch = tmp_path / "graded"
    batch.mkdir()
    (batch / "similarity.csv").write_text(
        "question,submission_a,submission_b,score,tokens_a,tokens_b,flagged,copy_of_reference\n"
        "kl_divergence,ana,<reference>,1.0,50,50,yes,yes\n"
        "kl_divergence,ben,<reference>,0.95,48,50,yes,yes\n"
        "vae_loss,cleo,<reference>,1.0,12,12,no,yes\n"
        "vae_loss,ana,<reference>,0.4,15,12,no,no\n"
        "kl_divergence,ana,ben,0.95,50,48,yes,no\n",
        encoding="utf-8",
    )
    subs = [_result(n, FULL) for n in ("ana", "ben", "cleo")]
    page = write_report(batch, subs).read_text(encoding="utf-8")
    section = page.split("Copies of the reference (3)")[1].split("</table>")[0]
    rows = re.findall(r"<tr><td>(\w+)</td><td[^>]*>(\d+)</td><td>([^<]*)</td></tr>", section)
    assert rows == [("kl_divergence", "2", "ana, ben"), ("vae_loss", "1", "cleo")]


def test_no_copy_of_the_reference_is_said(tmp_path):
    """With a similarity.csv whose rows are no copy, does the report say there is none?"""
    (tmp_path / "similarity.csv").write_text(
        "question,submission_a,submission_b,score,tokens_a,tokens_b,flagged,copy_of_reference\n"
        "kl_divergence,ana,<reference>,0.3,50,50,no,no\n",
        encoding="utf-8",
    )
    page = write_report(tmp_path, [_result("ana", FULL)]).read_text(encoding="utf-8")
    assert "Copies of the reference (0)" in page and "No answer is a copy" in page


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
    fay = _result("fay", FULL, statuses={"build_vae": Status.GRADER_ERROR})
    page = write_report(tmp_path, [fay]).read_text(encoding="utf-8")
    failed = page.split("Failed to load (1)")[1].split("<h2>")[0]
    assert "fay" in failed and "grader error on build_vae" in failed and "--force" in failed


def test_report_says_how_student_code_was_isolated(tmp_path):
    """Does the page say which isolation level graded how many submissions?"""
    subs = [_result("ana", FULL, isolation="bubblewrap"), _result("ben", FULL, isolation="uid")]
    page = write_report(tmp_path, subs).read_text(encoding="utf-8")
    assert "isolated by: bubblewrap (1), uid (1)" in page


def test_report_does_not_import_tensorflow(tmp_path):
    """Does writing the report leave TensorFlow and Keras unimported?"""
    code = (
        "import sys; from grader.report import write_report; "
        "from grader.results import SubmissionResult; "
        f"write_report({str(tmp_path)!r}, [SubmissionResult('ana', 'x', [])]); "
        "print('tensorflow' in sys.modules, 'keras' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "False"]
