"""grader/submission.py: finding and reading submissions without running them."""

from __future__ import annotations

import ast
import zipfile

import nbformat
import pytest

from grader.submission import (
    SubmissionError,
    batch_entries,
    compile_statements,
    keep_definitions,
    question_sources,
    read_submission,
    unique_names,
)

KL = "def kl_divergence(z_mean, z_log_var):\n    return z_mean\n"


def kept(source: str) -> str:
    return ast.unparse(keep_definitions(ast.parse(source)))


def test_only_imports_definitions_and_constants_are_kept():
    """Are top-level calls, loops, prints and exits dropped, constants and lambdas kept?"""
    source = (
        "import numpy as np\nSIGMA = 20 / 255\nSHAPE = (28, 28, 1)\nN = SHAPE[0]\n"
        "f = lambda x: x\nF32 = np.float32\nmodel = build()\nprint('hi')\n"
        "for i in range(10):\n    train()\nimport sys; sys.exit(3)\n"
        "if __name__ == '__main__':\n    main()\n"
        "try:\n    import tomli\nexcept ImportError:\n    tomli = None\n" + KL
    )
    text = kept(source)
    for expected in (
        "import numpy",
        "SIGMA = 20 / 255",
        "f = lambda",
        "F32 = np.float32",
        "def kl",
    ):
        assert expected in text
    for dropped in ("build()", "print", "train", "exit", "main()", "N = "):
        assert dropped not in text
    assert "import tomli" in text and "tomli = None" in text


def test_statements_compile_one_by_one_with_student_line_numbers():
    """Does each kept statement compile alone, keeping its line number in the file?"""
    from grader.submission import SourceChunk

    codes = compile_statements(SourceChunk("part2_vae.py", "x = 1\nprint(x)\n\n" + KL))
    assert len(codes) == 2
    assert codes[1].co_filename == "part2_vae.py"
    namespace: dict = {}
    for code in codes:
        exec(code, namespace)
    assert namespace["kl_divergence"].__code__.co_firstlineno == 4


def test_a_folder_with_a_syntax_error_in_one_part_still_loads_the_other(tmp_path):
    """Does a syntax error make only its file unloadable, with a one-line message?"""
    (tmp_path / "part1_autoencoders.py").write_text("def add_noise(x):\n    return x\n")
    (tmp_path / "part2_vae.py").write_text("def kl_divergence(z_mean\n")
    submission = read_submission(tmp_path)
    part1, part2 = submission.files
    assert part1.error is None and part1.module == "part1_autoencoders"
    assert part2.error.startswith("part2_vae.py: syntax error at line")
    assert submission.load_error == part2.error
    assert submission.defined_names() == {"add_noise": "part1_autoencoders"}


def test_notebook_code_cells_are_read_with_magics_neutralised(tmp_path):
    """Are a notebook's code cells read (markdown and bad cells skipped, magics made harmless)?"""
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_markdown_cell("# def add_noise(): not code"),
        nbformat.v4.new_code_cell("%matplotlib inline\n!pip install x\nimport numpy as np"),
        nbformat.v4.new_code_cell("%%bash\necho hi"),
        nbformat.v4.new_code_cell("def broken(:\n"),
        nbformat.v4.new_code_cell(KL),
    ]
    path = tmp_path / "mine.ipynb"
    nbformat.write(notebook, path)
    submission = read_submission(path)
    (source,) = submission.files
    assert [c.filename for c in source.chunks] == ["mine.ipynb, cell 2", "mine.ipynb, cell 5"]
    assert source.module == "submission"
    assert any("cell 4: syntax error" in w for w in submission.warnings)
    assert question_sources(path) == {"kl_divergence": KL.strip()}


def test_zip_is_unpacked_safely(tmp_path):
    """Are zip members that would land outside the folder refused, the rest read?"""
    archive = tmp_path / "alice.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("handin/part2_vae.py", KL)
        zf.writestr("../escaped.py", "x = 1")
        zf.writestr("/abs/escaped.py", "x = 1")
        zf.writestr("__MACOSX/handin/._part2_vae.py", "junk")
    submission = read_submission(archive)
    assert submission.name == "alice"
    assert [f.display_name for f in submission.files] == ["part2_vae.py"]
    assert not (tmp_path.parent / "escaped.py").exists()
    assert question_sources(archive) == {"kl_divergence": KL.strip()}


def test_py_and_ipynb_of_one_part_the_implemented_one_is_graded(tmp_path):
    """With both part2_vae.py (a stub) and part2_vae.ipynb (an answer), is the answer graded
    and the choice reported?"""
    stub = "def kl_divergence(z_mean, z_log_var):\n    raise NotImplementedError\n"
    (tmp_path / "part2_vae.py").write_text(stub)
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(KL)]
    nbformat.write(notebook, tmp_path / "part2_vae.ipynb")
    submission = read_submission(tmp_path)
    assert submission.files[0].display_name == "part2_vae.ipynb"
    assert "fewer unimplemented stubs" in submission.warnings[0]


def test_not_a_submission_is_a_one_line_error(tmp_path):
    """Are a missing path, an empty folder and a broken zip refused with a clear message?"""
    with pytest.raises(SubmissionError, match="no such file"):
        read_submission(tmp_path / "nope.py")
    with pytest.raises(SubmissionError, match="no part1_autoencoders or part2_vae"):
        read_submission(tmp_path)
    (tmp_path / "bad.zip").write_bytes(b"not a zip")
    with pytest.raises(SubmissionError, match="not a readable zip"):
        read_submission(tmp_path / "bad.zip")


