"""`tp-ae make-exercises`: stubs, solutions and notebooks generated from the marked reference.

Pure Python (no TensorFlow): the generator reads the reference as text, so do these tests.
"""

from __future__ import annotations

import ast
import json
import math
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from tests.conftest import cli_env
from tp_ae.cli import main
from tp_ae.errors import TpAeError
from tp_ae.exercises.answers import PLACEHOLDER
from tp_ae.exercises.extract import Import
from tp_ae.exercises.imports import QUIET_FIRST, merge_imports, render_imports
from tp_ae.exercises.key import (
    RECORD_FILE,
    TEMPLATE,
    check_record,
    generate_key,
    reflow,
    render_key,
)
from tp_ae.exercises.markers import MarkerError, clear_regions, find_regions
from tp_ae.exercises.output import generate
from tp_ae.exercises.parts import PART1, PART2, reference_file
from tp_ae.questions import (
    CODE_QUESTIONS,
    PARTS,
    REFERENCE_MODULES,
    WRITTEN_IDS,
    WRITTEN_QUESTIONS,
    in_part,
    question,
)

ROOT = Path(__file__).resolve().parent.parent
REFERENCES = tuple(dict.fromkeys(reference_file(m) for m in REFERENCE_MODULES))
# The code question ids of each part, in the order of the handout (from the question table).
QUESTIONS = {part: [q.id for q in in_part(part, "code")] for part in PARTS}
WRITTEN = {part: [q.id for q in in_part(part, "written")] for part in PARTS}
REFERENCE_OF = {q.id: reference_file(q.reference) for q in CODE_QUESTIONS}
GENERATED = [
    f"{folder}/{stem}.{ext}"
    for stem in QUESTIONS
    for folder in ("exercises", "solutions")
    for ext in ("py", "ipynb")
] + ["exercises/answers.md", "solutions/answers.md"]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of what the generator reads: the three reference modules, the handout and the
    recorded run behind the answer key."""
    (tmp_path / "tp_ae").mkdir()
    for name in REFERENCES:
        shutil.copy(ROOT / "tp_ae" / name, tmp_path / "tp_ae" / name)
    (tmp_path / "exercises").mkdir()
    shutil.copy(ROOT / "exercises" / "README.md", tmp_path / "exercises" / "README.md")
    (tmp_path / "solutions").mkdir()
    shutil.copy(ROOT / RECORD_FILE, tmp_path / RECORD_FILE)
    return tmp_path


def recorded(root: Path) -> dict:
    return json.loads((root / RECORD_FILE).read_text(encoding="utf-8"))


def rerecord(root: Path, record: dict) -> None:
    (root / RECORD_FILE).write_text(json.dumps(record, indent=2), encoding="utf-8")


def make_exercises(root: Path, *flags: str) -> int:
    return main(["make-exercises", "--root", str(root), *flags])


def functions(source: str) -> dict[str, ast.FunctionDef]:
    return {n.name: n for n in ast.parse(source).body if isinstance(n, ast.FunctionDef)}


def raised_message(function: ast.FunctionDef) -> str | None:
    """The string passed to the first ``raise NotImplementedError(...)`` of a function."""
    for node in ast.walk(function):
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
            if getattr(node.exc.func, "id", None) == "NotImplementedError":
                return node.exc.args[0].value
    return None


# --- the files in the repository -------------------------------------------------------------


def test_committed_files_are_what_the_generator_gives_now():
    """Are exercises/ and solutions/ in the repository exactly what make-exercises generates?"""
    files = generate(ROOT, ROOT / "tp_ae")
    assert sorted(files) == sorted(GENERATED)
    stale = [p for p, text in files.items() if (ROOT / p).read_text(encoding="utf-8") != text]
    assert stale == [], "run `tp-ae make-exercises`"


@pytest.mark.parametrize("stem", QUESTIONS)
def test_each_exercise_function_raises_not_implemented_naming_its_question(stem):
    """Does every question of the stub raise NotImplementedError("<question id>: ...") after
    "# FILL IN CODE", and keep none of the reference's solution lines?"""
    source = (ROOT / "exercises" / f"{stem}.py").read_text(encoding="utf-8")
    stub = functions(source)
    for question_id in QUESTIONS[stem]:
        message = raised_message(stub[question_id])
        assert message is not None and message.startswith(f"{question_id}: "), question_id
        stub_lines = [
            line.strip() for line in ast.get_source_segment(source, stub[question_id]).splitlines()
        ]
        assert "# FILL IN CODE" in stub_lines
        reference = (ROOT / "tp_ae" / REFERENCE_OF[question_id]).read_text(encoding="utf-8")
        solution_lines = _solution_lines(reference, question_id)
        assert solution_lines, question_id
        assert set(solution_lines).isdisjoint(stub_lines), question_id


