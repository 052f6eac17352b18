"""grader/written.py: answers collected from notebooks and answers.md, review pages, marks sheet."""

from __future__ import annotations

import csv
import json
import shutil
import zipfile
from pathlib import Path

import pytest

from grader.config import config_from_mapping, default_config
from grader.submission import SubmissionError
from grader.written import (
    DEFAULT_RUBRICS,
    MARKS_FILE,
    NO_ANSWER,
    PLACEHOLDERS,
    WrittenConfig,
    WrittenQuestionConfig,
    default_written_config,
    read_marks,
    write_review,
    written_answers,
)
from tp_ae.errors import TpAeError
from tp_ae.exercises.answers import PLACEHOLDER, SOLUTION_NOTE
from tp_ae.questions import PART1, PART2, WRITTEN_IDS, in_part

ROOT = Path(__file__).resolve().parents[2]
EXERCISES = ROOT / "exercises"


def fill_notebook(source: Path, target: Path, answers: dict[str, str]) -> Path:
    """A copy of a generated notebook with the placeholder of some answer cells replaced."""
    notebook = json.loads(source.read_text(encoding="utf-8"))
    for cell in notebook["cells"]:
        qid = cell.get("metadata", {}).get("tp_ae", {}).get("answer")
        if qid in answers:
            text = "".join(cell["source"]).replace(PLACEHOLDER, answers[qid])
            cell["source"] = text.splitlines(keepends=True)
    target.write_text(json.dumps(notebook), encoding="utf-8")
    return target


def fill_answers_file(target: Path, answers: dict[str, str]) -> Path:
    """A copy of exercises/answers.md with some sections answered."""
    text = (EXERCISES / "answers.md").read_text(encoding="utf-8")
    sections = text.split("\n## ")
    for i, section in enumerate(sections[1:], start=1):
        qid = section.split()[0]
        if qid in answers:
            sections[i] = section.replace(PLACEHOLDER, answers[qid])
    target.write_text("\n## ".join(sections), encoding="utf-8")
    return target


def test_grader_knows_the_generators_placeholders():
    """Does the grader strip exactly the texts that make-exercises writes in empty answers?"""
    assert set(PLACEHOLDERS) == {PLACEHOLDER, SOLUTION_NOTE}


@pytest.mark.parametrize(
    "path", ["answers.md", "part1_autoencoders.ipynb", "part2_vae.ipynb", "part1_autoencoders.py"]
)
def test_untouched_exercise_files_hold_no_answer(path):
    """Does every generated file, untouched, give an empty answer for every written id?"""
    assert written_answers(EXERCISES / path) == dict.fromkeys(WRITTEN_IDS, "")


def test_notebook_answer_cells_are_read_by_metadata_and_by_heading(tmp_path):
    """Is an answer read from its cell (placeholder and heading dropped), also when an editor
    has lost the cell's metadata but kept the heading naming the id?"""
    first, second = (q.id for q in in_part(PART1, "written"))
    path = fill_notebook(
        EXERCISES / "part1_autoencoders.ipynb",
        tmp_path / "part1_autoencoders.ipynb",
        {first: "Conv wins:\n\n* locality", second: "Noise gone, detail lost."},
    )
    notebook = json.loads(path.read_text(encoding="utf-8"))
    for cell in notebook["cells"]:
        if cell.get("metadata", {}).get("tp_ae", {}).get("answer") == second:
            cell["metadata"] = {}
    path.write_text(json.dumps(notebook), encoding="utf-8")
    got = written_answers(path)
    assert got[first] == "Conv wins:\n\n* locality"
    assert got[second] == "Noise gone, detail lost."
    assert all(got[q] == "" for q in WRITTEN_IDS if q not in (first, second))


def test_a_folder_merges_notebooks_and_answers_file(tmp_path):
    """In a folder, are answers gathered from both notebooks and answers.md, and is an answer
    given in two places kept from both, each labelled with its file?"""
    part1, part2 = in_part(PART1, "written"), in_part(PART2, "written")
    folder = tmp_path / "alice" / "lab"  # wrapped in one more folder, as zips often are
    folder.mkdir(parents=True)
    fill_notebook(
        EXERCISES / "part2_vae.ipynb", folder / "part2_vae.ipynb", {part2[0].id: "KL derived."}
    )
    fill_answers_file(
        folder / "answers.md", {part1[0].id: "From the file.", part2[0].id: "KL again."}
    )
    shutil.copy(EXERCISES / "part1_autoencoders.py", folder)
    got = written_answers(tmp_path / "alice")
    assert got[part1[0].id] == "From the file."
    assert got[part2[0].id] == (
        "[from lab/answers.md]\nKL again.\n\n[from lab/part2_vae.ipynb]\nKL derived."
    )
    assert got[part2[1].id] == ""


def test_a_zip_is_read_without_unpacking_escaping_members(tmp_path):
    """Is a zip's answers.md read, and a member whose path escapes the folder ignored?"""
    qid = WRITTEN_IDS[0]
    answers = fill_answers_file(tmp_path / "answers.md", {qid: "Zipped answer."})
    evil = fill_answers_file(tmp_path / "evil.md", {qid: "Should not be read."})
    archive = tmp_path / "bob.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.write(answers, "bob/answers.md")
        z.write(evil, "../evil.md")
    assert written_answers(archive)[qid] == "Zipped answer."


def test_a_missing_path_is_a_submission_error(tmp_path):
    with pytest.raises(SubmissionError, match="no such file"):
        written_answers(tmp_path / "nope")


