"""grader/gradebook.py and grader/writers.py: gradebook.csv from results in memory, and each
submission's results.json and feedback.md."""

from __future__ import annotations

import csv
import io
import json

from grader.gradebook import write_gradebook
from grader.results import SubmissionResult
from grader.writers import write_submission
from tp_ae.questions import QUESTION_IDS, WRITTEN_IDS

from .test_results import make_result


def test_gradebook_rows_are_sorted_with_the_spec_columns_and_no_temporary_file(tmp_path):
    """Is gradebook.csv written from the results given, columns in the spec's order, rows by
    name, and no temporary file left behind?"""
    results = [make_result("bob", 1.0), make_result("alice", 0.0)]
    path = write_gradebook(tmp_path, results)
    rows = list(csv.reader(io.StringIO(path.read_text())))
    assert rows[0] == ["submission", "score", "max_score", *QUESTION_IDS, *WRITTEN_IDS]
    assert [row[:3] for row in rows[1:]] == [["alice", "20.5", "21"], ["bob", "22", "21"]]
    assert rows[1][3 + QUESTION_IDS.index("kl_divergence")] == "1.5"
    assert rows[1][3 + len(QUESTION_IDS) :] == [""] * len(WRITTEN_IDS)  # not marked yet
    assert [p.name for p in tmp_path.iterdir()] == ["gradebook.csv"]


def test_gradebook_holds_only_the_results_given_not_other_folders(tmp_path):
    """Does a folder left in OUT by someone else (a forged results.json) stay out of the
    gradebook?"""
    (tmp_path / "fake_student").mkdir()
    forged = make_result("fake_student", 1.0).to_gradescope_dict()
    (tmp_path / "fake_student" / "results.json").write_text(json.dumps(forged))
    path = write_gradebook(tmp_path, [make_result("alice", 1.0)])
    assert "fake_student" not in path.read_text()


def test_submission_files_are_results_json_and_feedback(tmp_path):
    """Are results.json (the result inside) and feedback.md written for a submission?"""
    result = make_result("alice", 0.0)
    write_submission(result, tmp_path)
    data = json.loads((tmp_path / "alice" / "results.json").read_text())
    assert SubmissionResult.from_json(data["extra_data"]["result"]) == result
    feedback = (tmp_path / "alice" / "feedback.md").read_text()
    assert "## kl_divergence: 1.5 / 3" in feedback
    assert "- [ ] values (lost 1.5 pt)" in feedback and "hint: missing 1/2" in feedback