@pytest.mark.parametrize("stem", QUESTIONS)
def test_each_solution_function_is_the_reference_function(stem):
    """Is every question function of the solution file the reference's, statement for
    statement (the markers are comments, so the syntax trees must be equal)?"""
    solution = functions((ROOT / "solutions" / f"{stem}.py").read_text(encoding="utf-8"))
    for question_id in QUESTIONS[stem]:
        reference = (ROOT / "tp_ae" / REFERENCE_OF[question_id]).read_text(encoding="utf-8")
        expected = functions(reference)[question_id]
        assert ast.dump(solution[question_id]) == ast.dump(expected), question_id
        assert raised_message(solution[question_id]) is None


@pytest.mark.parametrize("path", GENERATED)
def test_generated_files_say_which_command_made_them(path):
    """Does each generated file say, at its top, that `tp-ae make-exercises` made it?"""
    text = (ROOT / path).read_text(encoding="utf-8")
    if path.endswith(".py"):
        top = text.split('"""', 1)[0]
    elif path.endswith(".md"):
        top = "\n".join(text.splitlines()[:4])
    else:
        notebook = json.loads(text)
        top = "".join(notebook["cells"][0]["source"])
        assert notebook["metadata"]["tp_ae"]["generated_by"] == "tp-ae make-exercises"
    assert "tp-ae make-exercises" in top


@pytest.mark.parametrize("folder", ["exercises", "solutions"])
@pytest.mark.parametrize("stem", QUESTIONS)
def test_notebook_has_text_and_one_code_cell_per_question(folder, stem):
    """Is the notebook valid nbformat v4, without outputs, with one tagged code cell per
    question right after a markdown cell that gives the question's number and id?"""
    notebook = nbformat.read(ROOT / folder / f"{stem}.ipynb", as_version=4)
    nbformat.validate(notebook)
    assert notebook.nbformat == 4
    cells = notebook.cells
    tagged = [(i, c) for i, c in enumerate(cells) if "question" in c.metadata.get("tags", [])]
    assert [c.metadata["tp_ae"]["question_id"] for _, c in tagged] == QUESTIONS[stem]
    for i, cell in tagged:
        question_id = cell.metadata["tp_ae"]["question_id"]
        text = cells[i - 1]
        assert text.cell_type == "markdown"
        assert text.source.startswith("### Question ") and f"`{question_id}`" in text.source
        assert f"def {question_id}(" in cell.source
    assert all(c.get("outputs", []) == [] for c in cells if c.cell_type == "code")


@pytest.mark.parametrize("stem", QUESTIONS)
def test_first_code_cell_reads_the_epoch_count_from_the_environment(stem):
    """Can a test make training tiny: does the first code cell set EPOCHS from TP_AE_EPOCHS?"""
    notebook = nbformat.read(ROOT / "exercises" / f"{stem}.ipynb", as_version=4)
    first = next(c for c in notebook.cells if c.cell_type == "code")
    namespace: dict = {}
    with pytest.MonkeyPatch.context() as env:
        env.setenv("TP_AE_EPOCHS", "1")
        exec(first.source, namespace)
    assert namespace["EPOCHS"] == 1


# --- generating, regenerating, checking ---------------------------------------------------------


def test_generating_twice_changes_nothing(project, capsys):
    """Is the generator idempotent: same bytes on a second run, and --check passes?"""
    assert make_exercises(project) == 0
    first = {p: (project / p).read_bytes() for p in GENERATED}
    capsys.readouterr()
    assert make_exercises(project) == 0
    assert "wrote" not in capsys.readouterr().out
    assert {p: (project / p).read_bytes() for p in GENERATED} == first
    assert make_exercises(project, "--check") == 0