def test_batch_entries_and_unique_names(tmp_path):
    """Does a batch list every file, folder and zip (not hidden ones or the output folder) and
    give clashing stems distinct names?"""
    for name in ("bob.py", "alice.ipynb", "alice.py", "carol.zip", ".hidden.py", "notes.txt"):
        (tmp_path / name).write_text("")
    (tmp_path / "dave").mkdir()
    (tmp_path / "out").mkdir()
    entries = batch_entries(tmp_path, exclude=tmp_path / "out")
    assert [e.name for e in entries] == ["alice.ipynb", "alice.py", "bob.py", "carol.zip", "dave"]
    assert list(unique_names(entries)) == ["alice_ipynb", "alice_py", "bob", "carol", "dave"]


# ---------------------------------------------------------------- hostile entries (issue 11)


def test_batch_keeps_underscore_and_upper_case_names_and_says_why_others_are_skipped(tmp_path):
    """Are _dupont.py and MARTIN.PY graded, and does every skipped entry get a reason?"""
    from grader.submission import skipped_entries

    for name in ("_dupont.py", "MARTIN.PY", "notes.txt", ".DS_Store"):
        (tmp_path / name).write_text(KL)
    (tmp_path / "__MACOSX").mkdir()
    graded = [p.name for p in batch_entries(tmp_path)]
    assert graded == ["MARTIN.PY", "_dupont.py"]
    skipped = {p.name: why for p, why in skipped_entries(tmp_path)}
    assert set(skipped) == {"notes.txt", ".DS_Store", "__MACOSX"}
    assert all(skipped.values())
    assert read_submission(tmp_path / "MARTIN.PY").defined_names() == {
        "kl_divergence": "submission"
    }
    assert len(set(unique_names(batch_entries(tmp_path)))) == 2


def test_a_fifo_a_device_link_and_a_folder_link_are_load_errors_that_never_block(tmp_path):
    """Do a FIFO named x.py, a link to /dev/zero and a folder linked to / fail at once?"""
    import os
    import time

    os.mkfifo(tmp_path / "fifo.py")
    (tmp_path / "zero.py").symlink_to("/dev/zero")
    (tmp_path / "root").symlink_to("/")
    assert {p.name for p in batch_entries(tmp_path)} == {"fifo.py", "zero.py", "root"}
    start = time.monotonic()
    for name, message in (("fifo.py", "FIFO"), ("zero.py", "link"), ("root", "link")):
        with pytest.raises(SubmissionError, match=message):
            read_submission(tmp_path / name)
    assert time.monotonic() - start < 5


def test_a_link_inside_a_folder_is_that_files_error(tmp_path):
    """Is a part file symlinked to another file refused (it could point at the reference)?"""
    (tmp_path / "real.py").write_text(KL)
    (tmp_path / "part2_vae.py").symlink_to(tmp_path / "real.py")
    (tmp_path / "part1_autoencoders.py").write_text("def add_noise(x):\n    return x\n")
    submission = read_submission(tmp_path)
    assert "symbolic link" in submission.load_error
    assert submission.defined_names() == {"add_noise": "part1_autoencoders"}


def test_a_deeply_nested_expression_is_a_load_error_not_a_crash(tmp_path):
    """Does RecursionError in ast.parse become the file's error (and question_sources survive)?"""
    deep = "X = " + "+".join(["1"] * 100_000) + "\n" + KL
    (tmp_path / "part2_vae.py").write_text(deep)
    submission = read_submission(tmp_path / "part2_vae.py")
    assert submission.load_error and "part2_vae.py" in submission.load_error
    assert question_sources(tmp_path / "part2_vae.py") == {}


def test_a_notebook_cell_whose_source_is_a_number_is_skipped_with_a_warning(tmp_path):
    """Is a code cell with a non-text source skipped, the other cells still read?"""
    import json

    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(KL), nbformat.v4.new_code_cell("x = 1")]
    data = json.loads(nbformat.writes(notebook))
    data["cells"][1]["source"] = 42
    path = tmp_path / "part2_vae.ipynb"
    path.write_text(json.dumps(data))
    try:
        submission = read_submission(path)
    except SubmissionError as err:  # nbformat may refuse the whole notebook: still one line
        assert "part2_vae.ipynb" in str(err)
        return
    assert "kl_divergence" in submission.defined_names() or submission.load_error


def _zip_with(tmp_path, name: str, patch) -> object:
    path = tmp_path / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("part2_vae.py", KL)
    data = bytearray(path.read_bytes())
    patch(data)
    path.write_bytes(bytes(data))
    return path


def test_bad_crc_password_and_bomb_zips_are_that_entrys_error(tmp_path):
    """Do a bad CRC, an encrypted member and a member larger than declared give a one-line
    SubmissionError instead of an exception that aborts the batch?"""
    offset = len(b"PK\x03\x04") + 10  # CRC-32 in the local header

    def bad_crc(data):
        data[offset] ^= 0xFF
        central = data.rfind(b"PK\x01\x02") + 16
        data[central] ^= 0xFF

    def encrypted(data):
        data[6] |= 1
        central = data.rfind(b"PK\x01\x02") + 8
        data[central] |= 1

    for name, patch in (("crc.zip", bad_crc), ("password.zip", encrypted)):
        with pytest.raises(SubmissionError, match="cannot be unpacked|not a readable zip"):
            read_submission(_zip_with(tmp_path, name, patch))
    with pytest.raises(SubmissionError):
        read_submission(tmp_path / "nothing.zip")