@pytest.fixture
def reviewed(tmp_path):
    """Review of two submissions: alice answered the first two written questions (the first
    with HTML in it), bob answered nothing."""
    qid = WRITTEN_IDS[0]
    answers = {
        "alice": {
            **dict.fromkeys(WRITTEN_IDS, ""),
            qid: "a <b>bold</b> claim & more",
            WRITTEN_IDS[1]: "second answer",
        },
        "bob": dict.fromkeys(WRITTEN_IDS, ""),
    }
    config = WrittenConfig(
        {q: WrittenQuestionConfig(3.0 if q == qid else 2.0, f"rubric of {q}") for q in WRITTEN_IDS}
    )
    paths = write_review(tmp_path / "graded", answers, config)
    return tmp_path / "graded", answers, config, paths


def test_review_writes_one_page_per_written_question_and_the_marks_sheet(reviewed):
    """One self-contained HTML page per written id (rubric, points, every submission, answers
    escaped) and a CSV with a row per submission and question?"""
    out, _, _, paths = reviewed
    assert [p.name for p in paths] == [f"{q}.html" for q in WRITTEN_IDS] + [MARKS_FILE]
    page = (out / f"{WRITTEN_IDS[0]}.html").read_text(encoding="utf-8")
    assert "rubric of " + WRITTEN_IDS[0] in page and "3 points" in page
    assert "a &lt;b&gt;bold&lt;/b&gt; claim &amp; more" in page and "<b>bold</b>" not in page
    assert 'id="alice"' in page and 'id="bob"' in page and NO_ANSWER in page
    assert "<link" not in page and "<script" not in page  # nothing to fetch
    with open(out / MARKS_FILE, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [(r["submission"], r["question"]) for r in rows] == [
        (name, q) for name in ("alice", "bob") for q in WRITTEN_IDS
    ]
    alice_first = rows[0]
    assert (alice_first["points"], alice_first["comment"]) == ("", "")
    assert all(
        (r["points"], r["comment"]) == ("0", NO_ANSWER) for r in rows if r["submission"] == "bob"
    )


def test_marks_read_back_and_kept_when_the_review_is_rewritten(reviewed):
    """Are the instructor's marks read back as numbers, blank rows left out, and kept when
    write_review runs again (a regrade must not erase marking)?"""
    out, answers, config, _ = reviewed
    sheet = out / MARKS_FILE
    text = sheet.read_text(encoding="utf-8")
    sheet.write_text(text.replace(f"alice,{WRITTEN_IDS[0]},,", f"alice,{WRITTEN_IDS[0]},2.5,good"))
    marks = read_marks(sheet, config, submissions=["alice", "bob"])
    assert marks[("alice", WRITTEN_IDS[0])] == (2.5, "good")
    assert marks[("bob", WRITTEN_IDS[0])] == (0.0, NO_ANSWER)
    assert ("alice", WRITTEN_IDS[1]) not in marks  # not marked yet
    write_review(out, answers, config)
    assert read_marks(sheet, config)[("alice", WRITTEN_IDS[0])] == (2.5, "good")


@pytest.mark.parametrize(
    "row, words",
    [
        ("alice,written_9_9,1,", ["unknown question 'written_9_9'"]),
        ("carol,{q},1,", ["unknown submission 'carol'"]),
        ("alice,{q},4,", ["points '4'", "from 0 to 3"]),
        ("alice,{q},-1,", ["points '-1'"]),
        ("alice,{q},lots,", ["points 'lots'"]),
        ("alice,{q},nan,", ["points 'nan'"]),
        ("bob,{q},1,dup", ["marked twice"]),
    ],
    ids=["question", "submission", "too-many", "negative", "text", "nan", "twice"],
)
def test_bad_rows_are_one_line_errors_naming_the_row(reviewed, row, words):
    """Is each bad row refused with one line naming the file, the row and the fix?"""
    out, _, config, _ = reviewed
    sheet = out / MARKS_FILE
    row = row.format(q=WRITTEN_IDS[0])
    replaced = f"alice,{WRITTEN_IDS[0]},"  # alice's own row gives way to the bad one
    lines = [
        x for x in sheet.read_text(encoding="utf-8").splitlines() if not x.startswith(replaced)
    ]
    lines.append(row)
    sheet.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(TpAeError) as error:
        read_marks(sheet, config, submissions=["alice", "bob"])
    message = str(error.value)
    assert message.startswith(f"{sheet}:{len(lines)}: ") and "\n" not in message
    for word in words:
        assert word in message


def test_a_sheet_without_the_columns_is_refused(tmp_path):
    sheet = tmp_path / "marks.csv"
    sheet.write_text("name,score\nalice,2\n", encoding="utf-8")
    with pytest.raises(TpAeError, match="no column submission, question, points, comment"):
        read_marks(sheet)


def test_default_config_has_the_tables_points_and_a_rubric_for_each_question():
    """Does every written question of the table get its points and a non-empty rubric?"""
    config = default_written_config()
    assert set(config.questions) == set(WRITTEN_IDS)
    assert all(config[q].points > 0 and config[q].rubric for q in WRITTEN_IDS)


def test_course_config_keeps_the_default_rubric_unless_it_sets_one():
    """Does `tp-ae grade`'s course config give each written question this module's rubric when
    course.toml sets none (no file, or only points), and the course's own when it sets one?"""
    assert {q: s.rubric for q, s in default_config().written.items()} == {
        q: DEFAULT_RUBRICS[q] for q in WRITTEN_IDS
    }
    points_only = config_from_mapping({"questions": {"written_2_11": {"points": 3}}})
    assert points_only.written["written_2_11"].points_possible == 3
    assert points_only.written["written_2_11"].rubric == DEFAULT_RUBRICS["written_2_11"]
    own = config_from_mapping({"questions": {"written_2_11": {"rubric": "ours"}}})
    assert own.written["written_2_11"].rubric == "ours"