def test_check_names_the_solution_files_when_a_marked_region_changes(project, capsys):
    """After an edit inside a solution region, does --check fail naming exactly the two
    solution files of that part (the stubs do not show the region)?"""
    make_exercises(project)
    reference = project / "tp_ae" / "autoencoders.py"
    text = reference.read_text(encoding="utf-8")
    edited = text.replace(
        "h = layers.Dense(z_dim)(h)", "h = layers.Dense(z_dim, use_bias=False)(h)"
    )
    assert edited != text
    reference.write_text(edited, encoding="utf-8")
    capsys.readouterr()
    assert make_exercises(project, "--check") == 1
    err = capsys.readouterr().err
    named = {p for p in GENERATED if p in err}
    assert named == {"solutions/part1_autoencoders.py", "solutions/part1_autoencoders.ipynb"}


def test_check_names_every_file_of_the_part_when_a_docstring_changes(project, capsys):
    """After an edit outside the regions (a docstring), are stubs and solutions all stale?"""
    make_exercises(project)
    reference = project / "tp_ae" / "losses.py"
    text = reference.read_text(encoding="utf-8")
    assert "0 when q is the prior" in text
    edited = text.replace("0 when q is the prior", "zero when q is the prior")
    reference.write_text(edited, encoding="utf-8")
    capsys.readouterr()
    assert make_exercises(project, "--check") == 1
    err = capsys.readouterr().err
    assert {p for p in GENERATED if p in err} == {p for p in GENERATED if "part2_vae" in p}


def test_check_names_a_missing_file_and_writes_nothing(project, capsys):
    """Does --check name a deleted generated file, and leave it deleted?"""
    make_exercises(project)
    (project / "exercises" / "part2_vae.ipynb").unlink()
    capsys.readouterr()
    assert make_exercises(project, "--check") == 1
    assert "exercises/part2_vae.ipynb" in capsys.readouterr().err
    assert not (project / "exercises" / "part2_vae.ipynb").exists()


def test_check_names_the_notebook_when_a_question_text_changes(project, capsys):
    """Is a notebook stale after its question's text changes in the handout (and only the
    notebooks, since the .py files carry no question text)?"""
    make_exercises(project)
    handout = project / "exercises" / "README.md"
    text = handout.read_text(encoding="utf-8")
    handout.write_text(text.replace("Write `add_noise(", "Now write `add_noise("), encoding="utf-8")
    capsys.readouterr()
    assert make_exercises(project, "--check") == 1
    err = capsys.readouterr().err
    assert {p for p in GENERATED if p in err} == {
        "exercises/part1_autoencoders.ipynb",
        "solutions/part1_autoencoders.ipynb",
    }


# --- written questions: answer cells, answers.md ------------------------------------------------


@pytest.mark.parametrize("folder", ["exercises", "solutions"])
@pytest.mark.parametrize("stem", QUESTIONS)
def test_notebook_has_one_answer_cell_per_written_question_of_the_table(folder, stem):
    """Does each written question of the table get, right after its text, a Markdown cell
    tagged "answer" whose metadata names its id and whose visible heading names it too?"""
    notebook = nbformat.read(ROOT / folder / f"{stem}.ipynb", as_version=4)
    cells = notebook.cells
    answers = [(i, c) for i, c in enumerate(cells) if "answer" in c.metadata.get("tags", [])]
    ids = [c.metadata["tp_ae"]["answer"] for _, c in answers]
    assert [i for i in ids if i in WRITTEN_IDS] == WRITTEN[stem]
    for i, cell in answers:
        qid, number = cell.metadata["tp_ae"]["answer"], cell.metadata["tp_ae"]["number"]
        # a question the table does not list yet carries the convention's id
        assert qid == f"written_{number.replace('.', '_')}"
        assert qid not in WRITTEN_IDS or question(qid).handout == number
        assert cell.cell_type == "markdown"
        assert cell.source.startswith("#### ") and f"(`{qid}`)" in cell.source.splitlines()[0]
        before = [c for c in cells[:i] if "train" not in c.metadata.get("tags", [])][-1]
        assert before.source.startswith(f"### Question {number} ")
        assert (PLACEHOLDER in cell.source) == (folder == "exercises")


def test_answers_file_has_one_section_per_written_question_in_table_order():
    """Does exercises/answers.md hold a '## <id>' section with the placeholder for each written
    question of the table, in the table's order, and nothing for code questions?"""
    text = (ROOT / "exercises" / "answers.md").read_text(encoding="utf-8")
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    ids = [h.split()[1] for h in headings]
    assert [i for i in ids if i in WRITTEN_IDS] == list(WRITTEN_IDS)
    for q in WRITTEN_QUESTIONS:
        assert f"## {q.id} · question {q.handout}:" in text
    assert all(i.startswith("written_") for i in ids)  # no code question
    assert text.count(PLACEHOLDER) == len(ids)


def test_a_written_question_of_the_table_missing_from_the_handout_is_an_error(project, capsys):
    """Does the generator refuse a handout that drops a written question the table lists?"""
    handout = project / "exercises" / "README.md"
    text = handout.read_text(encoding="utf-8")
    handout.write_text(text.replace("### Question 1.5 ·", "#### Former question 1.5 ·"))
    assert make_exercises(project) == 1
    err = capsys.readouterr().err
    assert "written_1_5" in err and "add it" in err


def test_a_written_question_not_yet_in_the_table_is_collected_with_a_warning(project, capsys):
    """Does a new written question of the handout get the convention's id (written_2_42), an
    answer cell and a section, with a warning that it is not graded until the table lists it?"""
    handout = project / "exercises" / "README.md"
    text = handout.read_text(encoding="utf-8")
    extra = "\n### Question 2.42 · A new question (written)\n\nWhy?\n"
    handout.write_text(text.replace("\n## Checking your work", extra + "\n## Checking your work"))
    assert make_exercises(project) == 0
    assert "'written_2_42'" in capsys.readouterr().err
    notebook = nbformat.read(project / "exercises" / "part2_vae.ipynb", as_version=4)
    ids = [c.metadata.get("tp_ae", {}).get("answer") for c in notebook.cells]
    assert "written_2_42" in ids
    assert "## written_2_42 · question 2.42: A new question" in (
        project / "exercises" / "answers.md"
    ).read_text(encoding="utf-8")


def test_part_references_come_from_the_question_table():
    """Does each part read exactly the modules that the table names for its code questions,
    and is a reference outside tp_ae refused?"""
    for spec in (PART1, PART2):
        expected = {reference_file(q.reference) for q in in_part(spec.stem, "code")}
        assert set(spec.references) == expected and len(spec.references) == len(expected)
    assert PART2.references == ("losses.py", "vae.py")  # kl_divergence (2.2) comes first
    with pytest.raises(ValueError, match="not a module of tp_ae"):
        reference_file("grader.checks")


def test_make_exercises_does_not_import_tensorflow(project):
    """Does `tp-ae make-exercises --check` run without importing TensorFlow or Keras?"""
    code = (
        "import sys\nfrom tp_ae.cli import main\n"
        f"status = main(['make-exercises', '--root', {str(project)!r}])\n"
        "print('STATUS', status, [m for m in ('tensorflow', 'keras') if m in sys.modules])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=cli_env()
    )
    assert "STATUS 0 []" in result.stdout, result.stderr


# --- the answer key: rendered from the recorded run -------------------------------------------


def test_the_answer_key_is_rendered_from_the_recorded_numbers(project):
    """Does a number changed in (a copy of) recorded.json change the key, exactly there?"""
    before = generate_key(project)
    record = recorded(project)
    record["part2"]["conv_vae"]["reconstruction"] = 123.4
    rerecord(project, record)
    after = generate_key(project)
    assert after != before
    conv_row = next(line for line in after.splitlines() if "`build_conv_vae`" in line)
    assert "| 123.4 |" in conv_row
    assert [a for a in after.splitlines() if a not in before.splitlines()] == [conv_row]


@pytest.mark.parametrize(
    "path",
    [
        "part2/conv_vae/reconstruction",  # the conv VAE's terms, once stale in the key
        "part2/conv_vae/kl",
        "facts/grey_percent",  # the NumPy figures, once without a command
        "facts/entropy_per_image",
        "facts/mean_image_loss",
    ],
)
def test_the_numbers_once_stale_come_from_the_record(path):
    """Does the key's template quote these numbers only through placeholders of the record?"""
    assert "{{ " + path in TEMPLATE.read_text(encoding="utf-8")


def test_every_placeholder_is_filled_from_the_committed_record():
    """Does the committed template render from the committed record with no placeholder
    left, and does every quoted path name a recorded or derived number?"""
    key = generate_key(ROOT)
    assert "{{" not in key and "}}" not in key
    assert key == (ROOT / "solutions" / "answers.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "template, words",
    [
        ("a\n{{ part1/mlp/nothing }}\n", ["answers.md:2:", "has no 'part1/mlp/nothing'"]),
        ("{{ part1/mlp/loss:d }}", ["cannot format 0.1", "'d'"]),
        ("{{ part1/mlp loss }}", ["placeholder", "'{{ part1/mlp loss }}'"]),
    ],
    ids=["unknown-path", "bad-format", "malformed"],
)
def test_a_placeholder_that_cannot_be_filled_is_a_one_line_error(template, words):
    """Are an unknown path, a format the value refuses and a malformed placeholder refused?"""
    with pytest.raises(TpAeError) as error:
        render_key(template, recorded(ROOT))
    message = str(error.value)
    assert "\n" not in message
    for word in words:
        assert word in message


def test_check_fails_naming_the_key_when_the_record_changed(project, capsys):
    """After a new recorded number, does --check fail in one line naming solutions/answers.md
    (and only it) and the command to run, and does make-exercises then fix it?"""
    assert make_exercises(project) == 0
    record = recorded(project)
    record["facts"]["mean_image_loss"] = 199.9
    record["part2"]["pixel_mean"]["reconstruction_from_mean"] = 199.9  # the claim still holds
    rerecord(project, record)
    capsys.readouterr()
    assert make_exercises(project, "--check") == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert {p for p in GENERATED if p in err} == {"solutions/answers.md"}
    assert "run `tp-ae make-exercises`" in err and RECORD_FILE in err
    assert make_exercises(project) == 0
    assert "199.9" in (project / "solutions" / "answers.md").read_text(encoding="utf-8")
    assert make_exercises(project, "--check") == 0


def test_check_fails_when_the_key_is_edited_by_hand(project, capsys):
    """Is a hand edit of solutions/answers.md reported stale?"""
    make_exercises(project)
    key = project / "solutions" / "answers.md"
    key.write_text(key.read_text(encoding="utf-8").replace("116.4", "115.8"), encoding="utf-8")
    capsys.readouterr()
    assert make_exercises(project, "--check") == 1
    assert "solutions/answers.md" in capsys.readouterr().err


def _drop(record: dict) -> None:
    del record["part2"]["beta"]["4"]["kl"]


def _wrong_type(record: dict) -> None:
    record["part1"]["mlp"]["encoder_params"] = "7850"


def _unexpected(record: dict) -> None:
    record["part2"]["vae"]["kl_per_dim"] = 1.7


def _not_a_list(record: dict) -> None:
    record["part2"]["z2"]["beta0"]["code_std"] = 5.0


@pytest.mark.parametrize(
    "change, words",
    [
        (_drop, ["part2/beta/4/: missing 'part2/beta/4/kl'"]),
        (_wrong_type, ["part1/mlp/encoder_params: expected a count, got '7850'"]),
        (_unexpected, ["unexpected key 'part2/vae/kl_per_dim'"]),
        (_not_a_list, ["part2/z2/beta0/code_std: expected a list of numbers"]),
    ],
    ids=["missing", "wrong-type", "unexpected", "not-a-list"],
)
def test_a_record_off_its_schema_is_a_one_line_error(project, capsys, change, words):
    """Does make-exercises refuse a recorded.json whose layout is not the SCHEMA, in one line
    naming the file, the place and the recording command?"""
    record = recorded(project)
    change(record)
    rerecord(project, record)
    assert make_exercises(project) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert err.startswith(f"tp-ae: error: {RECORD_FILE}: ")
    assert "python -m tp_ae.exercises.record" in err
    for word in words:
        assert word in err


@pytest.mark.parametrize("content", [None, "{not json"], ids=["missing", "not-json"])
def test_a_missing_or_broken_record_is_a_one_line_error(project, capsys, content):
    """Does make-exercises say how to make the record when it is missing or not JSON?"""
    path = project / RECORD_FILE
    if content is None:
        path.unlink()
    else:
        path.write_text(content, encoding="utf-8")
    assert make_exercises(project) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and RECORD_FILE in err
    assert "python -m tp_ae.exercises.record" in err


def test_the_committed_record_has_the_schema():
    """Is the committed recorded.json what the recording command would accept to write?"""
    check_record(recorded(ROOT))


def test_a_run_that_contradicts_the_keys_text_stops_the_generator(project, capsys):
    """When the recorded numbers deny what the key's prose says (here: the MLP autoencoder
    now has the lower test loss), is that an error naming the claim and the template?"""
    record = recorded(project)
    record["part1"]["conv"]["val_loss"] = record["part1"]["mlp"]["val_loss"] + 0.01
    rerecord(project, record)
    assert make_exercises(project) == 1
    err = capsys.readouterr().err.strip()
    assert "1.3: the convolutional autoencoder reaches the lower test loss" in err
    assert "rewrite tp_ae/exercises/templates/answers.md" in err


def test_reflow_rewraps_paragraphs_and_list_items_and_keeps_the_rest():
    """Are paragraphs and list items re-wrapped to the width, and code fences, tables,
    headings, comments, quotes and a paragraph that would start a block when re-wrapped kept?"""
    long_code = "x = " + "1 + " * 30 + "1"
    source = "\n".join(
        [
            "# Title",
            "A short",
            "paragraph.",
            "",
            "* an item",
            "  continued",
            "* another",
            "",
            "```",
            long_code,
            "```",
            "| a | b |",
            "<!-- a comment -->",
            "> a quote",
            "",
            "word " * 3 + "and",
            "- a list item",
        ]
    )
    assert reflow(source, width=30).split("\n") == [
        "# Title",
        "A short paragraph.",
        "",
        "* an item continued",
        "* another",
        "",
        "```",
        long_code,
        "```",
        "| a | b |",
        "<!-- a comment -->",
        "> a quote",
        "",
        "word word word and",
        "- a list item",
    ]
    assert reflow("a b c d e f", width=5) == "a b c\nd e f"
    assert reflow("a b\n1. c", width=4) == "a b\n1. c"  # "1. c" stays where it was
    assert reflow("a\nb =", width=3) == "a\nb ="  # re-wrapped, "=" alone would underline "a b"


def test_the_keys_prose_lines_fit_the_width():
    """Once filled in and re-wrapped, is every line of the key but its tables, code and top
    comment at most 100 characters?"""
    key = generate_key(ROOT).splitlines()
    fenced, long = False, []
    for line in key:
        fenced ^= line.startswith("```")
        if not (fenced or line.startswith(("|", "<!--", "```"))) and len(line) > 100:
            long.append(line)
    assert long == []


def test_the_numpy_facts_of_the_record_match_a_hand_computation():
    """Are the grey share, the entropy floor and the mean image's loss that the recording
    command writes what the formulas give on images small enough to compute by hand?"""
    import numpy as np

    from tp_ae.exercises.record import data_facts

    x_test = np.zeros((2, 28, 28, 1), dtype=np.float32)
    x_test[0, 0, :2, 0] = 0.5  # two grey pixels out of 2 x 784
    x_train = np.full((3, 28, 28, 1), 0.25, dtype=np.float32)
    facts = data_facts(x_train, x_test)
    assert facts["grey_percent"] == round(100 * 2 / 1568, 1)
    assert facts["entropy_per_image"] == round(2 * math.log(2) / 2, 1)  # image 0's, halved
    assert facts["entropy_per_pixel"] == round(2 * math.log(2) / 1568, 4)
    black = -math.log(0.75)  # a black pixel under the mean image 0.25
    grey = -(0.5 * math.log(0.25) + 0.5 * math.log(0.75))
    assert facts["mean_image_loss"] == round(((782 * black + 2 * grey) + 784 * black) / 2, 1)


# --- solution markers ---------------------------------------------------------------------------

NESTED = """\
def f(x):
    ### BEGIN SOLUTION
    y = x
    ### BEGIN SOLUTION
    return y
    ### END SOLUTION
"""
UNCLOSED = """\
def f(x):
    ### BEGIN SOLUTION
    return x
"""
UNOPENED = """\
def f(x):
    return x
    ### END SOLUTION
"""
AFTER_CODE = """\
def f(x):
    y = x  ### BEGIN SOLUTION
    return y
    ### END SOLUTION
"""


@pytest.mark.parametrize(
    "source, line, words",
    [
        (NESTED, 4, ["nested", 'line 2 "### BEGIN SOLUTION"', 'line 4 "### BEGIN SOLUTION"']),
        (UNCLOSED, 2, ["unclosed", 'line 2 "### BEGIN SOLUTION"']),
        (UNOPENED, 3, ["closes no region", 'line 3 "### END SOLUTION"']),
        (AFTER_CODE, 2, ["after code", '"y = x  ### BEGIN SOLUTION"']),
    ],
    ids=["nested", "unclosed", "unopened", "after-code"],
)
def test_unpaired_markers_are_errors_quoting_the_lines(source, line, words):
    """Are nested, unclosed and unopened markers errors naming the file, line and text?"""
    with pytest.raises(MarkerError) as error:
        find_regions(source, "ref.py")
    message = str(error.value)
    assert message.startswith(f"ref.py:{line}: ")
    assert "\n" not in message
    for word in words:
        assert word in message


def test_a_nested_marker_in_a_reference_fails_the_command_in_one_line(project, capsys):
    """Does make-exercises exit 1 with one line naming the file and both marker lines?"""
    reference = project / "tp_ae" / "vae.py"
    lines = reference.read_text(encoding="utf-8").splitlines(keepends=True)
    begin = next(i for i, line in enumerate(lines) if line.strip() == "### BEGIN SOLUTION")
    lines.insert(begin + 2, "    ### BEGIN SOLUTION\n")
    reference.write_text("".join(lines), encoding="utf-8")
    assert make_exercises(project) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert err.startswith(f"tp-ae: error: tp_ae/vae.py:{begin + 3}: nested solution markers")
    assert f"line {begin + 1}" in err


def test_a_region_outside_a_function_is_an_error(project, capsys):
    """Is a solution region at module level (no question can own it) refused?"""
    reference = project / "tp_ae" / "losses.py"
    text = reference.read_text(encoding="utf-8")
    reference.write_text(text + "\n### BEGIN SOLUTION\nSECRET = 1\n### END SOLUTION\n")
    assert make_exercises(project) == 1
    assert "is not inside a top-level function" in capsys.readouterr().err


def test_markers_inside_strings_are_not_markers():
    """Is a marker written inside a docstring left alone (only comments count)?"""
    source = 'def f():\n    """\n    ### BEGIN SOLUTION\n    """\n    return 1\n'
    assert find_regions(source, "ref.py") == []


def test_clearing_puts_the_stub_at_the_marker_indentation():
    """Is a region, markers included, replaced by the stub indented like the BEGIN marker,
    with the code around it kept (nbgrader's behaviour)?"""
    source = (
        "def f(x):\n"
        '    """Doc."""\n'
        "    if x:\n"
        "        ## BEGIN SOLUTION\n"
        "        y = 2 * x\n"
        "        ## END SOLUTION\n"
        "    return y\n"
    )
    regions = find_regions(source, "ref.py")
    cleared = clear_regions(source, regions, lambda region: ["# FILL IN CODE", "raise E"])
    assert cleared == (
        "def f(x):\n"
        '    """Doc."""\n'
        "    if x:\n"
        "        # FILL IN CODE\n"
        "        raise E\n"
        "    return y\n"
    )


# --- handout and imports --------------------------------------------------------------------------


def test_a_question_missing_from_the_handout_is_an_error(project, capsys):
    """Does the generator refuse a handout without a section for one of the questions?"""
    handout = project / "exercises" / "README.md"
    text = handout.read_text(encoding="utf-8")
    handout.write_text(text.replace("`sample_images` (2 points)", "sampling (2 points)"))
    assert make_exercises(project) == 1
    err = capsys.readouterr().err
    assert "no question for `sample_images`" in err


def test_an_unknown_question_id_in_the_handout_is_an_error(project, capsys):
    """Does the generator refuse a handout heading naming a function that is not a question?"""
    handout = project / "exercises" / "README.md"
    text = handout.read_text(encoding="utf-8")
    handout.write_text(text.replace("`vae_loss` (2 points)", "`elbo_loss` (2 points)"))
    assert make_exercises(project) == 1
    assert "`elbo_loss`" in capsys.readouterr().err


def test_imports_of_question_names_are_dropped_and_the_rest_merged():
    """Are imports of names the file defines dropped, duplicates merged, sections sorted?"""
    imports = [
        Import("__future__", "annotations"),
        Import("keras"),
        Import("numpy", asname="np"),
        Import("keras", "layers"),
        Import("tp_ae.losses", "kl_divergence"),
        Import("keras", "ops"),
        Import("tp_ae.layers", "Sampling"),
        Import("tp_ae.layers", "VAE"),
        Import("os"),
        Import("keras"),
    ]
    merged = merge_imports(imports, defined={"kl_divergence"})
    assert render_imports(merged) == (
        "from __future__ import annotations\n\n"
        f"{QUIET_FIRST}\n\n"
        "import os\n\n"
        "import keras\n"
        "import numpy as np\n"
        "from keras import layers, ops\n\n"
        "from tp_ae.layers import VAE, Sampling\n"
    )


def test_tp_ae_is_imported_before_keras_only_where_keras_is():
    """Does `import tp_ae` (TensorFlow's start-up filter) come first when Keras is imported, and
    stay out of a file that imports no Keras or TensorFlow?"""
    with_keras = render_imports([Import("numpy", asname="np"), Import("keras")])
    assert with_keras.startswith(QUIET_FIRST + "\n\n")
    assert QUIET_FIRST not in render_imports([Import("numpy", asname="np"), Import("os")])
    for path in ("exercises/part1_autoencoders.py", "exercises/part2_vae.py"):
        text = (ROOT / path).read_text(encoding="utf-8")
        assert text.index("import tp_ae  #") < text.index("import keras"), path


def _solution_lines(reference: str, question_id: str) -> list[str]:
    """The stripped, non-blank lines of a question's solution region in the reference."""
    lines = reference.splitlines()
    node = functions(reference)[question_id]
    inside, found = False, []
    for line in lines[node.lineno - 1 : node.end_lineno + 1]:
        if "BEGIN SOLUTION" in line:
            inside = True
        elif "END SOLUTION" in line:
            inside = False
        elif inside and line.strip() and not line.strip().startswith("#"):
            found.append(line.strip())
    return found


@pytest.mark.parametrize("folder", ["exercises", "solutions"])
@pytest.mark.parametrize("stem", QUESTIONS)
def test_notebook_question_cells_hold_the_same_functions_as_the_script(folder, stem):
    """Is each question cell of the notebook the same function, stub or solution, as in the
    .py file of the same folder?"""
    script = functions((ROOT / folder / f"{stem}.py").read_text(encoding="utf-8"))
    notebook = nbformat.read(ROOT / folder / f"{stem}.ipynb", as_version=4)
    cells = [c for c in notebook.cells if "question" in c.metadata.get("tags", [])]
    for cell in cells:
        question_id = cell.metadata["tp_ae"]["question_id"]
        assert ast.dump(functions(cell.source)[question_id]) == ast.dump(script[question_id])


def test_generated_solution_scripts_pass_ruff():
    """Do the generated solution scripts pass `ruff check` and `ruff format --check` (they are
    excluded from the project's lint run, so this is where they get linted)?"""
    ruff = shutil.which("ruff")
    if ruff is None:
        pytest.skip("ruff is not installed")
    paths = [str(ROOT / "solutions" / f"{stem}.py") for stem in QUESTIONS]
    for command in (["check", "--no-cache"], ["format", "--check", "--no-cache"]):
        result = subprocess.run(
            [ruff, *command, *paths], capture_output=True, text=True, cwd=ROOT, timeout=60
        )
        assert result.returncode == 0, result.stdout + result.stderr
